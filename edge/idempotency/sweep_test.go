package idempotency

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// TestSweep: Sweep purges the keys older than TTL and returns when its context ends.
func TestSweep(t *testing.T) {
	f := newFixture(t)
	f.do(t, call{"POST", "/leads", "key:a", "old", `{}`, 0, false, "", 0})
	f.clk.move(TTL + time.Second)
	f.do(t, call{"POST", "/leads", "key:a", "new", `{}`, 0, false, "", 0})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { Sweep(ctx, f.store, f.clk.now, time.Millisecond, slog.New(slog.DiscardHandler)); close(done) }()
	// Poll (with a deadline) until the old key is free: reserving it again, with nothing taken
	// as stale, succeeds only once Sweep deleted it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		rec := persistence.IdempotencyRecord{Scope: "key:a", Key: "old", Fingerprint: "probe", CreatedAt: f.clk.now()}
		got, ok, err := f.store.ReserveIdempotency(t.Context(), rec, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		if got.Fingerprint == "probe" || time.Now().After(deadline) {
			t.Fatalf("old key still kept: %+v", got)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	rec := persistence.IdempotencyRecord{Scope: "key:a", Key: "new", Fingerprint: "probe", CreatedAt: f.clk.now()}
	if _, ok, err := f.store.ReserveIdempotency(t.Context(), rec, time.Time{}); err != nil || ok {
		t.Fatalf("the new key was purged (%v, %v)", ok, err)
	}
}
