package edge

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/edge/stats"
)

// statsRoutes registers the dashboard's figures: GET /api/v1/stats/overview, computed by a
// stats.Service over Entities and reused for up to stats.DefaultTTL.
func (s *Server) statsRoutes() {
	svc := stats.New(s.entities, stats.WithClock(s.deps.Now), stats.WithTimeout(s.cfg.RequestTimeout))
	s.app.Get("/api/v1/stats/overview", matched, s.statsOverview(svc))
}

// statsOverview answers GET /api/v1/stats/overview.
func (s *Server) statsOverview(svc *stats.Service) fiber.Handler {
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
