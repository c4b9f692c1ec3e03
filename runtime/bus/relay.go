package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/persistence"
)

// Outbox is the journal as the relay reads it: the outbox role of persistence.Store.
type Outbox interface {
	// Unpublished returns up to limit unpublished entries, oldest commit first.
	Unpublished(ctx context.Context, limit int) ([]persistence.Entry, error)
	// MarkPublished marks the entries with these event IDs published.
	MarkPublished(ctx context.Context, eventIDs []string) error
}

var _ Outbox = persistence.Store(nil)

// Publisher is the JetStream side of the relay; *Bus is one.
type Publisher interface {
	// Connected reports whether a message handed over now can reach the server.
	Connected() bool
	// PublishAsync hands msg to JetStream without waiting; the future tells its ack.
	PublishAsync(msg *nats.Msg) (jetstream.PubAckFuture, error)
}

var _ Publisher = (*Bus)(nil)

// Relay publishes the journal's unpublished rows to JetStream and marks them published: the
// outbox of DESIGN §4.6. One relay runs per store; see the package doc for its guarantees.
type Relay struct {
	outbox  Outbox
	pub     Publisher
	types   *event.Index
	cfg     relayConfig
	kick    chan struct{}
	metrics relayMetrics
}

// NewRelay returns a relay from outbox (the store) to pub (the bus). Start it with Run.
func NewRelay(outbox Outbox, pub Publisher, opts ...RelayOption) *Relay {
	cfg := defaultRelayConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	return &Relay{
		outbox:  outbox,
		pub:     pub,
		types:   event.NewIndex(),
		cfg:     cfg,
		kick:    make(chan struct{}, 1),
		metrics: newRelayMetrics(cfg.registerer, cfg.logger),
	}
}

// Kick tells the relay that new rows exist, so it need not wait for its next poll. It never
// blocks.
func (r *Relay) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run relays until ctx ends, then returns nil. A round reads up to BatchSize rows, publishes
// them in order and marks the acknowledged prefix published; full batches follow each other at
// once, otherwise the relay waits for a Kick or the poll interval. A round that makes no
// progress (store or NATS down) is retried after a backoff that doubles up to its cap.
func (r *Relay) Run(ctx context.Context) error {
	t := time.NewTimer(0)
	defer t.Stop()
	failures := 0
	for {
		if failures == 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-r.kick:
			case <-t.C:
			}
		} else { // backing off: kicks do not cut the pause short
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
		res, err := r.round(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil && res.marked == 0:
			failures++
			d := r.backoff(failures)
			r.cfg.logger.Debug("relay round failed", "err", err, "retry_in", d.String(), "failures", failures)
			t.Reset(d)
		case err != nil || res.full:
			// progress, with more to do (the rest of a batch that stopped, or a full batch)
			failures = 0
			if err != nil {
				r.cfg.logger.Debug("relay round stopped early", "err", err, "published", res.marked)
			}
			t.Reset(0)
		default:
			failures = 0
			t.Reset(r.cfg.poll)
		}
	}
}

// backoff returns the pause after n failed rounds in a row.
func (r *Relay) backoff(n int) time.Duration {
	d := r.cfg.minBackoff
	for i := 1; i < n && d < r.cfg.maxBackoff; i++ {
		d *= 2
	}
	return min(d, r.cfg.maxBackoff)
}

// roundResult tells what a round did.
type roundResult struct {
	marked int  // rows published and marked
	full   bool // the round read a full batch and published all of it: more may wait
}

// round reads one batch, publishes it and marks the longest acknowledged prefix published.
func (r *Relay) round(ctx context.Context) (roundResult, error) {
	entries, err := r.outbox.Unpublished(ctx, r.cfg.batchSize)
	if err != nil {
		r.metrics.errors.WithLabelValues(stageRead).Inc()
		return roundResult{}, fmt.Errorf("read unpublished: %w", err)
	}
	r.metrics.lagEvents.Set(float64(len(entries)))
	if len(entries) == 0 {
		r.metrics.lagSeconds.Set(0)
		return roundResult{}, nil
	}
	r.metrics.lagSeconds.Set(max(r.cfg.now().Sub(entries[0].Time).Seconds(), 0))

	acked, err := r.publish(ctx, entries)
	if acked > 0 {
		ids := make([]string, acked)
		for i, e := range entries[:acked] {
			ids[i] = e.EventID
		}
		if merr := r.outbox.MarkPublished(ctx, ids); merr != nil {
			r.metrics.errors.WithLabelValues(stageMark).Inc()
			return roundResult{}, errors.Join(err, fmt.Errorf("mark %d published: %w", acked, merr))
		}
		r.metrics.published.Add(float64(acked))
	}
	res := roundResult{marked: acked, full: acked == len(entries) && len(entries) >= r.cfg.batchSize}
	return res, err
}

// publish sends entries in order and returns how many, from the first, JetStream acknowledged
// (stored now or before, as a duplicate), with the error that stopped the count, if any.
func (r *Relay) publish(ctx context.Context, entries []persistence.Entry) (int, error) {
	if !r.pub.Connected() {
		r.metrics.errors.WithLabelValues(stagePublish).Inc()
		return 0, ErrDisconnected
	}
	futures := make([]jetstream.PubAckFuture, 0, len(entries))
	var sendErr error
	for i, e := range entries {
		msg, err := r.message(e)
		if err == nil {
			if i > 0 {
				// JetStream refuses this row unless its predecessor is the stream's last message:
				// a row lost on a broken connection cannot be overtaken by the rows after it.
				msg.Header.Set(jetstream.ExpectedLastMsgIDHeader, entries[i-1].EventID)
			}
			var f jetstream.PubAckFuture
			if f, err = r.pub.PublishAsync(msg); err == nil {
				futures = append(futures, f)
				continue
			}
		}
		r.metrics.errors.WithLabelValues(stagePublish).Inc()
		sendErr = fmt.Errorf("publish %s: %w", e.EventID, err)
		break
	}
	for i, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			r.metrics.errors.WithLabelValues(stageAck).Inc()
			return i, fmt.Errorf("ack %s: %w", entries[i].EventID, err)
		case <-ctx.Done():
			return i, ctx.Err()
		}
	}
	return len(futures), sendErr
}

// message builds the NATS message of e: its envelope on its type's subject, with Nats-Msg-Id.
// A type the catalogue (api/event) lacks is published all the same, and logged.
func (r *Relay) message(e persistence.Entry) (*nats.Msg, error) {
	if _, ok := r.types.Lookup(e.Type); !ok {
		r.cfg.logger.Warn("relay: event type not in the catalogue (api/event); publishing it", "type", e.Type, "event_id", e.EventID)
	}
	env, err := NewEnvelope(e)
	if err != nil {
		// A row is never skipped: publish what is stored, and say so.
		r.metrics.errors.WithLabelValues(stageEncode).Inc()
		r.cfg.logger.Warn("relay: event data is not an aidapb.Event; publishing it raw", "err", err)
		env = rawEnvelope(e)
	}
	data, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encode envelope: %w", err)
	}
	msg := nats.NewMsg(EventSubject(e))
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, e.EventID)
	return msg, nil
}
