package stream

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of the hub's options.
const (
	DefaultSubscriptions   = 16               // subscriptions per client
	DefaultIDs             = 100              // ids (and since entries) per subscription
	DefaultMessageBytes    = 16 << 10         // largest message a client may send
	DefaultQueue           = 256              // frames waiting per client
	DefaultInput           = 8192             // entities (and entries) waiting for the dispatcher
	DefaultHeartbeat       = 15 * time.Second // heartbeat frame and ping interval
	DefaultWriteTimeout    = 10 * time.Second // longest write of one frame to a client
	DefaultCloseGrace      = time.Second      // wait for the client's answer to a close frame
	DefaultInboundRate     = 20               // client messages per second, sustained
	DefaultInboundBurst    = 64               // client messages at once
	DefaultRemember        = 1 << 20          // entities whose last version the hub remembers
	DefaultSnapshotTimeout = 5 * time.Second  // longest snapshot load of one subscribe
	MaxSnapshot            = 100              // largest snapshot a subscription may ask for
)

// Option configures NewHub.
type Option func(*options)

type options struct {
	subscriptions int
	ids           int
	messageBytes  int
	queue         int
	input         int
	heartbeat     time.Duration
	idleTimeout   time.Duration
	writeTimeout  time.Duration
	closeGrace    time.Duration
	inboundRate   float64
	inboundBurst  int
	remember      int
	registerer    prometheus.Registerer
	logger        *slog.Logger
	now           func() time.Time
}

func defaultOptions() options {
	return options{
		subscriptions: DefaultSubscriptions, ids: DefaultIDs, messageBytes: DefaultMessageBytes,
		queue: DefaultQueue, input: DefaultInput, heartbeat: DefaultHeartbeat,
		writeTimeout: DefaultWriteTimeout, closeGrace: DefaultCloseGrace,
		inboundRate: DefaultInboundRate, inboundBurst: DefaultInboundBurst, remember: DefaultRemember,
		logger: slog.New(slog.DiscardHandler), now: time.Now,
	}
}

// withDerived fills the options derived from others.
func (o options) withDerived() options {
	if o.idleTimeout <= 0 {
		o.idleTimeout = max(3*o.heartbeat, 5*time.Second)
	}
	return o
}

// WithSubscriptions sets how many subscriptions one client may hold (default 16).
func WithSubscriptions(n int) Option { return positive(n, func(o *options) { o.subscriptions = n }) }

// WithIDs sets how many ids, and how many since entries, one subscription may name (default 100).
func WithIDs(n int) Option { return positive(n, func(o *options) { o.ids = n }) }

// WithMessageBytes sets the largest message a client may send; a larger one closes the
// connection with 1008 (default 16 KiB).
func WithMessageBytes(n int) Option { return positive(n, func(o *options) { o.messageBytes = n }) }

// WithQueue sets how many frames may wait for one client (default 256). Changes of one entity
// take one place however often it changes; a client whose queue overflows is dropped with 4000.
func WithQueue(n int) Option { return positive(n, func(o *options) { o.queue = n }) }

// WithInput sets how many entities, and how many timeline entries, may wait for the
// dispatcher (default 8192 each); updates of an entity already waiting merge with it. Publish
// drops and counts what does not fit.
func WithInput(n int) Option { return positive(n, func(o *options) { o.input = n }) }

// WithHeartbeat sets the interval of heartbeat frames to idle clients and of websocket pings to
// every client (default 15 s).
func WithHeartbeat(d time.Duration) Option { return positive(d, func(o *options) { o.heartbeat = d }) }

// WithIdleTimeout sets how long a client may stay silent (no message, no pong) before it is
// dropped (default 3 heartbeats, at least 5 s).
func WithIdleTimeout(d time.Duration) Option {
	return positive(d, func(o *options) { o.idleTimeout = d })
}

// WithWriteTimeout sets the longest write of one frame; a client that does not take it in time
// is disconnected (default 10 s).
func WithWriteTimeout(d time.Duration) Option {
	return positive(d, func(o *options) { o.writeTimeout = d })
}

// WithCloseGrace sets how long the hub waits for a client to answer its close frame
// (default 1 s).
func WithCloseGrace(d time.Duration) Option {
	return positive(d, func(o *options) { o.closeGrace = d })
}

// WithInboundRate sets how many messages a client may send: perSecond sustained, burst at once
// (default 20/s, burst 64). A client that sends more is closed with 1008.
func WithInboundRate(perSecond float64, burst int) Option {
	return func(o *options) {
		if perSecond > 0 && burst > 0 {
			o.inboundRate, o.inboundBurst = perSecond, burst
		}
	}
}

// WithRemember sets how many entities the hub remembers the last version, status and owner of
// (default 1,048,576); past it the memory is cleared and starts again.
func WithRemember(n int) Option { return positive(n, func(o *options) { o.remember = n }) }

// WithRegisterer registers the hub's metrics (aida_stream_*) with r (default: not registered).
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.registerer = r } }

// WithLogger sets the logger of client errors, written at debug level (default: none).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithClock sets the clock of server times, delivery latency and inbound rates (default
// time.Now). Network deadlines and heartbeat timers use the real clock.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

func positive[N int | time.Duration](n N, set func(*options)) Option {
	return func(o *options) {
		if n > 0 {
			set(o)
		}
	}
}

// HandlerOption configures Handler.
type HandlerOption func(*handlerOptions)

type handlerOptions struct {
	origins         []string
	snapshotTimeout time.Duration
	limits          *connLimits // nil: no limit on connections
}

// WithOrigins names the origins of pages on other hosts that may open the stream (default:
// none; a page of the server's own host and a client without Origin always may).
func WithOrigins(origins ...string) HandlerOption {
	return func(o *handlerOptions) { o.origins = append([]string(nil), origins...) }
}

// WithSnapshotTimeout bounds the snapshot loads of one subscribe (default 5 s).
func WithSnapshotTimeout(d time.Duration) HandlerOption {
	return func(o *handlerOptions) {
		if d > 0 {
			o.snapshotTimeout = d
		}
	}
}
