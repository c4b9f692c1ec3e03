package ai

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Option configures a Client.
type Option func(*options)

type options struct {
	reg          prometheus.Registerer
	log          *slog.Logger
	now          func() time.Time
	tripAfter    uint32        // consecutive failures that open the breaker
	openFor      time.Duration // how long the breaker stays open before a half-open probe
	retryBackoff time.Duration // the wait before retrying a 5xx or a network error
}

func defaultOptions() options {
	return options{
		log:          slog.New(slog.DiscardHandler),
		now:          time.Now,
		tripAfter:    5,
		openFor:      30 * time.Second,
		retryBackoff: 250 * time.Millisecond,
	}
}

// WithRegisterer registers the client's metrics on reg (none by default).
func WithRegisterer(reg prometheus.Registerer) Option { return func(o *options) { o.reg = reg } }

// WithLogger logs budget warnings and breaker changes on log (discarded by default).
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// WithClock sets the clock that decides the UTC day of the budgets (time.Now by default).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithBreaker sets how many consecutive failed exchanges open the circuit breaker (5 by
// default) and how long it stays open before one half-open probe is let through (30s).
func WithBreaker(failures int, openFor time.Duration) Option {
	return func(o *options) {
		if failures > 0 {
			o.tripAfter = uint32(failures)
		}
		if openFor > 0 {
			o.openFor = openFor
		}
	}
}

// WithRetryBackoff sets the wait before the one retry of a 5xx or a network error (250ms).
func WithRetryBackoff(d time.Duration) Option { return func(o *options) { o.retryBackoff = d } }
