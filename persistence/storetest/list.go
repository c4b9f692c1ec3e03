package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// seedList stores seven leads (l0…l6, l4–l6 created at the same instant) and two accounts (a1
// without a status), and returns the lead IDs newest first.
func seedList(t *testing.T, h *harness) []string {
	t.Helper()
	ixs := []persistence.Index{
		{Status: "new", Source: "web", Owner: "ann", Score: 10},
		{Status: "qualified", Source: "web", Owner: "bob", Score: 80},
		{Status: "new", Source: "ads", Owner: "ann", Score: 50},
		{Status: "new", Source: "web", Owner: "bob", Score: -1},
		{Status: "qualified", Source: "ads", Owner: "ann", Score: 90},
		{Status: "new", Source: "web", Owner: "ann", Score: 0},
		{Status: "lost", Source: "web", Owner: "cid", Score: 70},
	}
	for i, ix := range ixs {
		a := h.change("lead", fmt.Sprintf("l%d", i), 0, 1, ix)
		a.Snapshot.CreatedAt = h.base.Add(time.Duration(min(i, 4)) * time.Minute)
		h.mustAppend(t, a)
	}
	h.mustAppend(t, h.change("account", "a0", 0, 1, persistence.Index{Status: "new", Source: "web", Owner: "ann"}))
	h.mustAppend(t, h.change("account", "a1", 0, 1, persistence.Index{Owner: "dan"}))
	return []string{"l6", "l5", "l4", "l3", "l2", "l1", "l0"}
}

func ids(rs []persistence.Record) []string {
	return each(rs, func(r persistence.Record) string { return r.ID })
}

func testListFilters(t *testing.T, h *harness) {
	all := seedList(t, h)
	tests := []struct {
		name string
		q    persistence.Query
		want []string
	}{
		{"all", persistence.Query{Kind: "lead"}, all},
		{"status", persistence.Query{Kind: "lead", Status: "new"}, []string{"l5", "l3", "l2", "l0"}},
		{"source", persistence.Query{Kind: "lead", Source: "ads"}, []string{"l4", "l2"}},
		{"owner", persistence.Query{Kind: "lead", Owner: "bob"}, []string{"l3", "l1"}},
		{"min score", persistence.Query{Kind: "lead", MinScore: 70}, []string{"l6", "l4", "l1"}},
		{"combined", persistence.Query{Kind: "lead", Status: "new", Owner: "ann", MinScore: 5}, []string{"l2", "l0"}},
		{"other kind", persistence.Query{Kind: "account", Owner: "ann"}, []string{"a0"}},
		{"no match", persistence.Query{Kind: "lead", Status: "won"}, nil},
		{"exclude status", persistence.Query{Kind: "lead", ExcludeStatus: "lost"}, all[1:]},
		{"exclude status with filters", persistence.Query{Kind: "lead", ExcludeStatus: "qualified", Owner: "ann", MinScore: 5},
			[]string{"l2", "l0"}},
		{"exclude status keeps rows without one", persistence.Query{Kind: "account", ExcludeStatus: "new"}, []string{"a1"}},
		{"status wins over exclude status", persistence.Query{Kind: "lead", Status: "lost", ExcludeStatus: "lost"}, []string{"l6"}},
		{"unknown kind", persistence.Query{Kind: "deal"}, nil},
		{"negative limit is 1", persistence.Query{Kind: "lead", Limit: -3}, all[:1]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := h.s.List(ctx(t), tc.q)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if got := ids(page.Records); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if more := tc.q.Limit < 0; (page.NextCursor != "") != more {
				t.Fatalf("next cursor %q, want one: %v", page.NextCursor, more)
			}
		})
	}
}

func testListPaging(t *testing.T, h *harness) {
	all := seedList(t, h)
	var (
		got    []string
		cursor string
		pages  int
	)
	for {
		page, err := h.s.List(ctx(t), persistence.Query{Kind: "lead", Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		got = append(got, ids(page.Records)...)
		if page.NextCursor == "" {
			break
		}
		if pages > len(all) {
			t.Fatalf("paging does not end: %v", got)
		}
		cursor = page.NextCursor
	}
	if pages != 4 || !slices.Equal(got, all) {
		t.Fatalf("%d pages %v, want 4 pages %v", pages, got, all)
	}
	// A filtered walk keeps the filter across pages.
	page, err := h.s.List(ctx(t), persistence.Query{Kind: "lead", Owner: "ann", Limit: 2})
	if err != nil {
		t.Fatalf("filtered page: %v", err)
	}
	next, err := h.s.List(ctx(t), persistence.Query{Kind: "lead", Owner: "ann", Limit: 2, Cursor: page.NextCursor})
	if err != nil {
		t.Fatalf("filtered next page: %v", err)
	}
	if got := append(ids(page.Records), ids(next.Records)...); !slices.Equal(got, []string{"l5", "l4", "l2", "l0"}) || next.NextCursor != "" {
		t.Fatalf("filtered walk %v (next %q), want [l5 l4 l2 l0]", got, next.NextCursor)
	}
}

func testListBadCursor(t *testing.T, h *harness) {
	seedList(t, h)
	for _, c := range []string{"%%%", "bm90LWEtY3Vyc29y", "MTIzfA", "YWJjfGw1"} {
		if _, err := h.s.List(ctx(t), persistence.Query{Kind: "lead", Cursor: c}); !errors.Is(err, persistence.ErrBadCursor) {
			t.Errorf("cursor %q: got %v, want ErrBadCursor", c, err)
		}
	}
}

// testListVisibleTo checks owner scoping: a rep's list holds what they own and what nobody does.
func testListVisibleTo(t *testing.T, h *harness) {
	seedList(t, h)
	h.mustAppend(t, h.change("lead", "l7", 0, 1, persistence.Index{Status: "new", Source: "web"}))
	for _, tc := range []struct {
		name string
		q    persistence.Query
		want []string
	}{
		{"bob's and nobody's", persistence.Query{Kind: "lead", VisibleTo: "bob"}, []string{"l3", "l1", "l7"}},
		{"with a filter", persistence.Query{Kind: "lead", VisibleTo: "cid", Status: "lost"}, []string{"l6"}},
		{"an owner filter for someone else", persistence.Query{Kind: "lead", VisibleTo: "bob", Owner: "ann"}, nil},
		{"a newcomer sees the unowned", persistence.Query{Kind: "lead", VisibleTo: "eve"}, []string{"l7"}},
	} {
		page, err := h.s.List(ctx(t), tc.q)
		if got := ids(page.Records); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v (%v), want %v", tc.name, got, err, tc.want)
		}
	}
}
