package edge

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

// decoder turns a request body into a command.
type decoder func([]byte) (*aidapb.Command, error)

// requestContext returns the context every call to Entities takes: the request's, bounded by
// Config.RequestTimeout.
func (s *Server) requestContext(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.UserContext(), s.cfg.RequestTimeout)
}

// entityID returns the canonical UUID in the :id parameter, or a NotFound error.
func entityID(c *fiber.Ctx, kind string) (string, error) {
	raw := c.Params("id")
	id, ok := rest.ParseID(raw)
	if !ok {
		if len(raw) > 64 {
			raw = raw[:64] + "…"
		}
		return "", fault.New(fault.NotFound, "no %s with id %q", kind, raw)
	}
	return id, nil
}

// stamp sets who asked and the request ID on cmd; a note's author is who asked.
func stamp(c *fiber.Ctx, cmd *aidapb.Command) error {
	actor := "api"
	if user := c.Get(headerUserID); user != "" {
		if !validToken(user) {
			var fs fault.Fields
			fs.Add(headerUserID, "must be at most %d visible ASCII characters", maxHeaderID)
			return fs.Err()
		}
		actor = "user:" + user
	}
	cmd.Actor = actor
	cmd.RequestId = requestID(c)
	if note := cmd.GetAddNote(); note != nil {
		note.Author = actor
	}
	return nil
}

// view turns an actor's reply into its JSON view, or its error.
func view(reply *aidapb.Reply) (any, error) {
	if e := reply.GetError(); e != nil {
		return nil, fault.FromProto(e)
	}
	switch v := reply.GetView().(type) {
	case *aidapb.Reply_Lead:
		return rest.ViewLead(v.Lead), nil
	case *aidapb.Reply_Deal:
		return rest.ViewDeal(v.Deal), nil
	case *aidapb.Reply_Account:
		return rest.ViewAccount(v.Account), nil
	}
	return nil, fault.New(fault.Internal, "the reply holds no view")
}

// location returns the URL of an entity of kind.
func location(kind, id string) string { return "/api/v1/" + kind + "s/" + id }

// send delivers cmd to (kind, id) and answers with status and the reply's view.
func (s *Server) send(c *fiber.Ctx, kind, id string, cmd *aidapb.Command, status int) error {
	if err := stamp(c, cmd); err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	reply, err := s.entities.Send(ctx, kind, id, cmd)
	if err != nil {
		return err
	}
	v, err := view(reply)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(v)
}

// get answers GET /…/:id.
func (s *Server) get(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := entityID(c, kind)
		if err != nil {
			return err
		}
		return s.send(c, kind, id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}, fiber.StatusOK)
	}
}

// command answers a request whose body decodes into a command for the entity at :id.
func (s *Server) command(kind string, decode decoder, status int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := entityID(c, kind)
		if err != nil {
			return err
		}
		cmd, err := decode(c.Body())
		if err != nil {
			return err
		}
		return s.send(c, kind, id, cmd, status)
	}
}

// create answers POST /deals and POST /accounts with 201 and the new entity.
func (s *Server) create(kind string, decode decoder) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cmd, err := decode(c.Body())
		if err != nil {
			return err
		}
		if err := stamp(c, cmd); err != nil {
			return err
		}
		ctx, cancel := s.requestContext(c)
		defer cancel()
		reply, err := s.entities.Create(ctx, kind, cmd)
		if err != nil {
			return err
		}
		v, err := view(reply)
		if err != nil {
			return err
		}
		if id := viewID(reply); id != "" {
			c.Set(fiber.HeaderLocation, location(kind, id))
		}
		return c.Status(fiber.StatusCreated).JSON(v)
	}
}

// viewID returns the ID of the entity in a reply.
func viewID(reply *aidapb.Reply) string {
	switch {
	case reply.GetLead() != nil:
		return reply.GetLead().GetId()
	case reply.GetDeal() != nil:
		return reply.GetDeal().GetId()
	default:
		return reply.GetAccount().GetId()
	}
}

// trimmedQuery returns the query parameter name without surrounding space.
func trimmedQuery(c *fiber.Ctx, name string) string { return strings.TrimSpace(c.Query(name)) }
