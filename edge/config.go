package edge

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/aidacrm/aida/edge/idempotency"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/policies/access"
	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of Config.
const (
	DefaultBodyLimit       = 1 << 20 // 1 MiB
	DefaultRequestTimeout  = 10 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
)

// DefaultAllowedHosts are the Host headers a server answers when Config.AllowedHosts is nil:
// the loopback names, on any port.
func DefaultAllowedHosts() []string { return []string{"localhost", "127.0.0.1", "[::1]"} }

// Config tunes the server. Zero fields take the defaults.
type Config struct {
	BodyLimit       int           // largest request body in bytes; larger ones get a 413
	RequestTimeout  time.Duration // deadline of each call to Entities; past it, a 503
	ShutdownTimeout time.Duration // how long Listen waits for open requests when it stops
	// AllowedHosts are the Host headers the server answers (CheckHost); other hosts get a 421,
	// which stops DNS rebinding. "host" matches any port, "host:port" that port only, "*" any
	// host. Nil: DefaultAllowedHosts. /healthz answers every host.
	AllowedHosts []string
	// CORSOrigins are the origins (CheckOrigin) whose pages may call the API from a browser;
	// requests from other origins get no CORS headers. None by default.
	CORSOrigins []string
	// ScopeReps limits reps to the entities they own and unowned ones; managers and admins
	// work on every entity either way.
	ScopeReps bool
	// MetricsToken, when set, opens /readyz and /metrics to "Authorization: Bearer <token>"
	// (AIDA_METRICS_TOKEN), for a Prometheus that cannot hold an API key. Loopback clients need
	// no credentials for them either way.
	MetricsToken string
	// SessionTTL is how long a browser session lasts (default access.DefaultSessionTTL).
	SessionTTL time.Duration
	// RateLimit is the requests per second of a principal whose key has no rate_limit of its
	// own; 0: none. RateBurst is how many it may make at once (0: twice the rate).
	RateLimit, RateBurst int
	// AnonRateLimit is the requests per second of a client address without valid credentials;
	// 0: none. Sign-in attempts are limited per address either way (signInRate).
	AnonRateLimit int
	// TrustedProxies are the addresses (IPs or CIDRs) of the reverse proxies in front: from
	// them alone X-Forwarded-For names the client (rate limits per address) and
	// X-Forwarded-Proto says https (Secure cookies). None by default: the peer is the client.
	TrustedProxies []string
	// StreamConnections and StreamPerPrincipal bound the open live-stream websockets, in total
	// and per principal (defaults stream.DefaultMaxConnections and DefaultMaxPerPrincipal).
	StreamConnections, StreamPerPrincipal int
}

// DefaultConfig returns the configuration with every default.
func DefaultConfig() Config {
	return Config{BodyLimit: DefaultBodyLimit, RequestTimeout: DefaultRequestTimeout,
		ShutdownTimeout: DefaultShutdownTimeout}
}

// withDefaults fills zero fields and checks the others.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.BodyLimit == 0 {
		c.BodyLimit = d.BodyLimit
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = d.RequestTimeout
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = d.ShutdownTimeout
	}
	if c.BodyLimit < 0 || c.RequestTimeout < 0 || c.ShutdownTimeout < 0 {
		return c, fmt.Errorf("edge config: negative limit or timeout")
	}
	if c.AllowedHosts == nil {
		c.AllowedHosts = DefaultAllowedHosts()
	}
	var errs []error
	for _, h := range c.AllowedHosts {
		errs = append(errs, CheckHost(h))
	}
	for _, o := range c.CORSOrigins {
		errs = append(errs, CheckOrigin(o))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("edge config: %w", err)
	}
	return c, nil
}

// Deps are the server's collaborators. Entities is required; the others have defaults: a
// logger that discards, a fresh Prometheus registry, random UUIDs as request IDs, time.Now.
type Deps struct {
	Entities Entities
	Logger   *slog.Logger
	// Registerer receives the HTTP metrics; Gatherer is what /metrics serves. When Registerer
	// is nil, both are a new registry of the server's own.
	Registerer prometheus.Registerer
	Gatherer   prometheus.Gatherer
	NewID      func() string    // request IDs for requests without X-Request-ID
	Now        func() time.Time // the clock of the stats (default time.Now)
	// Hub, when set, serves GET /api/v1/stream; without it the route answers 503.
	Hub *stream.Hub
	// Keys holds the API keys: it checks them and the browser sessions it signs, and serves
	// /api/v1/keys and /api/v1/session. Nil: no key and no session is accepted.
	Keys *access.Keys
	// Auth checks the credential of an Authorization header; nil: Keys. The system chains
	// Keys with an OIDC verifier when one is configured.
	Auth access.Authenticator
	// Idempotency keeps the answers of POSTs sent with an Idempotency-Key (24 h); nil: the
	// header is ignored.
	Idempotency idempotency.Store
}

// ErrNoEntities: Deps.Entities is nil.
var ErrNoEntities = errors.New("edge: Deps.Entities is required")

func (d Deps) withDefaults() (Deps, error) {
	if d.Entities == nil {
		return d, ErrNoEntities
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Registerer == nil {
		reg := prometheus.NewRegistry()
		d.Registerer, d.Gatherer = reg, reg
	}
	if d.Gatherer == nil {
		g, ok := d.Registerer.(prometheus.Gatherer)
		if !ok {
			return d, errors.New("edge: Deps.Gatherer is required when Registerer is not a Gatherer")
		}
		d.Gatherer = g
	}
	if d.NewID == nil {
		d.NewID = uuid.NewString
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Auth == nil && d.Keys != nil {
		d.Auth = d.Keys
	}
	return d, nil
}
