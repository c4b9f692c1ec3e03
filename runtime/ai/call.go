package ai

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// call runs one exchange with the endpoint through the circuit breaker: f once, and once more
// after a 429 whose Retry-After fits in ctx's deadline, or after a 5xx or a network error and a
// short backoff. The breaker counts the exchange (not each attempt) as one success or failure.
func (c *Client) call(ctx context.Context, f func(context.Context) error) error {
	done, err := c.breaker.Allow()
	if err != nil {
		return fail(ErrUnavailable, err)
	}
	err = c.retry(ctx, f)
	done(err)
	return err
}

func (c *Client) retry(ctx context.Context, f func(context.Context) error) error {
	wait, again, err := c.attempt(ctx, f)
	if err == nil || !again {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
		return err
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fail(ErrTimeout, ctx.Err())
	case <-t.C:
	}
	_, _, err = c.attempt(ctx, f)
	return err
}

// attempt calls f once and classifies its error: how long to wait before a retry, whether a
// retry may help, and an *Error (nil on success).
func (c *Client) attempt(ctx context.Context, f func(context.Context) error) (time.Duration, bool, error) {
	var ra retryAfter
	err := f(context.WithValue(ctx, retryAfterKey{}, &ra))
	if err == nil {
		return 0, false, nil
	}
	if ctx.Err() != nil {
		return 0, false, fail(ErrTimeout, ctx.Err())
	}
	status := 0
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		status = apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		status = reqErr.HTTPStatusCode
	}
	switch {
	case status == http.StatusTooManyRequests:
		wait := time.Duration(ra.Load())
		e := &Error{Reason: ErrRateLimited, RetryAfter: wait, Err: err}
		if wait <= 0 {
			wait = c.opts.retryBackoff
		}
		return wait, true, e
	case status >= 500 || status == 0: // a 5xx, a network error or an unreadable answer
		return c.opts.retryBackoff, true, fail(ErrUnavailable, err)
	default: // another 4xx: a wrong key, model or request; a retry would fail the same way
		return 0, false, fail(ErrUnavailable, err)
	}
}

// retryAfter carries a 429's Retry-After from the HTTP client up to attempt, through the
// request's context (go-openai's errors do not keep the response's headers).
type retryAfter struct{ atomic.Int64 }

type retryAfterKey struct{}

// doer is the HTTP client given to go-openai: it notes the Retry-After of a 429.
type doer struct{ http *http.Client }

func (d doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.http.Do(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		if ra, ok := req.Context().Value(retryAfterKey{}).(*retryAfter); ok {
			ra.Store(int64(parseRetryAfter(resp.Header, time.Now())))
		}
	}
	return resp, err
}

// parseRetryAfter reads retry-after-ms (OpenAI's), else Retry-After in seconds or as an HTTP
// date; 0 when absent or unreadable.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := h.Get("Retry-After")
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
