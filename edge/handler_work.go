package edge

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
)

// pathDecoder turns a path parameter and a request body into a command.
type pathDecoder func(param string, body []byte) (*aidapb.Command, error)

// pathParam returns the path parameter name, URL-decoded when it decodes.
func pathParam(c *fiber.Ctx, name string) string {
	raw := c.Params(name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}

// commandAt answers a request whose path parameter param (task_id, draft_id, name) and body
// decode into a command for the entity at :id.
func (s *Server) commandAt(kind, param string, decode pathDecoder, status int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := entityID(c, kind)
		if err != nil {
			return err
		}
		cmd, err := decode(pathParam(c, param), c.Body())
		if err != nil {
			return err
		}
		return s.send(c, kind, id, cmd, status)
	}
}

// clearFlag answers DELETE /…/:id/flags/:name?reason=… with the entity.
func (s *Server) clearFlag(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := entityID(c, kind)
		if err != nil {
			return err
		}
		cmd, err := rest.DecodeClearFlag(pathParam(c, "name"), trimmedQuery(c, "reason"))
		if err != nil {
			return err
		}
		return s.send(c, kind, id, cmd, fiber.StatusOK)
	}
}

// stopSequence answers DELETE /api/v1/leads/:id/sequence?reason=… with the lead.
func (s *Server) stopSequence(c *fiber.Ctx) error {
	id, err := entityID(c, kindLead)
	if err != nil {
		return err
	}
	cmd, err := rest.DecodeStopSequence(trimmedQuery(c, "reason"))
	if err != nil {
		return err
	}
	return s.send(c, kindLead, id, cmd, fiber.StatusOK)
}

// startOnboarding answers POST /api/v1/accounts/:id/onboarding with the account. The plan is
// the gateway's to fill in, so the command goes through Entities.StartOnboarding, not Send.
func (s *Server) startOnboarding(c *fiber.Ctx) error {
	id, err := entityID(c, kindAccount)
	if err != nil {
		return err
	}
	cmd, err := rest.DecodeStartOnboarding(c.Body())
	if err != nil {
		return err
	}
	if err := stamp(c, cmd); err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	reply, err := s.entities.StartOnboarding(ctx, id, cmd)
	if err != nil {
		return err
	}
	v, err := view(reply)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusOK).JSON(v)
}
