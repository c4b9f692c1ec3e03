package system

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/agent"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/policies/access"
	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/bus"
)

// Config is everything a system can be told. `aida` reads it from flags and environment
// variables, whose names the errors of Validate use; `aida-bench` builds it in code.
type Config struct {
	Addr            string        // HTTP listen address
	AllowedHosts    string        // Host headers the API answers, comma-separated; empty: see HostList
	CORSOrigins     string        // origins whose browser pages may call the API, comma-separated
	DataDir         string        // SQLite database and other local data
	DatabaseURL     string        // PostgreSQL; empty: embedded SQLite in DataDir
	DefaultAutonomy int           // autonomy level of new entities, 1..5
	PassivateAfter  time.Duration // idle time before an actor leaves memory
	RequestTimeout  time.Duration // deadline of one HTTP request, edge to actor and back
	BodyLimit       int           // largest accepted request body, bytes
	ShutdownTimeout time.Duration // time each component gets to stop
	LogLevel        string        // debug, info, warn, error
	NATSURL         string        // an external NATS server; empty: embed one
	NATSCreds       string        // a .creds file for the external NATS server (or credentials in NATSURL)
	NATSAddr        string        // where the embedded NATS server listens
	NATSSyncAlways  bool          // the embedded JetStream fsyncs every message
	EventsMaxBytes  int           // the events stream's size limit, bytes; -1: none
	EventsMaxMsg    int           // the largest event the stream takes, bytes
	Agents          string        // background agents to run: comma-separated names, or none
	StaleAfter      time.Duration // pipeline agent: an open deal without activity this long is stale
	HealthEvery     time.Duration // success agent: how often account health is recomputed
	AdminKey        string        // AIDA_ADMIN_KEY: an admin key from the environment; empty: none
	MetricsToken    string        // opens /metrics and /readyz to a remote scraper
	ScopeReps       bool          // reps work on their own and unowned entities only
	SessionTTL      time.Duration // how long a browser session lasts
	RateLimit       int           // requests per second per key without a rate_limit of its own; 0: none
	RateBurst       int           // requests at once above the rate; 0: twice the rate
	AnonRateLimit   int           // requests per second per client address without credentials; 0: none
	OIDCIssuer      string        // accept this OpenID Connect issuer's tokens; empty: keys only
	OIDCAudience    string        // the audience OIDC tokens must carry
	OIDCRoleClaim   string        // the claim holding a user's roles
	OIDCNameClaim   string        // the claim naming a user (their principal and owner name)
	TrustedProxies  string        // reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-* count
	StreamConns     int           // open live-stream websockets on this server, at most
	StreamPerWho    int           // open live-stream websockets of one principal, at most
	AI              ai.Config     // the language model; zero BaseURL: none, the offline brain alone
}

// AgentList returns the agents to run.
func (c Config) AgentList() []string {
	v := strings.TrimSpace(strings.ToLower(c.Agents))
	if v == "none" || v == "" {
		return nil
	}
	var out []string
	for _, name := range strings.Split(v, ",") {
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// Default returns the configuration `make run` uses.
func Default() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./data",
		DefaultAutonomy: 2,
		PassivateAfter:  10 * time.Minute,
		RequestTimeout:  10 * time.Second,
		BodyLimit:       1 << 20,
		ShutdownTimeout: 15 * time.Second,
		LogLevel:        "info",
		NATSAddr:        "127.0.0.1:4222",
		Agents:          strings.Join(agent.Names(), ","),
		StaleAfter:      14 * 24 * time.Hour,
		HealthEvery:     24 * time.Hour,
		EventsMaxBytes:  1 << 30,
		EventsMaxMsg:    bus.DefaultMaxMsgSize,
		ScopeReps:       true,
		SessionTTL:      access.DefaultSessionTTL,
		AnonRateLimit:   5,
		OIDCRoleClaim:   "roles",
		OIDCNameClaim:   "sub",
		StreamConns:     stream.DefaultMaxConnections,
		StreamPerWho:    stream.DefaultMaxPerPrincipal,
		AI:              ai.Config{Timeout: ai.DefaultTimeout, Concurrency: ai.DefaultConcurrency},
	}
}

// Validate says what to fix, all problems at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("AIDA_ADDR %q is not host:port (e.g. 127.0.0.1:8080 or :8080)", c.Addr))
	}
	if c.DatabaseURL == "" && strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("AIDA_DATA_DIR is empty: name a directory for the SQLite data, or set DATABASE_URL"))
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("DATABASE_URL must be a postgres:// URL, e.g. postgres://aida:secret@localhost:5432/aida?sslmode=disable"))
		}
	}
	if c.DefaultAutonomy < 1 || c.DefaultAutonomy > 5 {
		errs = append(errs, fmt.Errorf("AIDA_DEFAULT_AUTONOMY %d is out of range: use 1 (draft only) to 5 (autonomous)", c.DefaultAutonomy))
	}
	if c.PassivateAfter < time.Second {
		errs = append(errs, fmt.Errorf("AIDA_PASSIVATE_AFTER %s is too short: use 1s or more (e.g. 10m)", c.PassivateAfter))
	}
	if c.RequestTimeout < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("AIDA_REQUEST_TIMEOUT %s is too short: use 10ms or more (e.g. 10s)", c.RequestTimeout))
	}
	if c.BodyLimit < 1024 {
		errs = append(errs, fmt.Errorf("AIDA_BODY_LIMIT %d is too small: use 1024 bytes or more", c.BodyLimit))
	}
	if c.EventsMaxBytes != -1 && c.EventsMaxBytes < 1<<20 {
		errs = append(errs, fmt.Errorf("AIDA_EVENTS_MAX_BYTES %d is too small: use 1048576 (1 MiB) or more, or -1 for no limit", c.EventsMaxBytes))
	}
	if c.EventsMaxMsg < 1024 || c.EventsMaxMsg > 64<<20 {
		errs = append(errs, fmt.Errorf("AIDA_EVENTS_MAX_MESSAGE %d is out of range: use 1024 to 67108864 bytes (an external NATS must also allow it as max_payload)", c.EventsMaxMsg))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("AIDA_SHUTDOWN_TIMEOUT must be positive (e.g. 15s)"))
	}
	if c.NATSURL != "" {
		if u, err := url.Parse(c.NATSURL); err != nil || (u.Scheme != "nats" && u.Scheme != "tls") {
			errs = append(errs, errors.New("NATS_URL must be a nats:// URL, e.g. nats://localhost:4222"))
		}
	} else if c.NATSCreds != "" {
		errs = append(errs, errors.New("NATS_CREDS is for an external NATS server (NATS_URL); the embedded one makes its own credentials (see `aida nats creds`)"))
	} else if _, _, err := net.SplitHostPort(c.NATSAddr); err != nil {
		errs = append(errs, fmt.Errorf("AIDA_NATS_ADDR %q is not host:port (e.g. 127.0.0.1:4222, or 127.0.0.1:0 for any free port)", c.NATSAddr))
	}
	for _, name := range c.AgentList() {
		if !slices.Contains(agent.Names(), name) {
			errs = append(errs, fmt.Errorf("AIDA_AGENTS names %q: use a comma-separated list of %s, or none", name, strings.Join(agent.Names(), ", ")))
		}
	}
	if c.StaleAfter < time.Minute {
		errs = append(errs, fmt.Errorf("AIDA_STALE_AFTER %s is too short: use 1m or more (e.g. 14d)", c.StaleAfter))
	}
	if c.HealthEvery < time.Minute {
		errs = append(errs, fmt.Errorf("AIDA_HEALTH_EVERY %s is too short: use 1m or more (e.g. 1d)", c.HealthEvery))
	}
	if _, err := c.Level(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateHTTP()...)
	if c.AI.Enabled() {
		errs = append(errs, c.AI.Validate())
	} else if c.AI.Model != "" || c.AI.APIKey != "" {
		errs = append(errs, errors.New("AIDA_AI_MODEL or AIDA_AI_API_KEY is set without AIDA_AI_BASE_URL: name the endpoint (ending in /v1), or clear them"))
	}
	return errors.Join(errs...)
}

// Level is LogLevel as a slog level.
func (c Config) Level() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("AIDA_LOG_LEVEL %q: use debug, info, warn or error", c.LogLevel)
	}
	return l, nil
}
