package rest

import (
	"context"
	"errors"
	"net/http"

	"github.com/aidacrm/aida/api/fault"
)

// ProblemOf maps an error of the contract to the problem a client sees: a *fault.Error by its
// code, ErrBadJSON to 400, a context deadline or cancellation to 503, anything else to a 500
// whose detail hides the cause. internal is true when err is a bug to log, not a client's
// mistake. Transports (HTTP, NATS) call it so that one error has one status everywhere.
func ProblemOf(err error) (p Problem, internal bool) {
	var fe *fault.Error
	switch {
	case errors.As(err, &fe) && fe.Code != fault.Internal && fe.Code != fault.Code(0):
		return FaultProblem(fe), false
	case errors.Is(err, ErrBadJSON):
		return newProblem(http.StatusBadRequest, "bad-request", "Malformed request", err.Error()), false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return newProblem(http.StatusServiceUnavailable, "timeout", "Service unavailable",
			"the request did not complete in time; retry"), false
	default:
		return internalProblem(), true
	}
}

// FaultProblem maps a fault code to its status: NotFound 404, Invalid 422 (with the fields),
// Transition, Conflict and Duplicate 409, Unauthenticated 401, Forbidden 403, Unavailable 503, anything else 500.
func FaultProblem(e *fault.Error) Problem {
	var p Problem
	switch e.Code {
	case fault.NotFound:
		p = newProblem(http.StatusNotFound, "not-found", "Not found", e.Message)
	case fault.Invalid:
		p = newProblem(http.StatusUnprocessableEntity, "invalid", "Invalid request", e.Message)
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, FieldError{Field: f.Name, Message: f.Message})
		}
	case fault.Transition:
		p = newProblem(http.StatusConflict, "transition", "Not allowed in this state", e.Message)
	case fault.Conflict:
		p = newProblem(http.StatusConflict, "conflict", "Conflict", e.Message)
	case fault.Duplicate:
		p = newProblem(http.StatusConflict, "duplicate", "Duplicate", e.Message)
	case fault.Unauthenticated:
		p = newProblem(http.StatusUnauthorized, "unauthenticated", "Sign in first", e.Message)
	case fault.Forbidden:
		p = newProblem(http.StatusForbidden, "forbidden", "Not allowed", e.Message)
	case fault.Unavailable:
		p = newProblem(http.StatusServiceUnavailable, "unavailable", "Service unavailable", e.Message)
	default:
		p = internalProblem()
	}
	return p
}

func newProblem(status int, slug, title, detail string) Problem {
	return Problem{Type: "/problems/" + slug, Title: title, Status: status, Detail: detail}
}

func internalProblem() Problem {
	return newProblem(http.StatusInternalServerError, "internal", "Internal error",
		"an internal error occurred; quote the request id when reporting it")
}
