package reminder

import (
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of the options.
const (
	DefaultPollInterval = time.Second
	DefaultConcurrency  = 64
	DefaultPageSize     = 500
	DefaultBackoffBase  = time.Second
	DefaultBackoffMax   = 5 * time.Minute
)

// Option configures a Scheduler.
type Option func(*config)

type config struct {
	clock       Clock
	poll        time.Duration
	concurrency int
	pageSize    int
	backoffBase time.Duration
	backoffMax  time.Duration
	rand        func() float64
	registerer  prometheus.Registerer
	log         *slog.Logger
}

func defaults() config {
	return config{
		clock: realClock{}, poll: DefaultPollInterval, concurrency: DefaultConcurrency, pageSize: DefaultPageSize,
		backoffBase: DefaultBackoffBase, backoffMax: DefaultBackoffMax, rand: rand.Float64,
		log: slog.New(slog.DiscardHandler),
	}
}

// WithClock sets the clock (default the wall clock).
func WithClock(c Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	}
}

// WithPollInterval sets the longest sleep between two reads of the store (default 1 s): a
// reminder set by another node, which cannot Kick this scheduler, is seen within it.
func WithPollInterval(d time.Duration) Option {
	return func(cfg *config) {
		if d > 0 {
			cfg.poll = d
		}
	}
}

// WithConcurrency bounds the deliveries running at once (default 64).
func WithConcurrency(n int) Option { return func(cfg *config) { cfg.concurrency = max(n, 1) } }

// WithPageSize sets how many due reminders one store read returns (default 500). It is raised
// to twice the concurrency when smaller, so that a page always holds reminders not in flight.
func WithPageSize(n int) Option { return func(cfg *config) { cfg.pageSize = max(n, 1) } }

// WithBackoff sets the retry delay after a failed delivery: base doubled per failed attempt, at
// most max, then jittered to between half and all of it (default 1 s and 5 min).
func WithBackoff(base, max time.Duration) Option {
	return func(cfg *config) {
		if base > 0 && max >= base {
			cfg.backoffBase, cfg.backoffMax = base, max
		}
	}
}

// WithRand sets the jitter source, a function returning values in [0, 1) (default
// math/rand/v2.Float64). It is called from several goroutines.
func WithRand(f func() float64) Option {
	return func(cfg *config) {
		if f != nil {
			cfg.rand = f
		}
	}
}

// WithRegisterer registers the scheduler's metrics with r (default: not registered).
func WithRegisterer(r prometheus.Registerer) Option { return func(cfg *config) { cfg.registerer = r } }

// WithLogger sets the logger of store failures (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(cfg *config) {
		if l != nil {
			cfg.log = l
		}
	}
}
