package edge

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/problemjson"
	"github.com/aidacrm/aida/persistence"
)

// problemOf maps an error to the problem the client sees. The contract's errors map through
// rest.ProblemOf, shared with the NATS adapter; fiber's own errors and bare store errors are
// mapped here. internal is true when the error is a bug to log, not a client's mistake.
func problemOf(err error) (p rest.Problem, internal bool) {
	var fe *fault.Error
	var fiberErr *fiber.Error
	switch {
	case errors.As(err, &fe) && fe.Code != fault.Internal && fe.Code != fault.Code(0),
		errors.Is(err, rest.ErrBadJSON), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return rest.ProblemOf(err)
	case errors.As(err, &fiberErr):
		return fiberProblem(fiberErr), false
	case errors.Is(err, persistence.ErrBadCursor):
		p := problem(http.StatusUnprocessableEntity, "invalid", "Invalid request", "some fields are invalid")
		p.Errors = []rest.FieldError{{Field: "cursor", Message: "is not a cursor this server made"}}
		return p, false
	case errors.Is(err, persistence.ErrNotFound):
		return problem(http.StatusNotFound, "not-found", "Not found", "no such entity"), false
	case errors.Is(err, persistence.ErrConflict):
		return problem(http.StatusConflict, "conflict", "Conflict", "a concurrent write won; retry"), false
	case errors.Is(err, persistence.ErrDuplicate):
		return problem(http.StatusConflict, "duplicate", "Duplicate", "a unique key is taken"), false
	case errors.Is(err, persistence.ErrUnavailable), errors.Is(err, persistence.ErrClosed):
		return problem(http.StatusServiceUnavailable, "unavailable", "Service unavailable",
			"the store is unavailable; retry"), false
	}
	return rest.ProblemOf(err)
}

func problem(status int, slug, title, detail string) rest.Problem {
	return rest.Problem{Type: "/problems/" + slug, Title: title, Status: status, Detail: detail}
}

// fiberProblem maps the errors fiber raises itself (no route, method, body too large).
func fiberProblem(e *fiber.Error) rest.Problem {
	switch e.Code {
	case http.StatusNotFound:
		return problem(e.Code, "no-route", "Not found", "no such route")
	case http.StatusMethodNotAllowed:
		return methodProblem()
	case http.StatusUnsupportedMediaType:
		return problem(e.Code, "unsupported-media-type", "Unsupported media type",
			"send the body as JSON with the header Content-Type: application/json")
	case http.StatusMisdirectedRequest:
		return problem(e.Code, "misdirected-request", "Misdirected request",
			"this server does not answer for the host the request names; list it in AIDA_ALLOWED_HOSTS")
	case http.StatusRequestEntityTooLarge:
		return problem(e.Code, "body-too-large", "Request body too large", "the body is larger than the limit")
	case http.StatusBadRequest:
		// fasthttp's parse errors quote the request's headers (an Authorization among them):
		// the answer says what is wrong without echoing them.
		return problem(e.Code, "malformed-request", "Malformed request",
			"the request is not well-formed HTTP/1.1 (e.g. a header line without a colon, or a space before one); nothing was done")
	}
	if e.Code >= 500 {
		return problem(e.Code, "internal", http.StatusText(e.Code), "the server could not answer")
	}
	return problem(e.Code, "bad-request", http.StatusText(e.Code), e.Message)
}

// writeError answers the request with the problem err maps to; internal errors are logged with
// the request ID and never shown.
func (s *Server) writeError(c *fiber.Ctx, err error) error {
	p, internal := problemOf(err)
	p.Instance = c.Path()
	p.RequestID = requestID(c)
	if p.Status == http.StatusMethodNotAllowed {
		c.Set(fiber.HeaderAllow, s.allow.methods(c.Path()))
	}
	if internal {
		s.log.LogAttrs(c.UserContext(), slog.LevelError, "request failed",
			slog.String("request_id", p.RequestID), slog.String("method", shortened(c.Method())),
			slog.String("path", shortened(c.Path())), slog.String("error", err.Error()))
	}
	return writeProblem(c, p)
}

// writeProblem writes p as application/problem+json; a 503 says to retry in a second.
func writeProblem(c *fiber.Ctx, p rest.Problem) error {
	if p.Status == http.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "1")
	}
	return problemjson.Write(c, p)
}
