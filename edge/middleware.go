package edge

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/edge/operation"
)

const (
	headerRequestID = "X-Request-ID"
	headerUserID    = "X-User-ID"
	localRequestID  = "aida.request_id"
	localMatched    = "aida.matched"
	maxHeaderID     = 128
)

// requestID returns the request's ID, set by withRequestID.
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// validToken tells whether s is a short header value of visible ASCII without separators that
// could forge log lines.
func validToken(s string) bool {
	if s == "" || len(s) > maxHeaderID {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b > '~' || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

// withRequestID takes X-Request-ID from the request, or makes one, and echoes it.
func (s *Server) withRequestID(c *fiber.Ctx) error {
	id := c.Get(headerRequestID)
	if !validToken(id) {
		id = s.deps.NewID()
	}
	c.Locals(localRequestID, id)
	c.Set(headerRequestID, id)
	return c.Next()
}

// observe answers errors of the chain as problems, then records the request's duration under
// its route template and writes the access log: debug for success, info for client errors,
// warn for server errors.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	if err := c.Next(); err != nil {
		if werr := s.writeError(c, err); werr != nil {
			return werr
		}
	}
	elapsed := time.Since(start)
	template := "unmatched" // no route took the request
	if ok, _ := c.Locals(localMatched).(bool); ok {
		template = c.Route().Path
	}
	status := c.Response().StatusCode()
	s.metrics.duration.WithLabelValues(c.Method(), template, strconv.Itoa(status)).Observe(elapsed.Seconds())
	// A client's mistake (4xx) is the client's to see in its answer; the operator's log at its
	// default level keeps only what the server did wrong (5xx).
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(c.UserContext(), level, "http request",
		slog.String("request_id", requestID(c)), slog.String("method", shortened(c.Method())),
		slog.String("route", template), slog.String("path", shortened(c.Path())), slog.Int("status", status),
		slog.Duration("duration", elapsed), slog.Int("bytes", len(c.Response().Body())),
		slog.String("remote", c.IP()))
	return nil
}

// recoverPanic turns a panic of a handler into a 500, logging the stack.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.LogAttrs(c.UserContext(), slog.LevelError, "handler panicked",
				slog.String("request_id", requestID(c)), slog.String("path", shortened(c.Path())),
				slog.String("panic", fmt.Sprint(r)), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// shortened returns s, from outside, fit for a log line (operation.Loggable).
func shortened(s string) string { return operation.Loggable(s) }
