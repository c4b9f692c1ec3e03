package ai

import (
	"errors"
	"fmt"
	"time"
)

// The reasons a call gives no usable answer. Each is a fallback reason: the caller answers with
// the offline brain and journals the reason (Outcome names it). Errors returned by Complete and
// Embed match exactly one of them with errors.Is, except a malformed Request.
var (
	// ErrTimeout: the call's deadline (Config.Timeout or the caller's context) passed, or the
	// caller's context was canceled, before an answer came.
	ErrTimeout = errors.New("ai: timeout")
	// ErrRateLimited: the endpoint answered 429 and its Retry-After did not fit in the deadline,
	// or it answered 429 again after the wait. The *Error carries the Retry-After duration.
	ErrRateLimited = errors.New("ai: rate limited")
	// ErrUnavailable: the endpoint failed (5xx twice, a network error, another 4xx such as a
	// wrong key or model) or the circuit breaker is open and the call was not sent.
	ErrUnavailable = errors.New("ai: unavailable")
	// ErrBudget: today's token budget (global or the entity's) is used up; nothing was sent.
	ErrBudget = errors.New("ai: budget exhausted")
	// ErrInvalidAnswer: the answer did not validate against the schema, before and after the
	// one repair attempt.
	ErrInvalidAnswer = errors.New("ai: invalid answer")
)

// Error is the error of a failed call: Reason is one of the sentinels above, Err the cause
// (the endpoint's error, a context error, the validation error). errors.Is matches both.
type Error struct {
	Reason     error
	RetryAfter time.Duration // with ErrRateLimited: the endpoint's Retry-After, 0 if none
	Err        error
}

func (e *Error) Error() string {
	s := e.Reason.Error()
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the reason and the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

func fail(reason, cause error) *Error { return &Error{Reason: reason, Err: cause} }

// Outcome names how a call ended, as the metric label aida_ai_requests_total{outcome} and the
// journal record it: "ok" for a nil error, else "timeout", "rate_limited", "unavailable",
// "budget", "invalid", or "error" for a malformed Request. A repaired answer's outcome is in
// Answer.Outcome.
func Outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrUnavailable):
		return "unavailable"
	case errors.Is(err, ErrBudget):
		return "budget"
	case errors.Is(err, ErrInvalidAnswer):
		return "invalid"
	}
	return "error"
}

// The outcomes of a call that answered.
const (
	OutcomeOK       = "ok"
	OutcomeRepaired = "repaired"
)
