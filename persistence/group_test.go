package persistence_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
)

// fakeStore is a Store whose Append is a function field; the other methods are unused.
type fakeStore struct {
	persistence.Store
	append func(ctx context.Context, batch []persistence.Append) []error
}

func (f *fakeStore) Append(ctx context.Context, batch []persistence.Append) []error {
	return f.append(ctx, batch)
}

func item(id string) persistence.Append {
	return persistence.Append{
		Events:   []persistence.Entry{{Kind: "lead", ID: id, Version: 1, EventID: "ev-" + id, Type: "crm.lead.captured", Data: []byte(`{}`)}},
		Snapshot: persistence.Record{Kind: "lead", ID: id, Version: 1, State: []byte(`{}`)},
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestGroupSQLite(t *testing.T) {
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer store.Close()
	reg := prometheus.NewRegistry()
	g := persistence.NewGroup(store, persistence.WithMaxBatch(8), persistence.WithRegisterer(reg))
	g.Start()
	const callers = 40
	errs := make([]error, callers+1)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { errs[i] = g.Append(testContext(t), item(fmt.Sprintf("l%02d", i))) })
	}
	wg.Go(func() { errs[callers] = g.Append(testContext(t), item("l00")) }) // a second creator of l00
	wg.Wait()
	g.Stop()
	failed := 0
	for i, err := range errs {
		switch {
		case errors.Is(err, persistence.ErrConflict):
			failed++
		case err != nil:
			t.Errorf("caller %d: %v", i, err)
		}
	}
	if failed != 1 {
		t.Fatalf("%d conflicts, want 1 (two creators of l00)", failed)
	}
	page, err := store.List(testContext(t), persistence.Query{Kind: "lead", Limit: 100})
	if err != nil || len(page.Records) != callers {
		t.Fatalf("stored %d leads (%v), want %d", len(page.Records), err, callers)
	}
	if n := testutil.CollectAndCount(reg, "aida_store_append_seconds", "aida_store_batch_size"); n != 2 {
		t.Fatalf("%d metrics registered, want 2", n)
	}
	if err := g.Append(testContext(t), item("late")); !errors.Is(err, persistence.ErrClosed) {
		t.Fatalf("append after stop: %v, want ErrClosed", err)
	}
}

func TestGroupAnswersEachItem(t *testing.T) {
	var (
		mu    sync.Mutex
		sizes []int
	)
	store := &fakeStore{append: func(_ context.Context, batch []persistence.Append) []error {
		mu.Lock()
		sizes = append(sizes, len(batch))
		mu.Unlock()
		errs := make([]error, len(batch))
		for i, a := range batch {
			if a.Snapshot.ID[0] == 'x' {
				errs[i] = fmt.Errorf("item %s: %w", a.Snapshot.ID, persistence.ErrConflict)
			}
		}
		return errs
	}}
	g := persistence.NewGroup(store, persistence.WithMaxBatch(3), persistence.WithWriters(2))
	g.Start()
	defer g.Stop()
	tests := []struct {
		id   string
		want error
	}{{"a", nil}, {"x1", persistence.ErrConflict}, {"b", nil}, {"x2", persistence.ErrConflict}, {"c", nil}, {"d", nil}, {"e", nil}}
	var wg sync.WaitGroup
	got := make([]error, len(tests))
	for i, tc := range tests {
		wg.Go(func() { got[i] = g.Append(testContext(t), item(tc.id)) })
	}
	wg.Wait()
	for i, tc := range tests {
		if (tc.want == nil) != (got[i] == nil) || (tc.want != nil && !errors.Is(got[i], tc.want)) {
			t.Errorf("%s: got %v, want %v", tc.id, got[i], tc.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	total := 0
	for _, n := range sizes {
		if n > 3 {
			t.Errorf("batch of %d, max 3", n)
		}
		total += n
	}
	if total != len(tests) {
		t.Errorf("%d items written, want %d", total, len(tests))
	}
}

// blockedGroup returns a started group over a store that blocks in Append until release is
// closed, with one call already inside the store.
func blockedGroup(t *testing.T, opts ...persistence.GroupOption) (g *persistence.Group, release chan struct{}, first chan error) {
	t.Helper()
	entered := make(chan struct{}, 1)
	release = make(chan struct{})
	store := &fakeStore{append: func(ctx context.Context, batch []persistence.Append) []error {
		select {
		case entered <- struct{}{}:
		default: // later batches: the test waits only for the first
		}
		<-release
		return make([]error, len(batch))
	}}
	g = persistence.NewGroup(store, append([]persistence.GroupOption{persistence.WithMaxBatch(1)}, opts...)...)
	g.Start()
	first = make(chan error, 1)
	go func() { first <- g.Append(context.Background(), item("first")) }()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the first append never reached the store")
	}
	return g, release, first
}

func TestGroupQueueFull(t *testing.T) {
	g, release, first := blockedGroup(t, persistence.WithQueueSize(1))
	queued := make(chan error, 1)
	go func() { queued <- g.Append(context.Background(), item("queued")) }()
	// Poll until the queue holds "queued": then the next append must be refused at once.
	deadline := time.Now().Add(10 * time.Second)
	for g.Pending() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the queued append never reached the queue")
		}
		runtimeYield()
	}
	if err := g.Append(testContext(t), item("extra")); !errors.Is(err, persistence.ErrUnavailable) {
		t.Fatalf("append to a full queue: %v, want ErrUnavailable", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first: %v", err)
	}
	if err := <-queued; err != nil {
		t.Fatalf("queued: %v", err)
	}
	g.Stop()
}

// runtimeYield lets other goroutines run between polls without sleeping for a fixed time.
func runtimeYield() { <-time.After(time.Millisecond) }

func TestGroupCallerContextEnds(t *testing.T) {
	g, release, first := blockedGroup(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Append(ctx, item("waiting")) }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled caller: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first: %v", err)
	}
	g.Stop()
}

func TestGroupStopDrains(t *testing.T) {
	g, release, first := blockedGroup(t)
	const queued = 5
	results := make(chan error, queued)
	for i := range queued {
		go func() { results <- g.Append(context.Background(), item(fmt.Sprint("q", i))) }()
	}
	stopped := make(chan struct{})
	go func() {
		// Stop must wait for the queued appends; release the store once Stop has begun.
		close(release)
		g.Stop()
		close(stopped)
	}()
	<-stopped
	if err := <-first; err != nil {
		t.Fatalf("first: %v", err)
	}
	for range queued {
		if err := <-results; err != nil && !errors.Is(err, persistence.ErrClosed) {
			t.Fatalf("queued append: %v", err)
		}
	}
}

func TestGroupNeverStarted(t *testing.T) {
	store := &fakeStore{append: func(context.Context, []persistence.Append) []error {
		t.Error("store called by a group never started")
		return nil
	}}
	g := persistence.NewGroup(store)
	done := make(chan error, 1)
	go func() { done <- g.Append(context.Background(), item("a")) }()
	g.Stop()
	if err := <-done; !errors.Is(err, persistence.ErrClosed) {
		t.Fatalf("append on a stopped, never started group: %v, want ErrClosed", err)
	}
}

func TestGroupBatchDeadline(t *testing.T) {
	got := make(chan bool, 1)
	store := &fakeStore{append: func(ctx context.Context, batch []persistence.Append) []error {
		_, ok := ctx.Deadline()
		got <- ok
		return make([]error, len(batch))
	}}
	g := persistence.NewGroup(store, persistence.WithBatchTimeout(time.Minute))
	g.Start()
	defer g.Stop()
	if err := g.Append(context.Background(), item("a")); err != nil {
		t.Fatalf("append: %v", err)
	}
	if !<-got {
		t.Fatal("batch without a deadline")
	}
}
