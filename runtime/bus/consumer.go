package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidacrm/aida/runtime/consumer"
)

// ErrBadConsumerConfig: a consumer.Config lacks its durable name or filters, or Consume was
// given no handler.
var ErrBadConsumerConfig = errors.New("bad consumer config")

const (
	consumerPullBatch    = 32               // messages the client asks for and buffers ahead at most
	consumerPullExpiry   = 10 * time.Second // life of one pull request; heartbeats every half of it
	consumerQueue        = 16               // messages waiting for one worker
	consumerCallTimeout  = 5 * time.Second  // one JetStream API call (create, update, info)
	consumerDrainTimeout = 2 * time.Second  // ending a pull: wait for the server to drop it
)

// configure checks c and fills in its defaults; log is the default logger.
func configure(c consumer.Config, log *slog.Logger) (consumer.Config, error) {
	if !validToken(c.Durable) || strings.ContainsAny(c.Durable, `/\`) {
		return c, fmt.Errorf("%w: durable name %q", ErrBadConsumerConfig, c.Durable)
	}
	if len(c.Filters) == 0 || slices.Contains(c.Filters, "") {
		return c, fmt.Errorf("%w: consumer %s: filters %q", ErrBadConsumerConfig, c.Durable, c.Filters)
	}
	if c.AckWait <= 0 {
		c.AckWait = consumer.DefaultAckWait
	}
	if c.MaxAckPending <= 0 {
		c.MaxAckPending = consumer.DefaultMaxAckPending
	}
	if c.RetryMin <= 0 {
		c.RetryMin = consumer.DefaultRetryMin
	}
	if c.RetryMax <= 0 {
		c.RetryMax = consumer.DefaultRetryMax
	}
	c.RetryMax = max(c.RetryMax, c.RetryMin)
	if c.MaxDeliver == 0 {
		c.MaxDeliver = -1
	}
	c.Concurrency = max(c.Concurrency, 1)
	if c.KeyFunc == nil {
		c.KeyFunc = func(m consumer.Message) string { return m.Subject }
	}
	if c.InfoInterval <= 0 {
		c.InfoInterval = consumer.DefaultInfoInterval
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
func (b *Bus) Consume(ctx context.Context, cfg consumer.Config, h consumer.Handler) error {
	cfg, err := configure(cfg, b.logger)
	if err != nil {
		return err
	}
	if h == nil {
		return fmt.Errorf("%w: consumer %s: nil handler", ErrBadConsumerConfig, cfg.Durable)
	}
	c := &durable{
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

// durable is one running Consume.
type durable struct {
	bus     *Bus
	cfg     consumer.Config
	h       consumer.Handler
	log     *slog.Logger
	metrics consumerMetrics
	created bool // the consumer existed once in this run: finding it missing means it was deleted
}

// run (re)creates the consumer and pulls its messages into the worker queues until ctx ends.
func (c *durable) run(ctx context.Context, queues []chan delivery) error {
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
func (c *durable) ensure(ctx context.Context) (jetstream.Consumer, error) {
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
	case errors.Is(err, jetstream.ErrStreamNotFound) && c.created:
		c.log.Error("the events stream is gone under the durable consumer; waiting for it to be created again")
		c.bus.consumerGone(c.cfg.Durable, true)
		return nil, fmt.Errorf("look up consumer %s: %w", c.cfg.Durable, err)
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		if c.created {
			// It existed in this run: someone deleted it (or its stream). Not ready until it is back.
			c.log.Error("the durable consumer is gone; creating it again")
			c.bus.consumerGone(c.cfg.Durable, true)
		}
		if cons, err = c.bus.js.CreateConsumer(ctx, stream, want); err != nil {
			return nil, fmt.Errorf("create consumer %s: %w", c.cfg.Durable, err)
		}
		c.bus.consumerGone(c.cfg.Durable, false)
	default:
		return nil, fmt.Errorf("look up consumer %s: %w", c.cfg.Durable, err)
	}
	c.created = true
	return cons, nil
}

// pump pulls messages from cons into the worker queues until ctx ends or the pull fails (the
// consumer is gone, heartbeats stopped); it returns how many messages it queued.
func (c *durable) pump(ctx context.Context, cons jetstream.Consumer, queues []chan delivery) (int, error) {
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
func (c *durable) release(it jetstream.MessagesContext) {
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
