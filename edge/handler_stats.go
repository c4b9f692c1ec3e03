package edge

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/edge/stats"
)

// overviewHandler answers GET /api/v1/stats/overview: the dashboard's figures, computed by a
// stats.Service over Entities and reused for up to stats.DefaultTTL.
func (s *Server) overviewHandler() fiber.Handler {
	svc := stats.New(s.entities, stats.WithClock(s.deps.Now), stats.WithTimeout(s.cfg.RequestTimeout))
	return func(c *fiber.Ctx) error {
		ctx, cancel := s.requestContext(c)
		defer cancel()
		o, err := svc.Overview(ctx)
		if err != nil {
			return fmt.Errorf("stats overview: %w", err)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(o)
	}
}
