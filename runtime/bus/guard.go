package bus

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultGuardEvery is how often Guard looks for the events stream.
const DefaultGuardEvery = 5 * time.Second

// CheckStream makes sure the events stream exists. When it is gone (an operator or a client
// deleted it), it logs an error, creates it again with the bus's configuration and returns an
// error wrapping ErrStreamRecreated: the caller, /readyz among them, reports not ready for that
// round. Events the relay had not yet published stay unpublished in the journal and reach the
// new stream; durable consumers create themselves again on their next pull.
func (b *Bus) CheckStream(ctx context.Context) error {
	_, err := b.js.Stream(ctx, b.stream.Name)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, jetstream.ErrStreamNotFound):
		return fmt.Errorf("look up stream %s: %w", b.stream.Name, err)
	}
	b.logger.Error("the events stream is gone; creating it again", "stream", b.stream.Name)
	b.metrics.streamRecreated.Inc()
	if err := ensureStream(ctx, b.js, b.stream); err != nil {
		return fmt.Errorf("%w: %w", ErrStreamMissing, err)
	}
	return fmt.Errorf("%w: stream %s was missing", ErrStreamRecreated, b.stream.Name)
}

// Guard runs CheckStream every interval (DefaultGuardEvery when not positive) until ctx ends,
// so a deleted stream comes back even when nothing asks /readyz. It returns nil when ctx ends.
func (b *Bus) Guard(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = DefaultGuardEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if !b.nc.IsConnected() {
			continue // nothing to look at; Ping says so
		}
		cctx, cancel := context.WithTimeout(ctx, every)
		if err := b.CheckStream(cctx); err != nil && !errors.Is(err, ErrStreamRecreated) && ctx.Err() == nil {
			b.logger.Warn("check the events stream", "err", err)
		}
		cancel()
	}
}

// consumerGone records whether the durable consumer name is missing: deleted under a running
// Consume and not yet created again.
func (b *Bus) consumerGone(name string, gone bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gone {
		if b.gone == nil {
			b.gone = map[string]bool{}
		}
		if !b.gone[name] {
			b.metrics.consumerMissing.Inc()
		}
		b.gone[name] = true
		return
	}
	delete(b.gone, name)
}

// goneConsumers returns the durable consumers found missing and not yet created again, sorted.
func (b *Bus) goneConsumers() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Sorted(maps.Keys(b.gone))
}
