package edge

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

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

// actorOf returns who asks: "user:<X-User-ID>", or "api" without the header.
func actorOf(c *fiber.Ctx) (string, error) {
	user := c.Get(headerUserID)
	if user == "" {
		return "api", nil
	}
	if !validToken(user) {
		var fs fault.Fields
		fs.Add(headerUserID, "must be at most %d visible ASCII characters", maxHeaderID)
		return "", fs.Err()
	}
	return "user:" + user, nil
}

// trimmedQuery returns the query parameter name without surrounding space.
func trimmedQuery(c *fiber.Ctx, name string) string { return strings.TrimSpace(c.Query(name)) }
