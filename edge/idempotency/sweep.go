package idempotency

import (
	"context"
	"log/slog"
	"time"
)

// DefaultSweepEvery is how often Sweep purges expired keys unless told otherwise.
const DefaultSweepEvery = time.Hour

// Sweep purges the keys older than TTL (by the clock now) every interval (DefaultSweepEvery when
// not positive) until ctx ends, then returns. Expired keys are already taken as new when
// reserved; Sweep only bounds the table. A failed purge is logged and tried at the next tick.
func Sweep(ctx context.Context, store Store, now func() time.Time, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		every = DefaultSweepEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		pctx, cancel := context.WithTimeout(ctx, storeTimeout)
		n, err := store.PurgeIdempotency(pctx, now().Add(-TTL))
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			log.LogAttrs(ctx, slog.LevelWarn, "purge of expired idempotency keys failed", slog.String("error", err.Error()))
		case n > 0:
			log.LogAttrs(ctx, slog.LevelDebug, "expired idempotency keys purged", slog.Int64("keys", n))
		}
	}
}
