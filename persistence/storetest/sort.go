package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// sortRow is one deal of seedSorted: its creation and update (minutes after base), score and
// amount.
type sortRow struct {
	id               string
	created, updated int
	score            int32
	amount           string
	status           string
}

// seedSorted stores eight deals with ties in every key, missing scores and amounts, and
// amounts whose text order is not their numeric order; and one lead, to show lists keep to
// their kind.
func seedSorted(t *testing.T, h *harness) {
	t.Helper()
	rows := []sortRow{
		{"s0", 0, 50, 10, "9.00", "open"},
		{"s1", 1, 10, 80, "10.00", "won"},
		{"s2", 2, 70, -1, "100.5", "open"},
		{"s3", 3, 20, 80, "", "won"},
		{"s4", 4, 60, 0, "1000000000000.01", "open"},
		{"s5", 4, 30, 55, "999999999999.99", "open"},
		{"s6", 6, 40, 100, "10.00", "won"},
		{"s7", 7, 40, -1, "0.00", "open"},
	}
	for _, r := range rows {
		a := h.change("deal", r.id, 0, 1, persistence.Index{Status: r.status, Score: r.score, Amount: r.amount})
		a.Snapshot.CreatedAt = h.base.Add(time.Duration(r.created) * time.Minute)
		a.Snapshot.UpdatedAt = h.base.Add(time.Duration(r.updated) * time.Minute)
		h.mustAppend(t, a)
	}
	lead := h.change("lead", "x0", 0, 1, persistence.Index{Score: 999, Amount: "1"})
	lead.Snapshot.CreatedAt = h.base.Add(time.Hour)
	h.mustAppend(t, lead)
}

// sortedOrders returns the orders of seedSorted's deals, by Query.Sort.
func sortedOrders() []struct {
	sort string
	want []string
} {
	return []struct {
		sort string
		want []string
	}{
		{"", []string{"s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"}},
		{"-created_at", []string{"s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"}},
		{"created_at", []string{"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"}},
		{"-updated_at", []string{"s2", "s4", "s0", "s7", "s6", "s5", "s3", "s1"}},
		{"updated_at", []string{"s1", "s3", "s5", "s6", "s7", "s0", "s4", "s2"}},
		{"-score", []string{"s6", "s3", "s1", "s5", "s0", "s4", "s7", "s2"}},
		{"-amount", []string{"s4", "s5", "s2", "s6", "s1", "s0", "s7", "s3"}},
	}
}

// walk pages through q with its limit and returns the IDs in order; between pages it calls
// between with the page number (from 1).
func walk(t *testing.T, h *harness, q persistence.Query, between func(page int)) []string {
	t.Helper()
	var got []string
	for page := 1; ; page++ {
		p, err := h.s.List(ctx(t), q)
		if err != nil {
			t.Fatalf("%s page %d: %v", q.Sort, page, err)
		}
		got = append(got, ids(p.Records)...)
		if p.NextCursor == "" {
			return got
		}
		if page > 50 {
			t.Fatalf("%s: paging does not end: %v", q.Sort, got)
		}
		if between != nil {
			between(page)
		}
		q.Cursor = p.NextCursor
	}
}

// testListSort seeds one store (seedSorted) and checks the orders on it: the reading tests
// first, then paging while deals are added.
func testListSort(t *testing.T, h *harness) {
	seedSorted(t, h)
	for _, st := range []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"Orders", testListSortOrders},
		{"Filters", testListSortFilters},
		{"CursorMismatch", testListSortCursorMismatch},
		{"PagingWithInserts", testListSortPagingWithInserts},
	} {
		t.Run(st.name, func(t *testing.T) { st.run(t, h) })
	}
}

func testListSortOrders(t *testing.T, h *harness) {
	for _, tc := range sortedOrders() {
		t.Run("sort="+tc.sort, func(t *testing.T) {
			page, err := h.s.List(ctx(t), persistence.Query{Kind: "deal", Sort: tc.sort})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if got := ids(page.Records); !slices.Equal(got, tc.want) || page.NextCursor != "" {
				t.Fatalf("got %v (next %q), want %v", got, page.NextCursor, tc.want)
			}
			// Pages of 3 split ties (s4/s5 by creation, s6/s7 by update, s1/s3 by score,
			// s1/s6 by amount) and still add up to the whole list.
			if got := walk(t, h, persistence.Query{Kind: "deal", Sort: tc.sort, Limit: 3}, nil); !slices.Equal(got, tc.want) {
				t.Fatalf("paged by 3: %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := h.s.List(ctx(t), persistence.Query{Kind: "deal", Sort: "-id"}); !errors.Is(err, persistence.ErrBadSort) {
		t.Fatalf("unknown sort: got %v, want ErrBadSort", err)
	}
}

// testListSortPagingWithInserts pages through every order while new deals are stored between
// pages: deals that sort before the cursor never show up, a deal that sorts after the last row
// shows up at the end, and no row repeats or goes missing.
func testListSortPagingWithInserts(t *testing.T, h *harness) {
	later := func(min int) time.Time { return h.base.Add(time.Duration(min) * time.Minute) }
	tests := []struct {
		sort        string
		front, back func(n int, a *persistence.Append) // make a deal sort first / last
	}{
		{"-created_at",
			func(n int, a *persistence.Append) { a.Snapshot.CreatedAt = later(100 + n) },
			func(n int, a *persistence.Append) { a.Snapshot.CreatedAt = later(-1000 - n) }},
		{"created_at",
			func(n int, a *persistence.Append) { a.Snapshot.CreatedAt = later(-100 - n) },
			func(n int, a *persistence.Append) { a.Snapshot.CreatedAt = later(1000 + n) }},
		{"-updated_at",
			func(n int, a *persistence.Append) { a.Snapshot.UpdatedAt = later(100 + n) },
			func(n int, a *persistence.Append) { a.Snapshot.UpdatedAt = later(-1000 - n) }},
		{"updated_at",
			func(n int, a *persistence.Append) { a.Snapshot.UpdatedAt = later(-100 - n) },
			func(n int, a *persistence.Append) { a.Snapshot.UpdatedAt = later(1000 + n) }},
		{"-score",
			func(n int, a *persistence.Append) { a.Snapshot.Index.Score = int32(1000 + n) },
			func(n int, a *persistence.Append) { a.Snapshot.Index.Score = -1 }},
		{"-amount",
			func(n int, a *persistence.Append) { a.Snapshot.Index.Amount = "9999999999999.99" },
			func(n int, a *persistence.Append) { a.Snapshot.Index.Amount = "" }},
	}
	for i, tc := range tests {
		t.Run("sort="+tc.sort, func(t *testing.T) {
			q := persistence.Query{Kind: "deal", Sort: tc.sort}
			before, err := h.s.List(ctx(t), q)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			want := ids(before.Records)
			// IDs sort after every seeded one ("z…") for fronts, before ("a…") for backs, so that
			// ties on a missing key put them where they belong in descending orders.
			back := fmt.Sprintf("a-back-%d", i)
			q.Limit = 3
			got := walk(t, h, q, func(page int) {
				a := h.change("deal", fmt.Sprintf("z-front-%d-%d", i, page), 0, 1, persistence.Index{Score: 50, Amount: "50.00"})
				a.Snapshot.CreatedAt, a.Snapshot.UpdatedAt = later(5), later(35)
				tc.front(page, &a)
				h.mustAppend(t, a)
				if page == 1 {
					b := h.change("deal", back, 0, 1, persistence.Index{Score: 50, Amount: "50.00"})
					b.Snapshot.CreatedAt, b.Snapshot.UpdatedAt = later(5), later(35)
					tc.back(i, &b)
					h.mustAppend(t, b)
				}
			})
			want = append(want, back)
			if !slices.Equal(got, want) {
				t.Fatalf("walk with inserts: %v, want %v", got, want)
			}
		})
	}
}

func testListSortCursorMismatch(t *testing.T, h *harness) {
	cursorOf := func(sort string) string {
		t.Helper()
		p, err := h.s.List(ctx(t), persistence.Query{Kind: "deal", Sort: sort, Limit: 2})
		if err != nil || p.NextCursor == "" {
			t.Fatalf("first page of %q: %v (next %q)", sort, err, p.NextCursor)
		}
		return p.NextCursor
	}
	byScore, byCreation, byAmount := cursorOf("-score"), cursorOf("-created_at"), cursorOf("-amount")
	for _, tc := range []struct{ sort, cursor string }{
		{"-created_at", byScore},
		{"", byScore},
		{"created_at", byCreation}, // the same key, the other direction
		{"-updated_at", byCreation},
		{"-score", byAmount},
		{"-amount", byScore},
		{"-created_at", persistence.EncodeCursor("-created_at", "soon", "s5")},
		{"-score", persistence.EncodeCursor("-score", "1.5", "s5")},
		{"-amount", persistence.EncodeCursor("-amount", "ten", "s5")},
		{"-amount", persistence.EncodeCursor("-amount", "1e", "s5")},
	} {
		_, err := h.s.List(ctx(t), persistence.Query{Kind: "deal", Sort: tc.sort, Cursor: tc.cursor})
		if !errors.Is(err, persistence.ErrBadCursor) {
			t.Errorf("sort %q with cursor %q: got %v, want ErrBadCursor", tc.sort, tc.cursor, err)
		}
	}
	// "" and "-created_at" are one order: their cursors are interchangeable.
	p, err := h.s.List(ctx(t), persistence.Query{Kind: "deal", Cursor: byCreation, Limit: 2})
	if err != nil {
		t.Fatalf("default order with a -created_at cursor: %v", err)
	}
	if got := ids(p.Records); !slices.Equal(got, []string{"s5", "s4"}) {
		t.Fatalf("second page %v, want [s5 s4]", got)
	}
}

func testListSortFilters(t *testing.T, h *harness) {
	tests := []struct {
		q    persistence.Query
		want []string
	}{
		{persistence.Query{Kind: "deal", Sort: "-updated_at", Status: "open"}, []string{"s2", "s4", "s0", "s7", "s5"}},
		{persistence.Query{Kind: "deal", Sort: "updated_at", Status: "won"}, []string{"s1", "s3", "s6"}},
		{persistence.Query{Kind: "deal", Sort: "-score", MinScore: 55}, []string{"s6", "s3", "s1", "s5"}},
		{persistence.Query{Kind: "deal", Sort: "-amount", Status: "won"}, []string{"s6", "s1", "s3"}},
		{persistence.Query{Kind: "lead", Sort: "-amount"}, []string{"x0"}},
	}
	for _, tc := range tests {
		got := walk(t, h, persistence.Query{Kind: tc.q.Kind, Sort: tc.q.Sort, Status: tc.q.Status, MinScore: tc.q.MinScore, Limit: 2}, nil)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.q, got, tc.want)
		}
	}
}
