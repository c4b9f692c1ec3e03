package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// idem builds a running idempotency row of key for scope created at base plus i seconds.
func (h *harness) idem(scope, key, fingerprint string, i int) persistence.IdempotencyRecord {
	return persistence.IdempotencyRecord{Scope: scope, Key: key, Fingerprint: fingerprint,
		CreatedAt: h.base.Add(time.Duration(i) * time.Second)}
}

// reserve reserves rec (nothing is stale) and fails the test on error.
func (h *harness) reserve(t *testing.T, rec persistence.IdempotencyRecord, stale time.Time) (persistence.IdempotencyRecord, bool) {
	t.Helper()
	got, ok, err := h.s.ReserveIdempotency(ctx(t), rec, stale)
	if err != nil {
		t.Fatalf("reserve %s/%s: %v", rec.Scope, rec.Key, err)
	}
	return got, ok
}

// idemEqual compares two rows, times by instant.
func idemEqual(a, b persistence.IdempotencyRecord) bool {
	return a.Scope == b.Scope && a.Key == b.Key && a.Fingerprint == b.Fingerprint && a.Status == b.Status &&
		a.ContentType == b.ContentType && a.Location == b.Location && bytes.Equal(a.Body, b.Body) &&
		a.CreatedAt.Equal(b.CreatedAt) && a.Done == b.Done
}

// testIdempotencyLifecycle: reserve, a second reserve sees the running row, complete saves the
// answer (only for the same fingerprint), release leaves a done row alone.
func testIdempotencyLifecycle(t *testing.T, h *harness) {
	first := h.idem("key:a", "k1", "f1", 0)
	first.CreatedAt = first.CreatedAt.Add(1234 * time.Microsecond).In(time.FixedZone("CET", 3600))
	first.Body, first.Status = []byte("ignored"), 201 // a reservation stores no answer
	got, ok := h.reserve(t, first, time.Time{})
	want := persistence.IdempotencyRecord{Scope: "key:a", Key: "k1", Fingerprint: "f1", CreatedAt: first.CreatedAt}
	if !ok || !idemEqual(got, want) {
		t.Fatalf("first reserve: %+v, %v; want reserved %+v", got, ok, want)
	}
	got, ok = h.reserve(t, h.idem("key:a", "k1", "f2", 5), time.Time{})
	if ok || !idemEqual(got, want) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("reserve while running: %+v, %v; want the running row %+v in UTC", got, ok, want)
	}
	other := want
	other.Fingerprint, other.Status, other.Body, other.Done = "f2", 500, []byte("x"), true
	if err := h.s.CompleteIdempotency(ctx(t), other); err != nil {
		t.Fatalf("complete with another fingerprint: %v", err)
	}
	done := want
	done.Status, done.ContentType, done.Location, done.Body, done.Done = 201, "application/json", "/api/v1/leads/l1", []byte(`{"id":"l1"}`), true
	if err := h.s.CompleteIdempotency(ctx(t), done); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if err := h.s.ReleaseIdempotency(ctx(t), "key:a", "k1"); err != nil {
		t.Fatalf("release a done row: %v", err)
	}
	got, ok = h.reserve(t, h.idem("key:a", "k1", "f1", 9), time.Time{})
	if ok || !idemEqual(got, done) {
		t.Fatalf("reserve after completion: %+v, %v; want the answer %+v", got, ok, done)
	}
	// A second completion changes nothing: the row is done.
	again := done
	again.Status = 202
	if err := h.s.CompleteIdempotency(ctx(t), again); err != nil {
		t.Fatalf("complete again: %v", err)
	}
	if got, _ = h.reserve(t, h.idem("key:a", "k1", "f1", 9), time.Time{}); got.Status != 201 {
		t.Fatalf("a done row was completed again: status %d", got.Status)
	}
}

// testIdempotencyRelease: a released running row frees its key; scopes are apart.
func testIdempotencyRelease(t *testing.T, h *harness) {
	h.reserve(t, h.idem("key:a", "k1", "f1", 0), time.Time{})
	if _, ok := h.reserve(t, h.idem("key:b", "k1", "f9", 0), time.Time{}); !ok {
		t.Fatal("the same key in another scope was not reserved")
	}
	if err := h.s.ReleaseIdempotency(ctx(t), "key:a", "k1"); err != nil {
		t.Fatalf("release: %v", err)
	}
	if got, ok := h.reserve(t, h.idem("key:a", "k1", "f2", 1), time.Time{}); !ok || got.Fingerprint != "f2" {
		t.Fatalf("reserve after release: %+v, %v; want reserved with f2", got, ok)
	}
	if got, ok := h.reserve(t, h.idem("key:b", "k1", "f3", 1), time.Time{}); ok || got.Fingerprint != "f9" {
		t.Fatalf("the other scope's row: %+v, %v; want f9 kept", got, ok)
	}
	if err := h.s.ReleaseIdempotency(ctx(t), "key:nobody", "nope"); err != nil {
		t.Fatalf("release of an unknown key: %v", err)
	}
}

// testIdempotencyStale: a row created before stale is replaced, running or done; purge deletes
// the rows created before its time and counts them.
func testIdempotencyStale(t *testing.T, h *harness) {
	old := h.idem("key:a", "k1", "f1", 0)
	h.reserve(t, old, time.Time{})
	old.Status, old.Done = 201, true
	if err := h.s.CompleteIdempotency(ctx(t), old); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.reserve(t, h.idem("key:a", "k1", "f2", 10), h.base); ok {
		t.Fatal("a row created at stale was replaced; only older ones may be")
	}
	got, ok := h.reserve(t, h.idem("key:a", "k1", "f2", 10), h.base.Add(time.Second))
	if !ok || got.Fingerprint != "f2" || got.Done || got.Status != 0 || !got.CreatedAt.Equal(h.base.Add(10*time.Second)) {
		t.Fatalf("replace a stale row: %+v, %v; want a fresh reservation", got, ok)
	}
	for i := range 3 {
		h.reserve(t, h.idem("key:p", fmt.Sprint(i), "f", i), time.Time{})
	}
	n, err := h.s.PurgeIdempotency(ctx(t), h.base.Add(2*time.Second))
	if err != nil || n != 2 {
		t.Fatalf("purge: %d, %v; want 2 (created at +0 s and +1 s)", n, err)
	}
	if _, ok := h.reserve(t, h.idem("key:p", "2", "g", 20), time.Time{}); ok {
		t.Fatal("purge deleted a row created at its time")
	}
	if _, ok := h.reserve(t, h.idem("key:p", "0", "g", 20), time.Time{}); !ok {
		t.Fatal("a purged key was not free")
	}
}

// testIdempotencyConcurrent: of concurrent reservers of one key exactly one reserves, and the
// others see its row.
func testIdempotencyConcurrent(t *testing.T, h *harness) {
	const reservers = 8
	type result struct {
		rec persistence.IdempotencyRecord
		ok  bool
		err error
	}
	results := make([]result, reservers)
	var wg sync.WaitGroup
	for i := range reservers {
		rec := h.idem("key:a", "hot", fmt.Sprint("f", i), 0)
		wg.Go(func() {
			r, ok, err := h.s.ReserveIdempotency(ctx(t), rec, time.Time{})
			results[i] = result{r, ok, err}
		})
	}
	wg.Wait()
	winner := ""
	for i, r := range results {
		switch {
		case r.err != nil:
			t.Fatalf("reserver %d: %v", i, r.err)
		case r.ok && winner != "":
			t.Fatalf("reserved by %s and %s", winner, r.rec.Fingerprint)
		case r.ok:
			winner = r.rec.Fingerprint
		}
	}
	if winner == "" {
		t.Fatal("no reserver reserved")
	}
	for i, r := range results {
		if r.rec.Fingerprint != winner {
			t.Errorf("reserver %d saw %s, want the winner %s", i, r.rec.Fingerprint, winner)
		}
	}
}
