package aitest

import (
	"math"
	"strconv"
	"time"
)

// Step is how the server answers one request.
type Step struct {
	content    string        // the assistant's content (chat); any answer (embeddings)
	status     int           // an error status to answer instead; 0: 200
	retryAfter time.Duration // with 429: the Retry-After sent
	hang       bool          // answer nothing until the request's context ends
	wait       <-chan struct{}
}

// Answer answers content as the assistant's message: JSON the test wants, or anything else.
// For embeddings, any Answer step answers the deterministic vectors.
func Answer(content string) Step { return Step{content: content} }

// Garbage answers text that is not JSON.
func Garbage() Step {
	return Answer("Sure! Here is the assessment you asked for: {score: high, because reasons")
}

// InvalidThenValid answers invalid, then valid to the next request (the repair attempt).
func InvalidThenValid(invalid, valid string) []Step { return []Step{Answer(invalid), Answer(valid)} }

// Hang answers nothing until the request's context ends (the client gives up) or the server
// closes.
func Hang() Step { return Step{hang: true} }

// RateLimited answers 429 with Retry-After (whole seconds, rounded up) and Retry-After-Ms.
func RateLimited(retryAfter time.Duration) Step {
	return Step{status: 429, retryAfter: retryAfter}
}

// Fail answers an OpenAI error body with status (500, 503, 401...).
func Fail(status int) Step { return Step{status: status} }

// After makes the step wait until ch is closed (or the request ends) before answering: a test
// holds requests in flight with it.
func (s Step) After(ch <-chan struct{}) Step {
	s.wait = ch
	return s
}

func (s Step) retryAfterHeaders() (seconds, ms string) {
	return strconv.Itoa(int(math.Ceil(s.retryAfter.Seconds()))), strconv.FormatInt(s.retryAfter.Milliseconds(), 10)
}
