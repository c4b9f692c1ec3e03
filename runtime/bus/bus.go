package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// Bus is a connection to NATS with JetStream and the CRM_EVENTS stream. It reconnects forever;
// while disconnected, publishes wait in the client's reconnect buffer.
type Bus struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  StreamConfig
	logger  *slog.Logger
	metrics busMetrics

	mu   sync.Mutex
	gone map[string]bool // durable consumers deleted under a running Consume, not yet back; guarded by mu
}

// Option configures Connect.
type Option func(*options)

type options struct {
	name          string
	logger        *slog.Logger
	stream        StreamConfig
	registerer    prometheus.Registerer
	reconnectBuf  int
	reconnectWait time.Duration
	ackTimeout    time.Duration
	auth          nats.Option // nil: no credentials beyond those in the URL
}

// WithName sets the connection name the server shows (default "aida").
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithLogger sets the logger of connection events, written at debug level (default: none).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithStream sets the stream configuration (default DefaultStreamConfig).
func WithStream(cfg StreamConfig) Option { return func(o *options) { o.stream = cfg } }

// WithRegisterer registers the bus metrics (aida_bus_state_*) with r (default: not registered).
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.registerer = r } }

// WithReconnectBuffer sets how many bytes of publishes the client keeps while disconnected
// (default 8 MiB).
func WithReconnectBuffer(bytes int) Option { return func(o *options) { o.reconnectBuf = bytes } }

// WithReconnectWait sets the pause between reconnect attempts to one server (default 1 s).
func WithReconnectWait(d time.Duration) Option { return func(o *options) { o.reconnectWait = d } }

// WithAckTimeout sets how long an asynchronous JetStream publish waits for its ack (default 5 s).
func WithAckTimeout(d time.Duration) Option { return func(o *options) { o.ackTimeout = d } }

// WithCredential connects as c (a user of the embedded server, LoadUsers).
func WithCredential(c Credential) Option {
	return func(o *options) { o.auth = nats.UserInfo(c.User, c.Password) }
}

// WithCredsFile connects with the JWT and nkey seed of a NATS .creds file (NATS_CREDS).
func WithCredsFile(path string) Option {
	return func(o *options) { o.auth = nats.UserCredentials(path) }
}

// Connect connects to the NATS server at url (a comma-separated list for a cluster) and creates
// or updates the stream. The first connection must succeed before ctx ends; after that the bus
// reconnects forever.
func Connect(ctx context.Context, url string, opts ...Option) (*Bus, error) {
	o := options{name: "aida", reconnectBuf: 8 << 20, reconnectWait: time.Second, ackTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	o.stream = o.stream.withDefaults()
	nc, err := dial(ctx, url, o)
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(o.ackTimeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if err := ensureStream(ctx, js, o.stream); err != nil {
		nc.Close()
		return nil, err
	}
	return &Bus{nc: nc, js: js, stream: o.stream, logger: o.logger, metrics: newBusMetrics(o.registerer, o.logger)}, nil
}

// Dial opens a plain connection to the NATS server at url with the options of Connect that
// concern a connection (name, logger, credentials, reconnects), for the command door, which
// answers on its own user (RoleCommands). It creates no stream.
func Dial(ctx context.Context, url string, opts ...Option) (*nats.Conn, error) {
	o := options{name: "aida", reconnectBuf: 8 << 20, reconnectWait: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	return dial(ctx, url, o)
}

// dial connects with o: endless reconnects, AIDA's own inbox prefix, connection events logged
// at debug level and permission violations at warning level (a misconfigured external server,
// or a command whose reply subject the server refused).
func dial(ctx context.Context, url string, o options) (*nats.Conn, error) {
	timeout := 5 * time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(d), time.Millisecond)
	}
	log := o.logger
	nopts := []nats.Option{
		nats.Name(o.name),
		nats.Timeout(timeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(o.reconnectWait),
		nats.ReconnectBufSize(o.reconnectBuf),
		nats.CustomInboxPrefix(AidaInbox),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Debug("nats disconnected", "err", err)
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			log.Debug("nats reconnected", "url", c.ConnectedUrlRedacted())
		}),
		nats.ClosedHandler(func(*nats.Conn) { log.Debug("nats connection closed") }),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			level := slog.LevelDebug
			if errors.Is(err, nats.ErrPermissionViolation) {
				level = slog.LevelWarn
			}
			log.Log(context.Background(), level, "nats async error", "connection", o.name, "subject", subject, "err", err)
		}),
	}
	if o.auth != nil {
		nopts = append(nopts, o.auth)
	}
	nc, err := nats.Connect(url, nopts...)
	if err != nil {
		return nil, fmt.Errorf("connect nats %s: %w", Redact(url), err)
	}
	return nc, nil
}

// Redact returns url (one NATS URL or a comma-separated list) with every password replaced by
// xxxxx, for logs and errors.
func Redact(url string) string {
	parts := strings.Split(url, ",")
	for i, p := range parts {
		if u, err := neturl.Parse(strings.TrimSpace(p)); err == nil && u.User != nil {
			parts[i] = u.Redacted()
		}
	}
	return strings.Join(parts, ",")
}

// Conn returns the underlying connection, for request-reply and core subscriptions.
func (b *Bus) Conn() *nats.Conn { return b.nc }

// JetStream returns the JetStream context of the connection, for consumers.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// Connected reports whether the bus has a live connection now (it keeps reconnecting).
func (b *Bus) Connected() bool { return b.nc.IsConnected() }

// PublishAsync hands msg to JetStream without waiting for its ack, which the future tells
// (within the ack timeout, WithAckTimeout). While disconnected the client buffers it.
func (b *Bus) PublishAsync(msg *nats.Msg) (jetstream.PubAckFuture, error) {
	return b.js.PublishMsgAsync(msg)
}

// Stream returns the configuration of the events stream.
func (b *Bus) Stream() StreamConfig { return b.stream }

// Ping reports whether the bus is connected, JetStream answers, the events stream exists and
// no durable consumer of this process is missing, before ctx ends (/readyz). A missing stream is
// created again (CheckStream) and reported; a missing consumer is its Consume's to create again,
// and reported until it has.
func (b *Bus) Ping(ctx context.Context) error {
	if !b.nc.IsConnected() {
		return ErrDisconnected
	}
	// One JetStream request: looking the stream up also proves JetStream answers.
	if err := b.CheckStream(ctx); err != nil {
		return err
	}
	if gone := b.goneConsumers(); len(gone) > 0 {
		return fmt.Errorf("%w: %s", ErrConsumerMissing, strings.Join(gone, ", "))
	}
	return nil
}

// Close flushes what the client buffered (when connected) and closes the connection.
func (b *Bus) Close() { b.nc.Close() }
