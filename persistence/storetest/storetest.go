// Package storetest is the contract test suite every persistence.Store backend must pass:
// call Run from the backend's tests with a function opening a fresh, empty store.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// Run runs the contract suite. open must return a fresh, empty store for each call; Run closes it.
func Run(t *testing.T, open func(t *testing.T) persistence.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"LoadMissing", testLoadMissing},
		{"CreateThenUpdate", testCreateThenUpdate},
		{"VersionConflict", testVersionConflict},
		{"ConcurrentCreators", testConcurrentCreators},
		{"ConcurrentBatches", testConcurrentBatches},
		{"UniqueKey", testUniqueKey},
		{"BatchWithConflictCommitsOthers", testBatchPartial},
		{"BatchSameEntityTwice", testBatchSameEntity},
		{"ChangeUniqueKeyToTaken", testChangeUniqueKey},
		{"InvalidAppend", testInvalidAppend},
		{"CanceledContext", testCanceledContext},
		{"ListFilters", testListFilters},
		{"ListVisibleTo", testListVisibleTo},
		{"ListPaging", testListPaging},
		{"ListBadCursor", testListBadCursor},
		{"ListSort", testListSort},
		{"Aggregate", testAggregate},
		{"Journal", testJournal},
		{"Outbox", testOutbox},
		{"TimesUTC", testTimesUTC},
		{"GroupConcurrency", testGroupConcurrency},
		{"ReminderSet", testReminderSet},
		{"ReminderReplace", testReminderReplace},
		{"ReminderCancel", testReminderCancel},
		{"ReminderTokenConditional", testReminderTokenConditional},
		{"ReminderDueOrder", testReminderDueOrder},
		{"ReminderDefaultLimit", testReminderDefaultLimit},
		{"ReminderFailingItem", testReminderFailingItem},
		{"ReminderSameBatch", testReminderSameBatch},
		{"ReminderTimesUTC", testReminderTimesUTC},
		{"KeyCreateLoad", testKeyCreateLoad},
		{"KeysOrder", testKeysOrder},
		{"KeyRevoke", testKeyRevoke},
		{"KeyTouch", testKeyTouch},
		{"IdempotencyLifecycle", testIdempotencyLifecycle},
		{"IdempotencyRelease", testIdempotencyRelease},
		{"IdempotencyStale", testIdempotencyStale},
		{"IdempotencyConcurrent", testIdempotencyConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			tt.run(t, &harness{s: s, base: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)})
		})
	}
}

// harness builds appends with unique event IDs and deterministic times.
type harness struct {
	s      persistence.Store
	base   time.Time
	events atomic.Int64
}

// change builds the append taking (kind, id) from version from to from+n.
func (h *harness) change(kind, id string, from int64, n int, ix persistence.Index) persistence.Append {
	a := persistence.Append{ExpectedVersion: from}
	for i := range n {
		v := from + int64(i) + 1
		a.Events = append(a.Events, persistence.Entry{
			Kind: kind, ID: id, Version: v,
			EventID: fmt.Sprintf("ev-%d", h.events.Add(1)),
			Type:    "crm." + kind + ".changed", Actor: "test",
			Time: h.base.Add(time.Duration(v) * time.Second),
			Data: []byte(fmt.Sprintf(`{"id":%q,"version":%d}`, id, v)),
		})
	}
	a.Snapshot = persistence.Record{
		Kind: kind, ID: id, Version: from + int64(n),
		State: []byte(fmt.Sprintf(`{"id":%q,"version":%d}`, id, from+int64(n))),
		Index: ix, CreatedAt: h.base, UpdatedAt: h.base.Add(time.Duration(from+int64(n)) * time.Second),
	}
	return a
}

// mustAppend appends one item and fails the test on error.
func (h *harness) mustAppend(t *testing.T, a persistence.Append) {
	t.Helper()
	if err := h.append1(t, a); err != nil {
		t.Fatalf("append %s/%s v%d: %v", a.Snapshot.Kind, a.Snapshot.ID, a.Snapshot.Version, err)
	}
}

// append1 appends one item and returns its error.
func (h *harness) append1(t *testing.T, a persistence.Append) error {
	t.Helper()
	errs := h.s.Append(ctx(t), []persistence.Append{a})
	if len(errs) != 1 {
		t.Fatalf("append returned %d errors for 1 item", len(errs))
	}
	return errs[0]
}

// load loads (kind, id) and fails the test on error.
func (h *harness) load(t *testing.T, kind, id string) persistence.Record {
	t.Helper()
	r, err := h.s.Load(ctx(t), kind, id)
	if err != nil {
		t.Fatalf("load %s/%s: %v", kind, id, err)
	}
	return r
}

// ctx is a test context with a deadline well inside the suite's budget.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// jsonEqual compares two JSON documents by value (backends may store JSON normalised).
func jsonEqual(t *testing.T, got, want []byte) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("stored JSON %q: %v", got, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want JSON %q: %v", want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	return bytes.Equal(gb, wb)
}

func testLoadMissing(t *testing.T, h *harness) {
	if _, err := h.s.Load(ctx(t), "lead", "nope"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("load missing: got %v, want ErrNotFound", err)
	}
	if _, err := h.s.FindUnique(ctx(t), "lead", "nobody@example.com"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("find unique missing: got %v, want ErrNotFound", err)
	}
	if err := h.s.Ping(ctx(t)); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

func testCreateThenUpdate(t *testing.T, h *harness) {
	ix := persistence.Index{Status: "new", Source: "web", Owner: "ann", UniqueKey: "a@example.com", Score: 42, Amount: "1234.50", Level: 3}
	create := h.change("lead", "l1", 0, 2, ix)
	h.mustAppend(t, create)
	got := h.load(t, "lead", "l1")
	if got.Version != 2 || got.Index != ix || !jsonEqual(t, got.State, create.Snapshot.State) {
		t.Fatalf("after create: got %+v, want version 2, index %+v", got, ix)
	}
	if !got.CreatedAt.Equal(h.base) {
		t.Fatalf("created at %v, want %v", got.CreatedAt, h.base)
	}

	ix2 := persistence.Index{Status: "qualified", Score: -1, Level: 5}
	update := h.change("lead", "l1", 2, 1, ix2)
	update.Snapshot.CreatedAt = h.base.Add(time.Hour) // ignored: created_at stays
	h.mustAppend(t, update)
	got = h.load(t, "lead", "l1")
	if got.Version != 3 || got.Index != ix2 || !jsonEqual(t, got.State, update.Snapshot.State) {
		t.Fatalf("after update: got %+v, want version 3, index %+v", got, ix2)
	}
	if !got.CreatedAt.Equal(h.base) || !got.UpdatedAt.Equal(update.Snapshot.UpdatedAt) {
		t.Fatalf("times after update: created %v updated %v", got.CreatedAt, got.UpdatedAt)
	}
	// The old unique key is free again.
	if _, err := h.s.FindUnique(ctx(t), "lead", "a@example.com"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("released key: got %v, want ErrNotFound", err)
	}
}

func testVersionConflict(t *testing.T, h *harness) {
	h.mustAppend(t, h.change("deal", "d1", 0, 1, persistence.Index{}))
	for _, tc := range []struct {
		name     string
		expected int64
	}{{"create again", 0}, {"ahead", 5}} {
		if err := h.append1(t, h.change("deal", "d1", tc.expected, 1, persistence.Index{})); !errors.Is(err, persistence.ErrConflict) {
			t.Errorf("%s: got %v, want ErrConflict", tc.name, err)
		}
	}
	if err := h.append1(t, h.change("deal", "d2", 3, 1, persistence.Index{})); !errors.Is(err, persistence.ErrConflict) {
		t.Errorf("update of missing entity: got %v, want ErrConflict", err)
	}
	if got := h.load(t, "deal", "d1"); got.Version != 1 {
		t.Fatalf("version after conflicts: %d, want 1", got.Version)
	}
	if entries, err := h.s.Journal(ctx(t), "deal", "d1", 0, 0); err != nil || len(entries) != 1 {
		t.Fatalf("journal after conflicts: %d entries, %v; want 1", len(entries), err)
	}
}

func testConcurrentCreators(t *testing.T, h *harness) {
	const creators = 8
	errs := make([]error, creators)
	var wg sync.WaitGroup
	for i := range creators {
		a := h.change("account", "acme", 0, 1, persistence.Index{Owner: fmt.Sprint(i)})
		wg.Go(func() { errs[i] = h.append1(t, a) })
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, persistence.ErrConflict):
			t.Errorf("creator %d: got %v, want nil or ErrConflict", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d creators won, want exactly 1", wins)
	}
	if got := h.load(t, "account", "acme"); got.Version != 1 {
		t.Fatalf("version %d, want 1", got.Version)
	}
}

func testUniqueKey(t *testing.T, h *harness) {
	h.mustAppend(t, h.change("lead", "l1", 0, 1, persistence.Index{UniqueKey: "same@example.com"}))
	err := h.append1(t, h.change("lead", "l2", 0, 1, persistence.Index{UniqueKey: "same@example.com"}))
	var ue *persistence.UniqueError
	if !errors.As(err, &ue) || !errors.Is(err, persistence.ErrDuplicate) {
		t.Fatalf("second holder: got %v, want *UniqueError", err)
	}
	if ue.Kind != "lead" || ue.Key != "same@example.com" || ue.ExistingID != "l1" {
		t.Fatalf("unique error %+v, want lead same@example.com held by l1", *ue)
	}
	if _, err := h.s.Load(ctx(t), "lead", "l2"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("rejected entity stored: %v", err)
	}
	// Keys are unique per kind only.
	h.mustAppend(t, h.change("account", "a1", 0, 1, persistence.Index{UniqueKey: "same@example.com"}))
	if id, err := h.s.FindUnique(ctx(t), "lead", "same@example.com"); err != nil || id != "l1" {
		t.Fatalf("find unique: %q, %v; want l1", id, err)
	}
	// The holder keeps its own key across updates.
	h.mustAppend(t, h.change("lead", "l1", 1, 1, persistence.Index{UniqueKey: "same@example.com"}))
}

func testBatchPartial(t *testing.T, h *harness) {
	h.mustAppend(t, h.change("lead", "taken", 0, 1, persistence.Index{UniqueKey: "k@example.com"}))
	h.mustAppend(t, h.change("lead", "old", 0, 1, persistence.Index{}))
	batch := []persistence.Append{
		h.change("lead", "n1", 0, 1, persistence.Index{}),
		h.change("lead", "old", 0, 1, persistence.Index{}), // conflict: exists
		h.change("lead", "n2", 0, 2, persistence.Index{}),
		h.change("lead", "dup", 0, 1, persistence.Index{UniqueKey: "k@example.com"}), // unique
		h.change("lead", "old", 1, 1, persistence.Index{Status: "updated"}),
	}
	errs := h.s.Append(ctx(t), batch)
	if len(errs) != len(batch) {
		t.Fatalf("%d results for %d items", len(errs), len(batch))
	}
	want := []error{nil, persistence.ErrConflict, nil, persistence.ErrDuplicate, nil}
	for i, w := range want {
		if (w == nil && errs[i] != nil) || (w != nil && !errors.Is(errs[i], w)) {
			t.Errorf("item %d: got %v, want %v", i, errs[i], w)
		}
	}
	for id, version := range map[string]int64{"n1": 1, "n2": 2, "old": 2} {
		if got := h.load(t, "lead", id); got.Version != version {
			t.Errorf("%s: version %d, want %d", id, got.Version, version)
		}
	}
	if _, err := h.s.Load(ctx(t), "lead", "dup"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("dup stored: %v", err)
	}
}

func testBatchSameEntity(t *testing.T, h *harness) {
	batch := []persistence.Append{
		h.change("deal", "d1", 0, 1, persistence.Index{UniqueKey: "k1"}),
		h.change("deal", "d1", 1, 1, persistence.Index{UniqueKey: "k2"}), // moves d1 off k1
		h.change("deal", "d2", 0, 1, persistence.Index{UniqueKey: "k1"}), // k1 is free again
		h.change("deal", "d1", 1, 1, persistence.Index{}),                // stale: conflict
		h.change("deal", "d3", 0, 1, persistence.Index{UniqueKey: "k2"}), // k2 held by d1
	}
	errs := h.s.Append(ctx(t), batch)
	want := []error{nil, nil, nil, persistence.ErrConflict, persistence.ErrDuplicate}
	for i, w := range want {
		if (w == nil && errs[i] != nil) || (w != nil && !errors.Is(errs[i], w)) {
			t.Errorf("item %d: got %v, want %v", i, errs[i], w)
		}
	}
	var ue *persistence.UniqueError
	if errors.As(errs[4], &ue) && ue.ExistingID != "d1" {
		t.Errorf("k2 holder %q, want d1", ue.ExistingID)
	}
	if got := h.load(t, "deal", "d1"); got.Version != 2 || got.Index.UniqueKey != "k2" {
		t.Errorf("d1: version %d key %q, want 2 k2", got.Version, got.Index.UniqueKey)
	}
	if id, err := h.s.FindUnique(ctx(t), "deal", "k1"); err != nil || id != "d2" {
		t.Errorf("k1 holder %q, %v; want d2", id, err)
	}
}

func testChangeUniqueKey(t *testing.T, h *harness) {
	h.mustAppend(t, h.change("account", "a1", 0, 1, persistence.Index{UniqueKey: "Acme"}))
	h.mustAppend(t, h.change("account", "a2", 0, 1, persistence.Index{UniqueKey: "Globex"}))
	err := h.append1(t, h.change("account", "a2", 1, 1, persistence.Index{UniqueKey: "Acme"}))
	var ue *persistence.UniqueError
	if !errors.As(err, &ue) || ue.ExistingID != "a1" {
		t.Fatalf("take a held key: got %v, want UniqueError held by a1", err)
	}
	if got := h.load(t, "account", "a2"); got.Version != 1 || got.Index.UniqueKey != "Globex" {
		t.Fatalf("a2 changed: %+v", got)
	}
}

func testInvalidAppend(t *testing.T, h *harness) {
	gap := h.change("lead", "l1", 0, 2, persistence.Index{})
	gap.Events[1].Version = 3
	gap.Snapshot.Version = 3
	noEvents := h.change("lead", "l2", 0, 1, persistence.Index{})
	noEvents.Events = nil
	badSnapshot := h.change("lead", "l3", 0, 1, persistence.Index{})
	badSnapshot.Snapshot.Version = 4
	good := h.change("lead", "l4", 0, 1, persistence.Index{})
	errs := h.s.Append(ctx(t), []persistence.Append{gap, noEvents, badSnapshot, good})
	for i, err := range errs[:3] {
		if !errors.Is(err, persistence.ErrInvalid) {
			t.Errorf("invalid item %d: got %v, want ErrInvalid", i, err)
		}
	}
	if errs[3] != nil {
		t.Errorf("valid item: %v", errs[3])
	}
	if _, err := h.s.Load(ctx(t), "lead", "l1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("invalid item stored: %v", err)
	}
}

func testCanceledContext(t *testing.T, h *harness) {
	c, cancel := context.WithCancel(t.Context())
	cancel()
	errs := h.s.Append(c, []persistence.Append{h.change("lead", "l1", 0, 1, persistence.Index{})})
	if !errors.Is(errs[0], persistence.ErrUnavailable) {
		t.Fatalf("canceled append: got %v, want ErrUnavailable", errs[0])
	}
	if _, err := h.s.Load(ctx(t), "lead", "l1"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("canceled append stored: %v", err)
	}
}

func testConcurrentBatches(t *testing.T, h *harness) {
	const writers = 4
	results := make([][]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		batch := []persistence.Append{
			h.change("lead", fmt.Sprintf("own%d", i), 0, 1, persistence.Index{UniqueKey: fmt.Sprintf("own%d@example.com", i)}),
			h.change("lead", "shared", 0, 1, persistence.Index{}),
			h.change("lead", fmt.Sprintf("dup%d", i), 0, 1, persistence.Index{UniqueKey: "hot@example.com"}),
		}
		wg.Go(func() { results[i] = h.s.Append(ctx(t), batch) })
	}
	wg.Wait()
	sharedWins, hotWinner := 0, ""
	for i, errs := range results {
		if errs[0] != nil {
			t.Errorf("writer %d: own entity: %v", i, errs[0])
		}
		switch err := errs[1]; {
		case err == nil:
			sharedWins++
		case !errors.Is(err, persistence.ErrConflict):
			t.Errorf("writer %d: shared: %v, want nil or ErrConflict", i, err)
		}
		switch err := errs[2]; {
		case err == nil:
			if hotWinner != "" {
				t.Errorf("hot key taken by %s and dup%d", hotWinner, i)
			}
			hotWinner = fmt.Sprintf("dup%d", i)
		case !errors.Is(err, persistence.ErrDuplicate):
			t.Errorf("writer %d: hot key: %v, want nil or UniqueError", i, err)
		}
	}
	if sharedWins != 1 || hotWinner == "" {
		t.Fatalf("shared created %d times, hot key winner %q; want 1 and one winner", sharedWins, hotWinner)
	}
	for i, errs := range results {
		var ue *persistence.UniqueError
		if errors.As(errs[2], &ue) && ue.ExistingID != hotWinner {
			t.Errorf("writer %d: hot key holder %q, want %q", i, ue.ExistingID, hotWinner)
		}
	}
	if id, err := h.s.FindUnique(ctx(t), "lead", "hot@example.com"); err != nil || id != hotWinner {
		t.Fatalf("hot key holder %q, %v; want %s", id, err, hotWinner)
	}
}
