// Package problemjson writes RFC 9457 problems as the answers of fiber handlers, for the edge
// and every package of its middleware (rate limits, idempotency, the live stream), so that
// each problem looks the same whoever answers it.
package problemjson

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
)

// Write answers with p as application/problem+json and p.Status. An empty Instance becomes the
// request's path, an empty RequestID the X-Request-ID the response carries.
func Write(c *fiber.Ctx, p rest.Problem) error {
	if p.Instance == "" {
		p.Instance = c.Path()
	}
	if p.RequestID == "" {
		p.RequestID = string(c.Response().Header.Peek(fiber.HeaderXRequestID))
	}
	if err := c.Status(p.Status).JSON(p); err != nil {
		return fmt.Errorf("write problem: %w", err)
	}
	c.Set(fiber.HeaderContentType, rest.ProblemContentType)
	return nil
}
