package bus

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// DefaultPort is the NATS client port an embedded server listens on when the config names none.
const DefaultPort = 4222

// RandomPort asks the embedded server for any free port (tests).
const RandomPort = server.RANDOM_PORT

// EmbeddedConfig configures an embedded NATS server with JetStream.
type EmbeddedConfig struct {
	StoreDir     string        // JetStream file store directory (created if missing); required
	Host         string        // listen address; "" means 127.0.0.1
	Port         int           // client port; 0 means DefaultPort, RandomPort (-1) any free port
	MaxMemory    int64         // JetStream memory limit in bytes; 0 means the server's default
	MaxStore     int64         // JetStream file store limit in bytes; 0 means the server's default
	SyncAlways   bool          // fsync the file store after every message (slower, survives power loss)
	StartTimeout time.Duration // how long to wait for the server to accept connections; 0 means 10 s
	Logger       *slog.Logger  // nil: the server logs nothing
	// Users are the only clients the server accepts, each with its role's Permissions
	// (LoadUsers). Nil accepts anyone with every right: tests and benchmarks only.
	Users Users
}

// Embedded is a NATS server running in this process. Stop it with Shutdown.
type Embedded struct {
	cfg  EmbeddedConfig
	srv  *server.Server
	once sync.Once
}

// StartEmbedded starts a NATS server with JetStream on cfg.StoreDir and waits until it accepts
// connections. A server that fails to start (the port is taken) is an error wrapping ErrStart at
// once; one still not accepting after cfg.StartTimeout, an error wrapping ErrNotReady. Starting
// again on the same StoreDir (after Shutdown) recovers the stored streams.
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.StoreDir == "" {
		return nil, ErrNoStoreDir
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultPort
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 10 * time.Second
	}
	opts := &server.Options{
		ServerName:         "aida",
		Host:               cfg.Host,
		Port:               cfg.Port,
		JetStream:          true,
		StoreDir:           cfg.StoreDir,
		JetStreamMaxMemory: cfg.MaxMemory,
		JetStreamMaxStore:  cfg.MaxStore,
		SyncAlways:         cfg.SyncAlways,
		NoSigs:             true,
		NoLog:              cfg.Logger == nil,
	}
	if cfg.Users != nil {
		opts.Users = serverUsers(cfg.Users)
		opts.NoAuthUser = "" // a client without credentials is refused, never mapped to a user
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	// The server reports a failed start (a taken port above all) only in its log, as a fatal
	// error; catch it rather than wait the whole StartTimeout for a server that never comes up.
	failed := make(chan string, 1)
	logger, debug := cfg.Logger, cfg.Logger != nil
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv.SetLoggerV2(slogAdapter{l: logger.With("component", "nats-server"), fatal: func(msg string) {
		select {
		case failed <- msg:
		default:
		}
	}}, debug, false, false)
	srv.Start()
	if err := awaitReady(srv, failed, cfg.StartTimeout); err != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("%w (%s:%d)", err, cfg.Host, cfg.Port)
	}
	if addr := srv.Addr(); addr != nil {
		if p, ok := portOf(addr.String()); ok {
			cfg.Port = p // a random port, resolved
		}
	}
	return &Embedded{cfg: cfg, srv: srv}, nil
}

// startPoll is how often StartEmbedded looks for a fatal error while the server starts.
const startPoll = 50 * time.Millisecond

// awaitReady waits until srv accepts connections: nil, or an error wrapping ErrStart as soon as
// the server reports a fatal error on failed, or ErrNotReady after timeout.
func awaitReady(srv *server.Server, failed <-chan string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case msg := <-failed:
			return fmt.Errorf("%w: %s", ErrStart, msg)
		default:
		}
		if srv.ReadyForConnections(min(startPoll, max(time.Until(deadline), time.Millisecond))) {
			return nil
		}
		if !time.Now().Before(deadline) {
			return fmt.Errorf("%w after %s", ErrNotReady, timeout)
		}
	}
}

// Config returns the configuration the server runs with, defaults filled in and Port the
// port it really listens on, so that StartEmbedded(e.Config()) restarts it in the same place.
func (e *Embedded) Config() EmbeddedConfig { return e.cfg }

// ClientURL returns the URL clients connect to (nats://host:port), without credentials.
func (e *Embedded) ClientURL() string { return e.srv.ClientURL() }

// Shutdown stops the server and waits until it has stopped. It is safe to call more than once.
func (e *Embedded) Shutdown() {
	e.once.Do(func() {
		e.srv.Shutdown()
		e.srv.WaitForShutdown()
	})
}
