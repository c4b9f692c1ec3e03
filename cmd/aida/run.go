package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/aidacrm/aida/actors/crm"
	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/edge"
	"github.com/aidacrm/aida/edge/natscmd"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/postgres"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/runtime/bus"
	"github.com/aidacrm/aida/runtime/cluster"
	"github.com/aidacrm/aida/runtime/dirlock"
	"github.com/aidacrm/aida/runtime/host"
	"github.com/aidacrm/aida/runtime/reminder"
)

const usage = `aida — a runtime for autonomous CRM agents.

Usage:
  aida [serve] [settings]   start the server (the default command)
  aida migrate [settings]   apply the database schema and exit
  aida bench [--quick]      measure AIDA against baselines in the same run (see aida bench -h)
  aida version              print the version
  aida help                 print this help

On one machine, with no settings, aida keeps its data in ./data (SQLite) and serves the API
on http://127.0.0.1:8080. Set DATABASE_URL to use PostgreSQL instead.

`

// run is the whole program; it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help":
		printHelp(stdout)
		return 0
	case "version":
		fmt.Fprintln(stdout, "aida", version())
		return 0
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "serve", "migrate":
	default:
		fmt.Fprintf(stderr, "aida: unknown command %q; run `aida help`\n", cmd)
		return 2
	}
	cfg, err := Load("aida "+cmd, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "aida: configuration: %v\n", err)
		return 2
	}
	level, _ := parseLevel(cfg.LogLevel)
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	if cmd == "migrate" {
		err = migrate(ctx, cfg, stdout)
	} else {
		err = serve(ctx, cfg, logger, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "aida: %v\n", err) // once, for a person; the logs said what led to it
		return 1
	}
	return 0
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, usage)
	printSettings(w)
	fmt.Fprintln(w, "\nFlags override environment variables. Durations look like 500ms, 30s, 10m, or 14d for whole days.")
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// openStore opens PostgreSQL when DATABASE_URL is set, else SQLite in the data directory.
// Both apply their migrations on open.
func openStore(ctx context.Context, cfg Config) (persistence.Store, string, error) {
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return nil, "", fmt.Errorf("open PostgreSQL (check DATABASE_URL and that the server runs): %w", err)
		}
		return st, "PostgreSQL", nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, "", fmt.Errorf("create data directory (check AIDA_DATA_DIR): %w", err)
	}
	path := filepath.Join(cfg.DataDir, "aida.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", fmt.Errorf("open SQLite %s: %w", path, err)
	}
	return st, "SQLite " + path, nil
}

func migrate(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, where, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema of %s is up to date\n", where)
	return st.Close()
}

// serve runs the server until ctx ends.
func serve(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer) error {
	h := host.New(logger, cfg.ShutdownTimeout)
	sys := newSystem(cfg, logger, h.Fail)
	sys.add(h)
	h.Add(host.Component{Name: "banner", Start: func(context.Context) error {
		fmt.Fprintf(stdout, "AIDA is serving on http://%s (data: %s; NATS: %s)\n", sys.ln.Addr(), sys.where, sys.natsURL)
		return nil
	}})
	return h.Run(ctx)
}

// system is one AIDA server: store, group commit, actors and HTTP edge.
type system struct {
	cfg    Config
	logger *slog.Logger
	fail   func(error) // reports that serving stopped on its own
	reg    *prometheus.Registry

	dataLock *dirlock.Lock // nil: the data folder is not used
	store    persistence.Store
	where    string // which store, for people
	group    *persistence.Group
	member   *cluster.Member
	gateway  *crm.Gateway
	edge     *edge.Server
	ln       net.Listener

	nats            *bus.Embedded // nil with NATS_URL
	natsURL         string
	bus             *bus.Bus
	relay           *bus.Relay
	stopRelayFn     func() error
	commands        *natscmd.Server
	reminders       *reminder.Scheduler
	stopRemindersFn func() error
	kickReminders   atomic.Pointer[reminder.Scheduler] // set once the scheduler exists; actors start before it
	stopAgentsFn    func() error
	hub             *stream.Hub
	stopStreamFn    func()
	clock           reminder.Clock // nil: the wall clock; tests drive one

	extraKinds  []cluster.Kind // more actor kinds (benchmarks add bare ones)
	cancelServe context.CancelFunc
	serveDone   chan error
}

func newSystem(cfg Config, logger *slog.Logger, fail func(error)) *system {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &system{cfg: cfg, logger: logger, fail: fail, reg: reg, serveDone: make(chan error, 1)}
}

// add registers the system's components with h, in start order.
func (s *system) add(h *host.Host) {
	h.Add(host.Component{Name: "data folder", Start: s.lockData, Stop: func(context.Context) error { return s.dataLock.Release() }})
	h.Add(host.Component{Name: "store", Start: s.startStore, Stop: func(context.Context) error { return s.store.Close() }})
	h.Add(host.Component{Name: "group commit", Start: s.startGroup, Stop: func(context.Context) error { s.group.Stop(); return nil }})
	h.Add(host.Component{Name: "nats server", Start: s.startNATS, Stop: s.stopNATS})
	h.Add(host.Component{Name: "nats client", Start: s.startBus, Stop: s.stopBus})
	h.Add(host.Component{Name: "relay", Start: s.startRelay, Stop: s.stopRelay})
	h.Add(host.Component{Name: "actors", Start: s.startActors, Stop: func(context.Context) error { s.member.Stop(); return nil }})
	h.Add(host.Component{Name: "reminders", Start: s.startReminders, Stop: s.stopReminders})
	h.Add(host.Component{Name: "agents", Start: s.startAgents, Stop: s.stopAgents})
	h.Add(host.Component{Name: "nats commands", Start: s.startCommands, Stop: s.stopCommands})
	h.Add(host.Component{Name: "http", Start: s.startHTTP, Stop: s.stopHTTP})
}

// lockData locks the data folder when this server keeps data in it (SQLite, the embedded NATS
// store), so that a second aida on the same folder refuses to start instead of sharing it.
func (s *system) lockData(context.Context) (err error) {
	if s.cfg.DatabaseURL != "" && s.cfg.NATSURL != "" {
		return nil
	}
	s.dataLock, err = dirlock.Acquire(s.cfg.DataDir)
	return err
}

func (s *system) startStore(ctx context.Context) (err error) {
	s.store, s.where, err = openStore(ctx, s.cfg)
	return err
}

func (s *system) startGroup(context.Context) error {
	writers := 1 // SQLite has one writer
	if s.cfg.DatabaseURL != "" {
		writers = 4
	}
	s.group = persistence.NewGroup(s.store, persistence.WithWriters(writers), persistence.WithRegisterer(s.reg))
	s.group.Start()
	return nil
}

func (s *system) startActors(context.Context) (err error) {
	kinds := crm.Kinds(entity.Deps{
		Loader: s.store, Appender: s.group, Logger: s.logger,
		Metrics:        entity.NewMetrics(s.reg),
		PassivateAfter: s.cfg.PassivateAfter, Timeout: s.cfg.RequestTimeout,
		OnChange: s.changed, Clock: s.now, OnReminder: s.reminderSet,
	})
	s.member, err = cluster.Start(cluster.Config{}, append(kinds, s.extraKinds...)...)
	if err != nil {
		return err
	}
	s.gateway = crm.NewGateway(s.member, s.store, int32(s.cfg.DefaultAutonomy), crm.WithClock(s.now))
	return nil
}

// now is the system's time: the wall clock, or the clock a test drives.
func (s *system) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

func (s *system) startHTTP(context.Context) (err error) {
	if err := s.startStream(); err != nil {
		return err
	}
	s.edge, err = edge.New(edge.Config{BodyLimit: s.cfg.BodyLimit, RequestTimeout: s.cfg.RequestTimeout,
		ShutdownTimeout: s.cfg.ShutdownTimeout}, edge.Deps{
		Entities: ready{s.gateway, s.bus}, Logger: s.logger, Registerer: s.reg, Gatherer: s.reg, Hub: s.hub,
	})
	if err != nil {
		s.stopStream()
		return err
	}
	s.ln, err = net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another aida running? set AIDA_ADDR): %w", s.cfg.Addr, err)
	}
	var ctx context.Context
	ctx, s.cancelServe = context.WithCancel(context.Background())
	go func() {
		err := s.edge.Serve(ctx, s.ln)
		if err != nil && ctx.Err() == nil && s.fail != nil {
			s.fail(err)
		}
		s.serveDone <- err
	}()
	return nil
}

func (s *system) stopHTTP(context.Context) error {
	s.stopStream() // first: the server does not wait for websockets, so their clients get 1001 now
	s.cancelServe()
	return <-s.serveDone
}

// startStream runs the websocket hub, fed by the state views every node publishes on NATS.
func (s *system) startStream() error {
	s.hub = stream.NewHub(stream.WithRegisterer(s.reg), stream.WithLogger(s.logger))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.hub.Run(ctx) // nil when ctx ends
	}()
	sub, err := stream.FromNATS(s.bus.Conn(), s.hub, s.logger)
	if err != nil {
		cancel()
		<-done
		return fmt.Errorf("subscribe the live stream to NATS: %w", err)
	}
	s.stopStreamFn = func() {
		_ = sub.Unsubscribe()
		cancel()
		<-done
	}
	return nil
}

func (s *system) stopStream() {
	if s.stopStreamFn != nil {
		s.stopStreamFn()
		s.stopStreamFn = nil
	}
}
