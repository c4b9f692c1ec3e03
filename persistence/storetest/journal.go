package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// each returns f of every element of xs.
func each[T, V any](xs []T, f func(T) V) []V {
	out := make([]V, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func versions(es []persistence.Entry) []int64 {
	return each(es, func(e persistence.Entry) int64 { return e.Version })
}

func testJournal(t *testing.T, h *harness) {
	first := h.change("deal", "d1", 0, 3, persistence.Index{})
	h.mustAppend(t, first)
	h.mustAppend(t, h.change("deal", "d1", 3, 2, persistence.Index{}))
	h.mustAppend(t, h.change("deal", "d2", 0, 1, persistence.Index{}))
	tests := []struct {
		after int64
		limit int
		want  []int64
	}{
		{0, 0, []int64{1, 2, 3, 4, 5}},
		{2, 0, []int64{3, 4, 5}},
		{0, 2, []int64{1, 2}},
		{3, 1, []int64{4}},
		{5, 0, []int64{}},
	}
	for _, tc := range tests {
		got, err := h.s.Journal(ctx(t), "deal", "d1", tc.after, tc.limit)
		if err != nil {
			t.Fatalf("journal after %d: %v", tc.after, err)
		}
		if !slices.Equal(versions(got), tc.want) {
			t.Errorf("journal after %d limit %d: %v, want %v", tc.after, tc.limit, versions(got), tc.want)
		}
	}
	got, err := h.s.Journal(ctx(t), "deal", "d1", 0, 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("journal: %v, %v", got, err)
	}
	want := first.Events[0]
	e := got[0]
	if e.Kind != "deal" || e.ID != "d1" || e.EventID != want.EventID || e.Type != want.Type ||
		e.Actor != want.Actor || !e.Time.Equal(want.Time) || e.Published || !jsonEqual(t, e.Data, want.Data) {
		t.Fatalf("entry %+v, want %+v", e, want)
	}
}

func testOutbox(t *testing.T, h *harness) {
	h.mustAppend(t, h.change("lead", "a", 0, 2, persistence.Index{}))
	h.mustAppend(t, h.change("deal", "b", 0, 1, persistence.Index{}))
	h.mustAppend(t, h.change("lead", "a", 2, 1, persistence.Index{}))
	key := func(es []persistence.Entry) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = fmt.Sprintf("%s/%s/%d", e.Kind, e.ID, e.Version)
		}
		return out
	}
	got, err := h.s.Unpublished(ctx(t), 0)
	if err != nil {
		t.Fatalf("unpublished: %v", err)
	}
	if want := []string{"lead/a/1", "lead/a/2", "deal/b/1", "lead/a/3"}; !slices.Equal(key(got), want) {
		t.Fatalf("unpublished %v, want %v", key(got), want)
	}
	if err := h.s.MarkPublished(ctx(t), []string{got[0].EventID, got[1].EventID, "unknown"}); err != nil {
		t.Fatalf("mark published: %v", err)
	}
	if err := h.s.MarkPublished(ctx(t), nil); err != nil {
		t.Fatalf("mark nothing published: %v", err)
	}
	rest, err := h.s.Unpublished(ctx(t), 1)
	if err != nil {
		t.Fatalf("unpublished: %v", err)
	}
	if want := []string{"deal/b/1"}; !slices.Equal(key(rest), want) {
		t.Fatalf("unpublished after marking: %v, want %v", key(rest), want)
	}
	journal, err := h.s.Journal(ctx(t), "lead", "a", 0, 0)
	if err != nil {
		t.Fatalf("journal: %v", err)
	}
	for _, e := range journal {
		if e.Published != (e.Version <= 2) {
			t.Errorf("lead/a/%d published=%v", e.Version, e.Published)
		}
	}
}

func testTimesUTC(t *testing.T, h *harness) {
	zone := time.FixedZone("IST", 5*3600+1800)
	at := time.Date(2025, 1, 2, 3, 4, 5, 123456789, zone)
	a := h.change("lead", "l1", 0, 1, persistence.Index{})
	a.Snapshot.CreatedAt, a.Snapshot.UpdatedAt, a.Events[0].Time = at, at.Add(time.Hour), at
	h.mustAppend(t, a)
	micro := at.Truncate(time.Microsecond)
	r := h.load(t, "lead", "l1")
	es, err := h.s.Journal(ctx(t), "lead", "l1", 0, 0)
	if err != nil || len(es) != 1 {
		t.Fatalf("journal: %v, %v", es, err)
	}
	for name, got := range map[string]struct{ got, want time.Time }{
		"created": {r.CreatedAt, micro},
		"updated": {r.UpdatedAt, micro.Add(time.Hour)},
		"event":   {es[0].Time, micro},
	} {
		if !got.got.Equal(got.want) || got.got.Location() != time.UTC {
			t.Errorf("%s: %v, want %v in UTC", name, got.got, got.want.UTC())
		}
	}
}

func testGroupConcurrency(t *testing.T, h *harness) {
	g := persistence.NewGroup(h.s, persistence.WithWriters(2), persistence.WithMaxBatch(16))
	g.Start()
	defer g.Stop()
	const callers = 50
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		a := h.change("lead", fmt.Sprintf("g%02d", i), 0, 2, persistence.Index{UniqueKey: fmt.Sprintf("g%02d@example.com", i)})
		wg.Go(func() { errs[i] = g.Append(ctx(t), a) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	page, err := h.s.List(ctx(t), persistence.Query{Kind: "lead", Limit: 100})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(page.Records) != callers {
		t.Fatalf("%d leads stored, want %d", len(page.Records), callers)
	}
	for _, r := range page.Records {
		if r.Version != 2 {
			t.Errorf("%s: version %d, want 2", r.ID, r.Version)
		}
	}
}
