package natscmd

import (
	"github.com/aidacrm/aida/policies/access"
	"log/slog"
	"time"

	"github.com/google/uuid"
)

// The defaults of the options.
const (
	DefaultTimeout      = 10 * time.Second // deadline of one request
	DefaultConcurrency  = 256              // requests handled at once
	DefaultDrainTimeout = 30 * time.Second // how long Stop waits for the subscription to drain
)

// Option configures a Server.
type Option func(*config)

type config struct {
	timeout      time.Duration
	concurrency  int
	drainTimeout time.Duration
	log          *slog.Logger
	newID        func() string
	auth         access.Authenticator // nil: every credential is refused
	scopeReps    bool
}

func defaults() config {
	return config{
		timeout:      DefaultTimeout,
		concurrency:  DefaultConcurrency,
		drainTimeout: DefaultDrainTimeout,
		log:          slog.New(slog.DiscardHandler),
		newID:        uuid.NewString,
	}
}

// WithTimeout bounds each request's context; d ≤ 0 keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithConcurrency bounds the requests handled at once; the next ones are answered 503. n ≤ 0
// keeps the default.
func WithConcurrency(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// WithDrainTimeout bounds how long Stop waits for the subscription to drain; d ≤ 0 keeps the
// default.
func WithDrainTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.drainTimeout = d
		}
	}
}

// WithLogger logs internal errors (with the request ID) and replies that could not be sent;
// nil keeps the default, which discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.log = l
		}
	}
}

// WithNewID makes the request IDs of requests that bring none (default: random UUIDs).
func WithNewID(f func() string) Option {
	return func(c *config) {
		if f != nil {
			c.newID = f
		}
	}
}

// WithAuthenticator sets what checks the credentials a request carries in its Authorization
// header ("Bearer <key>"). Without it, every operation but the public ones answers 401.
func WithAuthenticator(a access.Authenticator) Option {
	return func(c *config) { c.auth = a }
}

// WithScopeReps limits reps to the entities they own and unowned ones, as REST does.
func WithScopeReps(on bool) Option {
	return func(c *config) { c.scopeReps = on }
}
