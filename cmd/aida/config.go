package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/agent"
	"github.com/aidacrm/aida/cmd/internal/system"
)

// setting is one configurable value: its flag, its environment variable and its help.
type setting struct {
	flag, env, help string
	value           flag.Value
}

// settings are what `aida` reads into c: its flags and environment variables.
func settings(c *system.Config) []setting {
	return []setting{
		{"addr", "AIDA_ADDR", "HTTP listen address (host:port)", (*stringValue)(&c.Addr)},
		{"allowed-hosts", "AIDA_ALLOWED_HOSTS", "Host headers the API answers, comma-separated (host or host:port; * for any); others get 421. Empty: the host of --addr, localhost, 127.0.0.1 and [::1]", (*stringValue)(&c.AllowedHosts)},
		{"cors-origins", "AIDA_CORS_ORIGINS", "origins (scheme://host[:port], comma-separated) whose browser pages may call the API and open the live stream; empty: none (the server's own pages always may)", (*stringValue)(&c.CORSOrigins)},
		{"data-dir", "AIDA_DATA_DIR", "directory for the embedded SQLite database, the embedded NATS store and aida.lock (one server per folder)", (*stringValue)(&c.DataDir)},
		{"database-url", "DATABASE_URL", "PostgreSQL URL; when set, PostgreSQL replaces SQLite", (*stringValue)(&c.DatabaseURL)},
		{"default-autonomy", "AIDA_DEFAULT_AUTONOMY", "autonomy level of new leads, deals and accounts: 1 draft only … 5 autonomous", (*intValue)(&c.DefaultAutonomy)},
		{"passivate-after", "AIDA_PASSIVATE_AFTER", "idle time after which an entity actor leaves memory", (*durationValue)(&c.PassivateAfter)},
		{"request-timeout", "AIDA_REQUEST_TIMEOUT", "deadline of one HTTP request", (*durationValue)(&c.RequestTimeout)},
		{"body-limit", "AIDA_BODY_LIMIT", "largest request body in bytes", (*intValue)(&c.BodyLimit)},
		{"shutdown-timeout", "AIDA_SHUTDOWN_TIMEOUT", "time each component gets to stop on SIGINT/SIGTERM", (*durationValue)(&c.ShutdownTimeout)},
		{"nats-url", "NATS_URL", "external NATS server (JetStream enabled); when empty, aida embeds one with its store in the data directory", (*stringValue)(&c.NATSURL)},
		{"nats-creds", "NATS_CREDS", "a .creds file (JWT and nkey seed) for the external NATS server; credentials may also be in NATS_URL (nats://user:password@host:4222)", (*stringValue)(&c.NATSCreds)},
		{"nats-addr", "AIDA_NATS_ADDR", "where the embedded NATS server listens (port 0: any free port)", (*stringValue)(&c.NATSAddr)},
		{"nats-sync-always", "AIDA_NATS_SYNC_ALWAYS", "the embedded JetStream fsyncs each message (slower; the journal stays the system of record either way)", (*boolValue)(&c.NATSSyncAlways)},
		{"events-max-bytes", "AIDA_EVENTS_MAX_BYTES", "size limit of the CRM_EVENTS stream in bytes (the oldest events go first), or -1 for none; the journal keeps every event either way", (*intValue)(&c.EventsMaxBytes)},
		{"events-max-message", "AIDA_EVENTS_MAX_MESSAGE", "the largest message the CRM_EVENTS stream takes, bytes (inbound signals included)", (*intValue)(&c.EventsMaxMsg)},
		{"agents", "AIDA_AGENTS", "background agents to run: " + strings.Join(agent.Names(), ", ") + " (comma-separated), or none", (*stringValue)(&c.Agents)},
		{"stale-after", "AIDA_STALE_AFTER", "pipeline agent: an open deal with no activity this long is flagged stale and its owner gets a task", (*durationValue)(&c.StaleAfter)},
		{"health-every", "AIDA_HEALTH_EVERY", "success agent: how often each account's health score is recomputed", (*durationValue)(&c.HealthEvery)},
		{"", "AIDA_ADMIN_KEY", "an admin API key for automation, at least 32 characters (`openssl rand -hex 32`); environment only, never a flag. Empty: the first start makes an admin key and prints a sign-in link", (*stringValue)(&c.AdminKey)},
		{"metrics-token", "AIDA_METRICS_TOKEN", "a bearer token that opens /metrics and /readyz to remote scrapers (loopback clients need none); empty: a viewer key is needed", (*stringValue)(&c.MetricsToken)},
		{"scope-reps", "AIDA_SCOPE_REPS", "reps see and change only the entities they own (owner = the key's name) and unowned ones; false: every entity", (*boolValue)(&c.ScopeReps)},
		{"session-ttl", "AIDA_SESSION_TTL", "how long a browser stays signed in", (*durationValue)(&c.SessionTTL)},
		{"default-rate-limit", "AIDA_RATE_LIMIT", "requests per second each key may make (a key's own rate_limit wins); 0: keys are limited only by their own", (*intValue)(&c.RateLimit)},
		{"rate-burst", "AIDA_RATE_BURST", "requests a key may make at once above its rate; 0: twice the rate", (*intValue)(&c.RateBurst)},
		{"anon-rate-limit", "AIDA_ANON_RATE_LIMIT", "requests per second per client address without credentials (sign-in attempts included, at most 1/s); 0: none", (*intValue)(&c.AnonRateLimit)},
		{"trusted-proxies", "AIDA_TRUSTED_PROXIES", "reverse proxies in front (IPs or CIDRs, comma-separated): from them alone X-Forwarded-For names the client and X-Forwarded-Proto: https makes session cookies Secure; empty: none", (*stringValue)(&c.TrustedProxies)},
		{"stream-max-connections", "AIDA_STREAM_MAX_CONNECTIONS", "open live-stream websockets this server holds at most (429 past it)", (*intValue)(&c.StreamConns)},
		{"stream-max-per-principal", "AIDA_STREAM_MAX_PER_PRINCIPAL", "open live-stream websockets one principal holds at most (a browser opens one per tab)", (*intValue)(&c.StreamPerWho)},
		{"oidc-issuer", "AIDA_OIDC_ISSUER", "accept bearer tokens of this OpenID Connect issuer (https URL, exactly as its tokens' iss); empty: API keys only. See docs/oidc.md", (*stringValue)(&c.OIDCIssuer)},
		{"oidc-audience", "AIDA_OIDC_AUDIENCE", "the audience (aud) OIDC tokens must carry; required with AIDA_OIDC_ISSUER", (*stringValue)(&c.OIDCAudience)},
		{"oidc-role-claim", "AIDA_OIDC_ROLE_CLAIM", "the claim holding a user's roles (viewer, rep, manager, admin); a dotted path reaches nested claims", (*stringValue)(&c.OIDCRoleClaim)},
		{"oidc-name-claim", "AIDA_OIDC_NAME_CLAIM", "the claim naming a user: their principal (user:<name>) and the owner name a rep works on (e.g. email)", (*stringValue)(&c.OIDCNameClaim)},
		{"ai-base-url", "AIDA_AI_BASE_URL", "an OpenAI-compatible endpoint ending in /v1 (OpenAI, OpenRouter, Ollama http://127.0.0.1:11434/v1, vLLM, llama.cpp); empty: no model, the offline brain decides alone", (*stringValue)(&c.AI.BaseURL)},
		{"", "AIDA_AI_API_KEY", "the endpoint's API key, sent as a bearer token; environment only (may be empty for a local server)", (*stringValue)(&c.AI.APIKey)},
		{"ai-model", "AIDA_AI_MODEL", "the chat model the endpoint serves (e.g. gpt-4o-mini, llama3.1)", (*stringValue)(&c.AI.Model)},
		{"ai-embed-model", "AIDA_AI_EMBED_MODEL", "the embeddings model for entity memory; empty: memory embeds offline (lexical, not semantic)", (*stringValue)(&c.AI.EmbedModel)},
		{"ai-timeout", "AIDA_AI_TIMEOUT", "the longest one call to the model may take, retries included; past it the offline brain's answer stands", (*durationValue)(&c.AI.Timeout)},
		{"ai-concurrency", "AIDA_AI_CONCURRENCY", "calls to the model in flight at most", (*intValue)(&c.AI.Concurrency)},
		{"ai-daily-tokens", "AIDA_AI_DAILY_TOKENS", "tokens per UTC day for all calls (a warning at 80%, none past 100%: the offline brain answers); 0: no limit", (*int64Value)(&c.AI.DailyTokens)},
		{"ai-entity-daily-tokens", "AIDA_AI_ENTITY_DAILY_TOKENS", "tokens per UTC day for one entity; 0: no limit", (*int64Value)(&c.AI.EntityDailyTokens)},
		{"ai-price-in", "AIDA_AI_PRICE_IN", "the price of a million input tokens, for the cost the journal records", (*floatValue)(&c.AI.PriceIn)},
		{"ai-price-out", "AIDA_AI_PRICE_OUT", "the price of a million output tokens", (*floatValue)(&c.AI.PriceOut)},
		{"log-level", "AIDA_LOG_LEVEL", "debug, info, warn or error (logs are JSON on stderr)", (*stringValue)(&c.LogLevel)},
	}
}

// Load reads the configuration: defaults, then environment variables, then flags.
func Load(name string, args []string, getenv func(string) string, out io.Writer) (system.Config, error) {
	cfg, rest, err := loadWith(name, args, getenv, out, nil)
	if err == nil && len(rest) > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see `aida --help`", rest[0])
	}
	return cfg, err
}

// loadWith reads the configuration as Load does, beside a command's own flags (extra defines
// them on the flag set), and returns the arguments that are not flags, wherever they stand.
func loadWith(name string, args []string, getenv func(string) string, out io.Writer, extra func(*flag.FlagSet)) (system.Config, []string, error) {
	cfg := system.Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range settings(&cfg) {
		if v := getenv(s.env); v != "" {
			if err := s.value.Set(v); err != nil {
				return cfg, nil, fmt.Errorf("%s=%q: %w", s.env, v, err)
			}
		}
		if s.flag != "" { // a secret: environment only, never in `ps`
			fs.Var(s.value, s.flag, s.help+" ($"+s.env+")")
		}
	}
	if extra != nil {
		extra(fs)
	}
	fs.Usage = func() {} // run prints the help on flag.ErrHelp
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return cfg, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest, args = append(rest, fs.Arg(0)), fs.Args()[1:]
	}
	return cfg, rest, cfg.Validate()
}

func printSettings(w io.Writer) {
	d := system.Default()
	fmt.Fprintln(w, "Settings (flag, environment variable, default):")
	for _, s := range settings(&d) {
		def := s.value.String()
		if def == "" {
			def = `""`
		}
		name := "--" + s.flag
		if s.flag == "" {
			name = "(no flag)"
		}
		fmt.Fprintf(w, "  %-28s $%-30s %s\n      %s\n", name, s.env, def, s.help)
	}
}

type stringValue string

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }

type intValue int

func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*v = intValue(n)
	return nil
}

type int64Value int64

func (v *int64Value) String() string { return strconv.FormatInt(int64(*v), 10) }
func (v *int64Value) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number", s)
	}
	*v = int64Value(n)
	return nil
}

type floatValue float64

func (v *floatValue) String() string { return strconv.FormatFloat(float64(*v), 'f', -1, 64) }
func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	*v = floatValue(f)
	return nil
}

type boolValue bool

func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v = boolValue(b)
	return nil
}

// IsBoolFlag lets --nats-sync-always stand alone on the command line.
func (v *boolValue) IsBoolFlag() bool { return true }

type durationValue time.Duration

// String prints whole days as 14d, other durations as Go does (1h30m0s).
func (v *durationValue) String() string {
	d := time.Duration(*v)
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

// Set takes a Go duration (30s, 10m, 1h30m) or whole days (14d).
func (v *durationValue) Set(s string) error {
	if days, ok := strings.CutSuffix(strings.TrimSpace(s), "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a duration (e.g. 30s, 10m, 14d)", s)
		}
		*v = durationValue(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 30s, 10m, 14d)", s)
	}
	*v = durationValue(d)
	return nil
}
