package bus

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
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
}

// Embedded is a NATS server running in this process. Stop it with Shutdown.
type Embedded struct {
	cfg  EmbeddedConfig
	srv  *server.Server
	once sync.Once
}

// StartEmbedded starts a NATS server with JetStream on cfg.StoreDir and waits until it accepts
// connections. Starting again on the same StoreDir (after Shutdown) recovers the stored streams.
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
	if err := checkPort(cfg.Host, cfg.Port); err != nil {
		return nil, err
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	if cfg.Logger != nil {
		srv.SetLoggerV2(slogAdapter{cfg.Logger.With("component", "nats-server")}, true, false, false)
	}
	srv.Start()
	if !srv.ReadyForConnections(cfg.StartTimeout) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("%w after %s on %s:%d", ErrNotReady, cfg.StartTimeout, cfg.Host, cfg.Port)
	}
	if addr := srv.Addr(); addr != nil {
		if p, ok := portOf(addr.String()); ok {
			cfg.Port = p // a random port, resolved
		}
	}
	return &Embedded{cfg: cfg, srv: srv}, nil
}

// checkPort fails at once with ErrPortInUse when host:port cannot be listened on. The server
// itself reports a taken port only by never becoming ready, after its whole start timeout.
func checkPort(host string, port int) error {
	if port == RandomPort {
		return nil
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%w: cannot listen on %s (is another aida or NATS server running? set AIDA_NATS_ADDR): %v",
			ErrPortInUse, addr, err)
	}
	return ln.Close()
}

// Config returns the configuration the server runs with, defaults filled in and Port the
// port it really listens on, so that StartEmbedded(e.Config()) restarts it in the same place.
func (e *Embedded) Config() EmbeddedConfig { return e.cfg }

// ClientURL returns the URL clients connect to (nats://host:port).
func (e *Embedded) ClientURL() string { return e.srv.ClientURL() }

// Shutdown stops the server and waits until it has stopped. It is safe to call more than once.
func (e *Embedded) Shutdown() {
	e.once.Do(func() {
		e.srv.Shutdown()
		e.srv.WaitForShutdown()
	})
}
