package bus

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// ErrPoison: a Handler returns an error wrapping ErrPoison for a message it can never handle
// (malformed, unknown version). The consumer terminates the message: it is never redelivered.
var ErrPoison = errors.New("poison message")

// ErrBadSubject: PublishSignal was given a subject outside crm.inbound.>, or one that is not a
// valid literal NATS subject.
var ErrBadSubject = errors.New("bad subject")

// ErrBadConsumerConfig: a ConsumerConfig lacks its durable name or filters, or Consume was
// given no handler.
var ErrBadConsumerConfig = errors.New("bad consumer config")

// InboundPrefix starts the subjects of inbound signals other services publish on the stream.
const InboundPrefix = "crm.inbound."

// Consumer defaults.
const (
	DefaultAckWait       = 30 * time.Second
	DefaultMaxAckPending = 256
	DefaultRetryMin      = time.Second
	DefaultRetryMax      = time.Minute
	DefaultInfoInterval  = 5 * time.Second
)

const (
	consumerPullBatch    = 32               // messages the client asks for and buffers ahead at most
	consumerPullExpiry   = 10 * time.Second // life of one pull request; heartbeats every half of it
	consumerQueue        = 16               // messages waiting for one worker
	consumerCallTimeout  = 5 * time.Second  // one JetStream API call (create, update, info)
	consumerDrainTimeout = 2 * time.Second  // ending a pull: wait for the server to drop it
)

// Handler handles one message. Returning nil acks it. Returning an error naks it with a delay:
// it is redelivered later, the delay doubling with each delivery from RetryMin up to RetryMax.
// An error wrapping ErrPoison terminates it: it is never redelivered, and the consumer logs it
// at warn level and counts it. ctx is the context given to Consume.
type Handler func(ctx context.Context, m Message) error

// Message is one delivery of a stream message.
type Message struct {
	Subject   string
	Data      []byte
	Headers   nats.Header
	MsgID     string    // the Nats-Msg-Id header (the event ID of relayed events), or ""
	StreamSeq uint64    // the message's sequence number in the stream
	Delivered uint64    // deliveries so far, this one included: 1 the first time
	Time      time.Time // when the stream stored the message
	Key       string    // ConsumerConfig.KeyFunc of the message; set before the handler runs
}

// ConsumerConfig configures Consume. Zero fields take their defaults.
type ConsumerConfig struct {
	Durable       string        // durable consumer name, required (e.g. "agent-nurture")
	Filters       []string      // subject filters, required (e.g. "crm.lead.captured")
	DeliverNew    bool          // on creation: start with messages stored from now on, not the first one
	AckWait       time.Duration // redelivery of an unanswered message after; default 30 s
	MaxAckPending int           // delivered messages without answer at most; default 256
	RetryMin      time.Duration // delay of the first redelivery after a handler error; default 1 s
	RetryMax      time.Duration // longest redelivery delay; default 1 min
	MaxDeliver    int           // deliveries of one message at most; default -1: no limit
	Concurrency   int           // handlers running at once; default 1 (in stream order)
	// KeyFunc returns the key of a message: messages with equal keys never run at once and are
	// handled in delivery order. Default: the NATS subject.
	KeyFunc      func(Message) string
	InfoInterval time.Duration         // refresh period of the pending gauge; default 5 s
	Registerer   prometheus.Registerer // registers aida_bus_consumer_*; nil: not registered
	Logger       *slog.Logger          // default: the bus's logger
}

func (c ConsumerConfig) withDefaults(log *slog.Logger) (ConsumerConfig, error) {
	if !validToken(c.Durable) || strings.ContainsAny(c.Durable, `/\`) {
		return c, fmt.Errorf("%w: durable name %q", ErrBadConsumerConfig, c.Durable)
	}
	if len(c.Filters) == 0 || slices.Contains(c.Filters, "") {
		return c, fmt.Errorf("%w: consumer %s: filters %q", ErrBadConsumerConfig, c.Durable, c.Filters)
	}
	if c.AckWait <= 0 {
		c.AckWait = DefaultAckWait
	}
	if c.MaxAckPending <= 0 {
		c.MaxAckPending = DefaultMaxAckPending
	}
	if c.RetryMin <= 0 {
		c.RetryMin = DefaultRetryMin
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultRetryMax
	}
	c.RetryMax = max(c.RetryMax, c.RetryMin)
	if c.MaxDeliver == 0 {
		c.MaxDeliver = -1
	}
	c.Concurrency = max(c.Concurrency, 1)
	if c.KeyFunc == nil {
		c.KeyFunc = func(m Message) string { return m.Subject }
	}
	if c.InfoInterval <= 0 {
		c.InfoInterval = DefaultInfoInterval
	}
	if c.Logger == nil {
		c.Logger = log
	}
	return c, nil
}

// Consume creates or updates the durable pull consumer cfg.Durable on the stream and runs h on
// its messages until ctx ends; then it waits for the handlers running and returns nil. While
// NATS is unreachable, at start or later, it retries with a backoff capped at 5 s (logged at
// debug level). It returns an error only for a bad cfg or nil h (wrapping ErrBadConsumerConfig)
// or when the bus was closed (wrapping nats.ErrConnectionClosed).
//
// Guarantees:
//
//   - At least once: a message is acked only after h returned nil. A message h failed on comes
//     back after its nak delay; one whose answer never reached the server (crash, outage, h
//     running longer than AckWait) comes back after AckWait. Handlers must be idempotent:
//     Message.MsgID is the event ID of relayed events.
//   - Ordering per key: messages with the same key (KeyFunc) never run at once, and run in the
//     order the server delivers them: stream order for first deliveries. A naked message comes
//     back later, after messages behind it. With Concurrency 1 messages run one at a time in
//     that order; with more, each key goes to one worker (hash of the key), so a slow message
//     also holds back the other keys of its worker.
//   - Durable: the server keeps the consumer's position. A new Consume with the same Durable
//     (after a stop, a crash, or in another process) resumes after the acked messages;
//     DeliverNew only matters when the consumer is created. Filters and limits are updated.
//   - Restarts: when the server restarts (same store), the client reconnects and pulls again;
//     when the consumer is gone or heartbeats stop, Consume re-creates the consumer and its
//     pull. When Consume stops, the messages it received but did not start are naked for
//     immediate redelivery (unless NATS is away then: they come back after AckWait).
func (b *Bus) Consume(ctx context.Context, cfg ConsumerConfig, h Handler) error {
	cfg, err := cfg.withDefaults(b.logger)
	if err != nil {
		return err
	}
	if h == nil {
		return fmt.Errorf("%w: consumer %s: nil handler", ErrBadConsumerConfig, cfg.Durable)
	}
	c := &consumer{
		bus:     b,
		cfg:     cfg,
		h:       h,
		log:     cfg.Logger.With("consumer", cfg.Durable),
		metrics: newConsumerMetrics(cfg.Registerer, cfg.Durable, cfg.Logger),
	}
	var wg sync.WaitGroup
	queues := make([]chan delivery, cfg.Concurrency)
	for i := range queues {
		q := make(chan delivery, consumerQueue)
		queues[i] = q
		wg.Go(func() { c.work(ctx, q) })
	}
	refreshCtx, stopRefresh := context.WithCancel(ctx)
	wg.Go(func() { c.refresh(refreshCtx) })
	err = c.run(ctx, queues)
	stopRefresh()
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	return err
}

// consumer is one running Consume.
type consumer struct {
	bus     *Bus
	cfg     ConsumerConfig
	h       Handler
	log     *slog.Logger
	metrics consumerMetrics
}

// run (re)creates the consumer and pulls its messages into the worker queues until ctx ends.
func (c *consumer) run(ctx context.Context, queues []chan delivery) error {
	t := time.NewTimer(0)
	defer t.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if c.bus.nc.IsClosed() {
			return fmt.Errorf("consume %s: %w", c.cfg.Durable, nats.ErrConnectionClosed)
		}
		var cons jetstream.Consumer
		err := ErrDisconnected // a request sent now would wait in the client's buffer, and may be lost
		if c.bus.nc.IsConnected() {
			cons, err = c.ensure(ctx)
		}
		if err == nil {
			var n int
			n, err = c.pump(ctx, cons, queues)
			if n > 0 {
				failures = 0
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		failures++
		d := backoff(DefaultMinBackoff, DefaultMaxBackoff, failures)
		c.log.Debug("consumer interrupted", "err", err, "retry_in", d.String(), "failures", failures)
		t.Reset(d)
	}
}

// ensure creates the durable consumer, or updates it to the config while keeping its deliver
// policy (the server refuses to change it).
func (c *consumer) ensure(ctx context.Context) (jetstream.Consumer, error) {
	ctx, cancel := context.WithTimeout(ctx, consumerCallTimeout)
	defer cancel()
	stream := c.bus.stream.Name
	want := jetstream.ConsumerConfig{
		Durable:        c.cfg.Durable,
		Description:    "AIDA consumer " + c.cfg.Durable,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.cfg.AckWait,
		MaxDeliver:     c.cfg.MaxDeliver,
		MaxAckPending:  c.cfg.MaxAckPending,
		FilterSubjects: c.cfg.Filters,
	}
	if c.cfg.DeliverNew {
		want.DeliverPolicy = jetstream.DeliverNewPolicy
	}
	cons, err := c.bus.js.Consumer(ctx, stream, c.cfg.Durable)
	switch {
	case err == nil:
		have := cons.CachedInfo().Config
		want.DeliverPolicy, want.OptStartSeq, want.OptStartTime = have.DeliverPolicy, have.OptStartSeq, have.OptStartTime
		if cons, err = c.bus.js.UpdateConsumer(ctx, stream, want); err != nil {
			return nil, fmt.Errorf("update consumer %s: %w", c.cfg.Durable, err)
		}
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		if cons, err = c.bus.js.CreateConsumer(ctx, stream, want); err != nil {
			return nil, fmt.Errorf("create consumer %s: %w", c.cfg.Durable, err)
		}
	default:
		return nil, fmt.Errorf("look up consumer %s: %w", c.cfg.Durable, err)
	}
	return cons, nil
}

// pump pulls messages from cons into the worker queues until ctx ends or the pull fails (the
// consumer is gone, heartbeats stopped); it returns how many messages it queued.
func (c *consumer) pump(ctx context.Context, cons jetstream.Consumer, queues []chan delivery) (int, error) {
	it, err := cons.Messages(
		jetstream.PullMaxMessages(min(consumerPullBatch, c.cfg.MaxAckPending)),
		jetstream.PullExpiry(consumerPullExpiry),
	)
	if err != nil {
		return 0, fmt.Errorf("pull %s: %w", c.cfg.Durable, err)
	}
	defer c.release(it)
	for n := 0; ; n++ {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return n, fmt.Errorf("pull %s: %w", c.cfg.Durable, err)
		}
		d := delivery{jm: m, m: newMessage(m)}
		d.m.Key = c.cfg.KeyFunc(d.m)
		q := queues[0]
		if len(queues) > 1 {
			q = queues[route(d.m.Key, len(queues))]
		}
		select {
		case q <- d:
		case <-ctx.Done():
			_ = m.Nak() // release it for immediate redelivery
			return n, ctx.Err()
		}
	}
}

// release ends a pull: it unsubscribes, waits (a little) until the server knows, so that no
// later message goes to the dead pull, and naks what the client had buffered, for immediate
// redelivery.
func (c *consumer) release(it jetstream.MessagesContext) {
	it.Drain()
	deadline := time.Now().Add(consumerDrainTimeout)
	for {
		wait := time.Until(deadline)
		if wait <= 0 {
			return
		}
		m, err := it.Next(jetstream.NextMaxWait(wait))
		if err != nil {
			return // drained (ErrMsgIteratorClosed), or timed out while NATS is away
		}
		_ = m.Nak()
	}
}

// route returns the worker of key.
func route(key string, workers int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(workers))
}

// work runs the handler on the messages of q, one at a time, until q is closed. Once ctx ended,
// it naks what is left for immediate redelivery.
func (c *consumer) work(ctx context.Context, q <-chan delivery) {
	for d := range q {
		if ctx.Err() != nil {
			_ = d.jm.Nak()
			continue
		}
		c.handle(ctx, d.jm, d.m)
	}
}

// handle runs the handler on m and answers the server: ack, nak with delay, or term.
func (c *consumer) handle(ctx context.Context, jm jetstream.Msg, m Message) {
	err := c.call(ctx, m)
	log := c.log.With("subject", m.Subject, "msg_id", m.MsgID, "seq", m.StreamSeq, "delivered", m.Delivered)
	var answer error
	switch {
	case err == nil:
		answer = jm.Ack()
		c.metrics.ack.Inc()
	case errors.Is(err, ErrPoison):
		answer = jm.TermWithReason(err.Error())
		c.metrics.term.Inc()
		log.Warn("poison message terminated", "err", err)
	case ctx.Err() != nil: // stopping: let another consumer take it at once
		answer = jm.Nak()
		c.metrics.nak.Inc()
	default:
		d := retryDelay(c.cfg.RetryMin, c.cfg.RetryMax, m.Delivered)
		answer = jm.NakWithDelay(d)
		c.metrics.nak.Inc()
		log.Info("handler failed; redelivering", "err", err, "retry_in", d.String())
	}
	if answer != nil {
		log.Debug("answer to the server lost; redelivered after AckWait", "err", answer)
	}
}

// call runs the handler, turning a panic into an error.
func (c *consumer) call(ctx context.Context, m Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v", p)
		}
	}()
	return c.h(ctx, m)
}

// delivery is a message on its way to a worker.
type delivery struct {
	jm jetstream.Msg
	m  Message // with its Key
}

// newMessage returns the Message of a JetStream delivery.
func newMessage(jm jetstream.Msg) Message {
	m := Message{Subject: jm.Subject(), Data: jm.Data(), Headers: jm.Headers()}
	m.MsgID = m.Headers.Get(jetstream.MsgIDHeader)
	if md, err := jm.Metadata(); err == nil {
		m.StreamSeq, m.Delivered, m.Time = md.Sequence.Stream, md.NumDelivered, md.Timestamp
	}
	return m
}

// retryDelay returns the nak delay after delivery number delivered failed: first, doubling
// with each delivery, at most longest.
func retryDelay(first, longest time.Duration, delivered uint64) time.Duration {
	return backoff(first, longest, int(min(delivered, 64)))
}

// backoff returns first doubled n-1 times, at most longest.
func backoff(first, longest time.Duration, n int) time.Duration {
	d := first
	for i := 1; i < n && d < longest; i++ {
		if d > longest/2 {
			return longest
		}
		d *= 2
	}
	return min(d, longest)
}

// PublishSignal publishes data on subject to the stream and waits for JetStream's ack. msgID
// becomes the Nats-Msg-Id header: JetStream drops a repeated ID within the stream's duplicate
// window ("" publishes without one). subject must be a literal subject under crm.inbound.
// (InboundPrefix), else the error wraps ErrBadSubject.
func (b *Bus) PublishSignal(ctx context.Context, subject string, msgID string, data []byte) error {
	rest, ok := strings.CutPrefix(subject, InboundPrefix)
	if !ok || rest == "" {
		return fmt.Errorf("publish signal %q: %w: not under %s", subject, ErrBadSubject, InboundPrefix)
	}
	for tok := range strings.SplitSeq(rest, ".") {
		if !validToken(tok) {
			return fmt.Errorf("publish signal %q: %w", subject, ErrBadSubject)
		}
	}
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	if _, err := b.js.Publish(ctx, subject, data, opts...); err != nil {
		return fmt.Errorf("publish signal %s: %w", subject, err)
	}
	return nil
}
