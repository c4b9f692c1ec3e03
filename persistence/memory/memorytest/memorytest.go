// Package memorytest is the contract test suite every memory.Store backend must pass: call Run
// from the backend's tests with a function opening a fresh, empty store.
package memorytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence/memory"
)

// Open opens a fresh, empty store over e with opts; the backend's test closes it (t.Cleanup).
type Open func(t *testing.T, e memory.Embedder, opts ...memory.Option) memory.Store

// Run runs the contract suite against the stores open returns.
func Run(t *testing.T, open Open) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, open Open)
	}{
		{"RecallRanksMatchFirst", testRanks},
		{"KBoundsHits", testK},
		{"EntitiesApart", testIsolation},
		{"Forget", testForget},
		{"LimitDropsEarliest", testLimit},
		{"BadInput", testBadInput},
		{"EmptyEntity", testEmptyEntity},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// t0 is the time of the first item of every test; item i is i minutes later.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)

// notes are four interactions about different things, in the order they happened.
var notes = []memory.Item{
	{Text: "Asked about pricing: wants a discount on the enterprise plan for 40 seats", Source: "reply"},
	{Text: "Call summary: their CTO worries about the data migration from Salesforce", Source: "call"},
	{Text: "Sent the case study about logistics companies and warehouse routing", Source: "email_sent"},
	{Text: "Draft rejected: too pushy, do not mention the trial deadline again", Source: "draft_rejected"},
}

// remember stores items for (kind, id), item i at t0 + i minutes unless it has At.
func remember(t *testing.T, s memory.Store, kind, id string, items ...memory.Item) {
	t.Helper()
	for i, it := range items {
		it.Kind, it.ID = kind, id
		if it.At.IsZero() {
			it.At = t0.Add(time.Duration(i) * time.Minute)
		}
		if err := s.Remember(ctx(t), it); err != nil {
			t.Fatalf("remember %q: %v", it.Text, err)
		}
	}
}

func recall(t *testing.T, s memory.Store, kind, id, query string, k int) []memory.Hit {
	t.Helper()
	hits, err := s.Recall(ctx(t), kind, id, query, k)
	if err != nil {
		t.Fatalf("recall %s/%s %q: %v", kind, id, query, err)
	}
	return hits
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func testRanks(t *testing.T, open Open) {
	s := open(t, memory.Lexical(0))
	remember(t, s, "lead", "l1", notes...)
	for _, tc := range []struct {
		query string
		want  int // index in notes
	}{
		{"how much discount on pricing for the enterprise plan?", 0},
		{"Salesforce data migration worries", 1},
		{"logistics case study", 2},
		{"trial deadline", 3},
	} {
		hits := recall(t, s, "lead", "l1", tc.query, len(notes))
		if len(hits) != len(notes) {
			t.Fatalf("%q: %d hits, want %d", tc.query, len(hits), len(notes))
		}
		want := notes[tc.want]
		if h := hits[0]; h.Text != want.Text || h.Source != want.Source ||
			!h.At.Equal(t0.Add(time.Duration(tc.want)*time.Minute)) || h.At.Location() != time.UTC {
			t.Errorf("%q: best hit %+v, want %q (%s) at %v UTC", tc.query, h, want.Text, want.Source,
				t0.Add(time.Duration(tc.want)*time.Minute))
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score+1e-6 {
				t.Errorf("%q: hit %d scores %.4f > hit %d's %.4f: not best first", tc.query, i,
					hits[i].Score, i-1, hits[i-1].Score)
			}
		}
		if hits[0].Score < 0.2 || hits[0].Score > 1+1e-6 {
			t.Errorf("%q: best score %.4f, want a clear match in (0.2, 1]", tc.query, hits[0].Score)
		}
	}
}

func testK(t *testing.T, open Open) {
	s := open(t, memory.Lexical(0))
	remember(t, s, "lead", "l1", notes...)
	for _, k := range []int{1, 2, len(notes), memory.MaxK} {
		if got, want := len(recall(t, s, "lead", "l1", "pricing", k)), min(k, len(notes)); got != want {
			t.Errorf("k=%d: %d hits, want %d", k, got, want)
		}
	}
}

func testIsolation(t *testing.T, open Open) {
	s := open(t, memory.Lexical(0))
	own := map[[2]string]string{
		{"lead", "l1"}: "lead one asked about pricing",
		{"lead", "l2"}: "lead two asked about pricing",
		{"deal", "l1"}: "deal one asked about pricing",
	}
	for e, text := range own {
		remember(t, s, e[0], e[1], memory.Item{Text: text, Source: "note"})
	}
	for e, text := range own {
		hits := recall(t, s, e[0], e[1], "asked about pricing", 10)
		if len(hits) != 1 || hits[0].Text != text {
			t.Errorf("%s/%s recalls %+v, want only %q", e[0], e[1], hits, text)
		}
	}
}

func testForget(t *testing.T, open Open) {
	s := open(t, memory.Lexical(0))
	remember(t, s, "lead", "l1", notes...)
	remember(t, s, "lead", "l2", notes[0])
	if err := s.Forget(ctx(t), "lead", "l1"); err != nil {
		t.Fatalf("forget: %v", err)
	}
	if hits := recall(t, s, "lead", "l1", "pricing", 10); len(hits) != 0 {
		t.Errorf("after forget: %+v, want none", hits)
	}
	if hits := recall(t, s, "lead", "l2", "pricing", 10); len(hits) != 1 {
		t.Errorf("another entity after forget: %d hits, want 1", len(hits))
	}
	if err := s.Forget(ctx(t), "lead", "nobody"); err != nil {
		t.Errorf("forget an entity without items: %v, want nil", err)
	}
	remember(t, s, "lead", "l1", notes[1])
	if hits := recall(t, s, "lead", "l1", "migration", 10); len(hits) != 1 || hits[0].Text != notes[1].Text {
		t.Errorf("remember after forget: %+v, want the one new item", hits)
	}
}

func testLimit(t *testing.T, open Open) {
	const limit = 3
	s := open(t, memory.Lexical(0), memory.WithMaxItems(limit))
	items := make([]memory.Item, 6)
	for i := range items {
		items[i] = memory.Item{Text: fmt.Sprintf("follow-up number %d about the proposal", i), Source: "note"}
	}
	// Remembered out of order: the earliest by At go, not the first remembered.
	items[0].At, items[5].At = t0.Add(time.Hour), t0.Add(-time.Hour)
	remember(t, s, "lead", "l1", items...)
	hits := recall(t, s, "lead", "l1", "follow-up about the proposal", 10)
	kept := map[string]bool{}
	for _, h := range hits {
		kept[h.Text] = true
	}
	for _, i := range []int{0, 3, 4} { // At: +1h, +3m, +4m
		if !kept[items[i].Text] {
			t.Errorf("item %d (%q) dropped; kept %v", i, items[i].Text, kept)
		}
	}
	if len(hits) != limit {
		t.Errorf("%d items kept, want %d", len(hits), limit)
	}
}

func testBadInput(t *testing.T, open Open) {
	s := open(t, memory.Lexical(0))
	long := strings.Repeat("x", memory.MaxTextBytes+1)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"empty text", func() error { return s.Remember(ctx(t), memory.Item{Kind: "lead", ID: "l1", Source: "note"}) }},
		{"blank text", func() error { return s.Remember(ctx(t), memory.Item{Kind: "lead", ID: "l1", Text: " \n\t"}) }},
		{"long text", func() error { return s.Remember(ctx(t), memory.Item{Kind: "lead", ID: "l1", Text: long}) }},
		{"no kind", func() error { return s.Remember(ctx(t), memory.Item{ID: "l1", Text: "hello"}) }},
		{"no id", func() error { return s.Remember(ctx(t), memory.Item{Kind: "lead", Text: "hello"}) }},
		{"k 0", func() error { _, err := s.Recall(ctx(t), "lead", "l1", "hello", 0); return err }},
		{"k -1", func() error { _, err := s.Recall(ctx(t), "lead", "l1", "hello", -1); return err }},
		{"k over MaxK", func() error { _, err := s.Recall(ctx(t), "lead", "l1", "hello", memory.MaxK+1); return err }},
		{"empty query", func() error { _, err := s.Recall(ctx(t), "lead", "l1", "", 5); return err }},
		{"long query", func() error { _, err := s.Recall(ctx(t), "lead", "l1", long, 5); return err }},
		{"forget without id", func() error { return s.Forget(ctx(t), "lead", "") }},
	} {
		if err := tc.call(); !errors.Is(err, memory.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tc.name, err)
		}
	}
	// A text of exactly MaxTextBytes is kept.
	remember(t, s, "lead", "l1", memory.Item{Text: long[1:], Source: "note"})
	if hits := recall(t, s, "lead", "l1", "xxx", 5); len(hits) != 1 {
		t.Errorf("after the bad calls and one good: %d items, want 1", len(hits))
	}
}

func testEmptyEntity(t *testing.T, open Open) {
	s := open(t, memory.Lexical(0))
	if hits := recall(t, s, "lead", "nobody", "anything", 5); len(hits) != 0 {
		t.Errorf("entity without items: %+v, want none", hits)
	}
}
