// Package system wires one AIDA server from its components: store, group commit, NATS, relay,
// entity actors, reminders, agents, NATS commands, the live stream and the HTTP edge. Add
// registers them with a host in start order; the host stops them in reverse order, and a start
// that fails stops those that started. Both commands build it: `aida serve` and `aida-bench`.
package system

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
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
	"github.com/aidacrm/aida/policies/access"
	"github.com/aidacrm/aida/runtime/bus"
	"github.com/aidacrm/aida/runtime/cluster"
	"github.com/aidacrm/aida/runtime/host"
	"github.com/aidacrm/aida/runtime/reminder"
)

// OpenStore opens PostgreSQL when DATABASE_URL is set, else SQLite in the data directory.
// Both apply their migrations on open. It also returns which store, for people.
func OpenStore(ctx context.Context, cfg Config) (persistence.Store, string, error) {
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

// System is one AIDA server: store, group commit, actors and HTTP edge.
type System struct {
	cfg    Config
	logger *slog.Logger
	fail   func(error) // reports that serving stopped on its own
	reg    *prometheus.Registry

	lock      *dataLock // nil when nothing lives in the data directory
	store     persistence.Store
	keys      *access.Keys
	auth      access.Authenticator // keys, or keys and OIDC
	oidc      *access.OIDC         // nil without AIDA_OIDC_ISSUER
	firstKey  string               // the admin key this start made, for the sign-in link
	sweepLoop *host.Group          // purges expired Idempotency-Keys
	where     string               // which store, for people
	group     *persistence.Group
	member    *cluster.Member
	gateway   *crm.Gateway
	edge      *edge.Server
	ln        net.Listener
	serving   *host.Group

	nats          *bus.Embedded // nil with NATS_URL
	natsURL       string
	natsUsers     bus.Users  // the embedded server's credentials; nil with NATS_URL
	commandsConn  *nats.Conn // the command door's own connection (bus.RoleCommands)
	bus           *bus.Bus
	relay         *bus.Relay
	relayLoop     *host.Group
	guardLoop     *host.Group
	guardEvery    time.Duration // how often the stream guard looks; 0: bus.DefaultGuardEvery
	commands      *natscmd.Server
	reminders     *reminder.Scheduler
	reminderLoop  *host.Group
	kickReminders atomic.Pointer[reminder.Scheduler] // set once the scheduler exists; actors start before it
	agentLoops    *host.Group
	hub           *stream.Hub
	hubLoop       *host.Group
	hubSub        *nats.Subscription
	clock         reminder.Clock // nil: the wall clock; tests drive one

	extraKinds []cluster.Kind // more actor kinds (benchmarks add bare ones)
}

// Option changes how New builds a system.
type Option func(*System)

// WithClock drives the system's time (entity clocks and the reminder scheduler) from c;
// tests use it. The default is the wall clock.
func WithClock(c reminder.Clock) Option { return func(s *System) { s.clock = c } }

// WithGuardEvery sets how often the stream guard looks for the events stream (tests shorten it).
func WithGuardEvery(d time.Duration) Option { return func(s *System) { s.guardEvery = d } }

// WithKinds runs more actor kinds in the system's cluster member (benchmarks add bare ones).
func WithKinds(kinds ...cluster.Kind) Option {
	return func(s *System) { s.extraKinds = append(s.extraKinds, kinds...) }
}

// New returns a system that Add registers with a host; it starts nothing.
func New(cfg Config, logger *slog.Logger, opts ...Option) *System {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &System{cfg: cfg, logger: logger, reg: reg}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Add registers the system's components with h, in start order. When the HTTP server stops
// on its own, the system reports it to h.Fail.
func (s *System) Add(h *host.Host) {
	s.fail = h.Fail
	h.Add(host.Component{Name: "data folder", Start: s.startLock, Stop: s.stopLock})
	h.Add(host.Component{Name: "store", Start: s.startStore, Stop: func(context.Context) error { return s.store.Close() }})
	h.Add(host.Component{Name: "access", Start: s.startAccess, Stop: s.stopAccess})
	h.Add(host.Component{Name: "group commit", Start: s.startGroup, Stop: func(context.Context) error { s.group.Stop(); return nil }})
	h.Add(host.Component{Name: "nats server", Start: s.startNATS, Stop: s.stopNATS})
	h.Add(host.Component{Name: "nats client", Start: s.startBus, Stop: s.stopBus})
	h.Add(host.Component{Name: "relay", Start: s.startRelay, Stop: s.stopRelay})
	h.Add(host.Component{Name: "stream guard", Start: s.startGuard, Stop: s.stopGuard})
	h.Add(host.Component{Name: "actors", Start: s.startActors, Stop: func(context.Context) error { s.member.Stop(); return nil }})
	h.Add(host.Component{Name: "reminders", Start: s.startReminders, Stop: s.stopReminders})
	h.Add(host.Component{Name: "agents", Start: s.startAgents, Stop: s.stopAgents})
	h.Add(host.Component{Name: "nats commands", Start: s.startCommands, Stop: s.stopCommands})
	h.Add(host.Component{Name: "live stream", Start: s.startStream, Stop: s.stopStream})
	h.Add(host.Component{Name: "http", Start: s.startHTTP, Stop: s.stopHTTP})
}

func (s *System) startStore(ctx context.Context) (err error) {
	s.store, s.where, err = OpenStore(ctx, s.cfg)
	return err
}

func (s *System) startGroup(context.Context) error {
	writers := 1 // SQLite has one writer
	if s.cfg.DatabaseURL != "" {
		writers = 4
	}
	s.group = persistence.NewGroup(s.store, persistence.WithWriters(writers), persistence.WithRegisterer(s.reg))
	s.group.Start()
	return nil
}

func (s *System) startActors(context.Context) (err error) {
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
func (s *System) now() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

func (s *System) startHTTP(context.Context) (err error) {
	s.edge, err = edge.New(edge.Config{BodyLimit: s.cfg.BodyLimit, RequestTimeout: s.cfg.RequestTimeout,
		ShutdownTimeout: s.cfg.ShutdownTimeout, AllowedHosts: s.cfg.HostList(), CORSOrigins: s.cfg.OriginList(),
		ScopeReps: s.cfg.ScopeReps, MetricsToken: s.cfg.MetricsToken, SessionTTL: s.cfg.SessionTTL,
		RateLimit: s.cfg.RateLimit, RateBurst: s.cfg.RateBurst, AnonRateLimit: s.cfg.AnonRateLimit,
		StreamConnections: s.cfg.StreamConns, StreamPerPrincipal: s.cfg.StreamPerWho,
		TrustedProxies: splitList(s.cfg.TrustedProxies)}, edge.Deps{
		Entities: ready{s.gateway, s.bus}, Logger: s.logger, Registerer: s.reg, Gatherer: s.reg, Hub: s.hub,
		Keys: s.keys, Auth: s.auth, Idempotency: s.store,
	})
	if err != nil {
		return err
	}
	s.ln, err = net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another aida running? set AIDA_ADDR): %w", s.cfg.Addr, err)
	}
	s.serving = host.Go(func(ctx context.Context) error {
		err := s.edge.Serve(ctx, s.ln)
		if err != nil && ctx.Err() == nil {
			s.fail(err)
		}
		return err
	})
	return nil
}

// stopHTTP stops serving. The server does not wait for websockets: their clients get 1001
// when the live stream stops next.
func (s *System) stopHTTP(context.Context) error { return s.serving.Stop() }

// startStream runs the websocket hub, fed by the state views every node publishes on NATS.
func (s *System) startStream(context.Context) (err error) {
	s.hub = stream.NewHub(stream.WithRegisterer(s.reg), stream.WithLogger(s.logger))
	s.hubSub, err = stream.FromNATS(s.bus.Conn(), s.hub, s.logger)
	if err != nil {
		return fmt.Errorf("subscribe the live stream to NATS: %w", err)
	}
	s.hubLoop = host.Go(s.hub.Run)
	return nil
}

func (s *System) stopStream(context.Context) error {
	_ = s.hubSub.Unsubscribe()
	return s.hubLoop.Stop()
}
