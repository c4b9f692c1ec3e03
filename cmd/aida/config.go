package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/agent"
)

// Config is everything `aida` can be told, from flags and environment variables.
type Config struct {
	Addr            string        // HTTP listen address
	DataDir         string        // SQLite database and other local data
	DatabaseURL     string        // PostgreSQL; empty: embedded SQLite in DataDir
	DefaultAutonomy int           // autonomy level of new entities, 1..5
	PassivateAfter  time.Duration // idle time before an actor leaves memory
	RequestTimeout  time.Duration // deadline of one HTTP request, edge to actor and back
	BodyLimit       int           // largest accepted request body, bytes
	ShutdownTimeout time.Duration // time each component gets to stop
	LogLevel        string        // debug, info, warn, error
	NATSURL         string        // an external NATS server; empty: embed one
	NATSAddr        string        // where the embedded NATS server listens
	NATSSyncAlways  bool          // the embedded JetStream fsyncs every message
	Agents          string        // background agents to run: comma-separated names, or none
	StaleAfter      time.Duration // pipeline agent: an open deal without activity this long is stale
	HealthEvery     time.Duration // success agent: how often account health is recomputed
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
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("AIDA_SHUTDOWN_TIMEOUT must be positive (e.g. 15s)"))
	}
	if c.NATSURL != "" {
		if u, err := url.Parse(c.NATSURL); err != nil || (u.Scheme != "nats" && u.Scheme != "tls") {
			errs = append(errs, errors.New("NATS_URL must be a nats:// URL, e.g. nats://localhost:4222"))
		}
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
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// setting is one configurable value: its flag, its environment variable and its help.
type setting struct {
	flag, env, help string
	value           flag.Value
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "AIDA_ADDR", "HTTP listen address (host:port)", (*stringValue)(&c.Addr)},
		{"data-dir", "AIDA_DATA_DIR", "directory for the embedded SQLite database", (*stringValue)(&c.DataDir)},
		{"database-url", "DATABASE_URL", "PostgreSQL URL; when set, PostgreSQL replaces SQLite", (*stringValue)(&c.DatabaseURL)},
		{"default-autonomy", "AIDA_DEFAULT_AUTONOMY", "autonomy level of new leads, deals and accounts: 1 draft only … 5 autonomous", (*intValue)(&c.DefaultAutonomy)},
		{"passivate-after", "AIDA_PASSIVATE_AFTER", "idle time after which an entity actor leaves memory", (*durationValue)(&c.PassivateAfter)},
		{"request-timeout", "AIDA_REQUEST_TIMEOUT", "deadline of one HTTP request", (*durationValue)(&c.RequestTimeout)},
		{"body-limit", "AIDA_BODY_LIMIT", "largest request body in bytes", (*intValue)(&c.BodyLimit)},
		{"shutdown-timeout", "AIDA_SHUTDOWN_TIMEOUT", "time each component gets to stop on SIGINT/SIGTERM", (*durationValue)(&c.ShutdownTimeout)},
		{"nats-url", "NATS_URL", "external NATS server (JetStream enabled); when empty, aida embeds one with its store in the data directory", (*stringValue)(&c.NATSURL)},
		{"nats-addr", "AIDA_NATS_ADDR", "where the embedded NATS server listens (port 0: any free port)", (*stringValue)(&c.NATSAddr)},
		{"nats-sync-always", "AIDA_NATS_SYNC_ALWAYS", "the embedded JetStream fsyncs each message (slower; the journal stays the system of record either way)", (*boolValue)(&c.NATSSyncAlways)},
		{"agents", "AIDA_AGENTS", "background agents to run: " + strings.Join(agent.Names(), ", ") + " (comma-separated), or none", (*stringValue)(&c.Agents)},
		{"stale-after", "AIDA_STALE_AFTER", "pipeline agent: an open deal with no activity this long is flagged stale and its owner gets a task", (*durationValue)(&c.StaleAfter)},
		{"health-every", "AIDA_HEALTH_EVERY", "success agent: how often each account's health score is recomputed", (*durationValue)(&c.HealthEvery)},
		{"log-level", "AIDA_LOG_LEVEL", "debug, info, warn or error (logs are JSON on stderr)", (*stringValue)(&c.LogLevel)},
	}
}

// Load reads the configuration: defaults, then environment variables, then flags.
func Load(name string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	cfg := Default()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range cfg.settings() {
		if v := getenv(s.env); v != "" {
			if err := s.value.Set(v); err != nil {
				return cfg, fmt.Errorf("%s=%q: %w", s.env, v, err)
			}
		}
		fs.Var(s.value, s.flag, s.help+" ($"+s.env+")")
	}
	fs.Usage = func() {} // run prints the help on flag.ErrHelp
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see `aida --help`", fs.Arg(0))
	}
	return cfg, cfg.Validate()
}

func printSettings(w io.Writer) {
	d := Default()
	fmt.Fprintln(w, "Settings (flag, environment variable, default):")
	for _, s := range d.settings() {
		def := s.value.String()
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  --%-18s $%-22s %s\n      %s\n", s.flag, s.env, def, s.help)
	}
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("AIDA_LOG_LEVEL %q: use debug, info, warn or error", s)
	}
	return l, nil
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
