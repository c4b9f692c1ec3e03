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

// trimmedQuery returns the query parameter name without surrounding space.
func trimmedQuery(c *fiber.Ctx, name string) string { return strings.TrimSpace(c.Query(name)) }
