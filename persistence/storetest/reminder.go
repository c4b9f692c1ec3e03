package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// set is the change setting reminder name of the appending entity, due at due.
func set(name, token string, due time.Time, payload string) persistence.ReminderChange {
	return persistence.ReminderChange{Set: persistence.Reminder{Name: name, Token: token, DueAt: due, Payload: []byte(payload)}}
}

// cancel is the change cancelling reminder name (only with that token when token is not empty).
func cancel(name, token string) persistence.ReminderChange {
	return persistence.ReminderChange{Cancel: true, Set: persistence.Reminder{Name: name, Token: token}}
}

// withReminders returns a with its reminder changes.
func withReminders(a persistence.Append, cs ...persistence.ReminderChange) persistence.Append {
	a.Reminders = cs
	return a
}

// allReminders returns every stored reminder, earliest first.
func (h *harness) allReminders(t *testing.T) []persistence.Reminder {
	t.Helper()
	rs, err := h.s.DueReminders(ctx(t), h.base.AddDate(100, 0, 0), 0)
	if err != nil {
		t.Fatalf("due reminders: %v", err)
	}
	return rs
}

// reminderKeys names reminders "kind/id/name@token".
func reminderKeys(rs []persistence.Reminder) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s/%s/%s@%s", r.Kind, r.ID, r.Name, r.Token)
	}
	return out
}

// wantReminders fails the test unless the stored reminders are want ("kind/id/name@token"),
// earliest first.
func (h *harness) wantReminders(t *testing.T, want ...string) {
	t.Helper()
	if got := reminderKeys(h.allReminders(t)); !slices.Equal(got, want) {
		t.Fatalf("reminders %q, want %q", got, want)
	}
}

func testReminderSet(t *testing.T, h *harness) {
	if _, err := h.s.NextReminder(ctx(t)); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("next reminder of none: %v, want ErrNotFound", err)
	}
	due := h.base.Add(time.Hour)
	h.mustAppend(t, withReminders(h.change("lead", "l1", 0, 1, persistence.Index{}),
		set("follow_up", "t1", due, `{"step":2}`), set("empty", "t2", due.Add(time.Hour), "")))
	rs := h.allReminders(t)
	if len(rs) != 2 {
		t.Fatalf("reminders %+v, want 2", rs)
	}
	r := rs[0]
	if r.Kind != "lead" || r.ID != "l1" || r.Name != "follow_up" || r.Token != "t1" || !r.DueAt.Equal(due) ||
		r.Attempts != 0 || !jsonEqual(t, r.Payload, []byte(`{"step":2}`)) {
		t.Fatalf("reminder %+v", r)
	}
	if !jsonEqual(t, rs[1].Payload, []byte(`{}`)) {
		t.Fatalf("empty payload stored as %q, want {}", rs[1].Payload)
	}
	if next, err := h.s.NextReminder(ctx(t)); err != nil || !next.Equal(due) {
		t.Fatalf("next reminder %v, %v; want %v", next, err, due)
	}
	for _, tc := range []struct {
		at   time.Time
		want int
	}{{due.Add(-time.Microsecond), 0}, {due, 1}, {due.Add(time.Hour), 2}} {
		got, err := h.s.DueReminders(ctx(t), tc.at, 0)
		if err != nil || len(got) != tc.want {
			t.Errorf("due at %v: %d reminders, %v; want %d", tc.at, len(got), err, tc.want)
		}
	}
}

func testReminderReplace(t *testing.T, h *harness) {
	h.mustAppend(t, withReminders(h.change("deal", "d1", 0, 1, persistence.Index{}),
		set("close", "a", h.base.Add(time.Hour), `{"v":1}`)))
	if err := h.s.RetryReminder(ctx(t), "deal", "d1", "close", "a", h.base.Add(90*time.Minute)); err != nil {
		t.Fatalf("retry: %v", err)
	}
	due := h.base.Add(2 * time.Hour)
	h.mustAppend(t, withReminders(h.change("deal", "d1", 1, 1, persistence.Index{}), set("close", "b", due, `{"v":2}`)))
	rs := h.allReminders(t)
	if len(rs) != 1 {
		t.Fatalf("reminders %+v, want the replaced one only", rs)
	}
	if r := rs[0]; r.Token != "b" || !r.DueAt.Equal(due) || r.Attempts != 0 || !jsonEqual(t, r.Payload, []byte(`{"v":2}`)) {
		t.Fatalf("replaced reminder %+v, want token b, due %v, attempts 0", r, due)
	}
}

func testReminderCancel(t *testing.T, h *harness) {
	due := h.base.Add(time.Hour)
	h.mustAppend(t, withReminders(h.change("lead", "l1", 0, 1, persistence.Index{}),
		set("a", "ta", due, ""), set("b", "tb", due.Add(time.Minute), ""), set("c", "tc", due.Add(2*time.Minute), "")))
	steps := []struct {
		change persistence.ReminderChange
		want   []string
	}{
		{cancel("a", "other"), []string{"lead/l1/a@ta", "lead/l1/b@tb", "lead/l1/c@tc"}}, // token differs: kept
		{cancel("a", "ta"), []string{"lead/l1/b@tb", "lead/l1/c@tc"}},
		{cancel("b", ""), []string{"lead/l1/c@tc"}}, // no token: unconditional
		{cancel("missing", ""), []string{"lead/l1/c@tc"}},
	}
	for i, st := range steps {
		h.mustAppend(t, withReminders(h.change("lead", "l1", int64(i+1), 1, persistence.Index{}), st.change))
		h.wantReminders(t, st.want...)
	}
}

func testReminderTokenConditional(t *testing.T, h *harness) {
	due := h.base.Add(time.Hour)
	h.mustAppend(t, withReminders(h.change("lead", "l1", 0, 1, persistence.Index{}), set("r", "t1", due, "")))
	later := due.Add(30 * time.Second)
	if err := h.s.RetryReminder(ctx(t), "lead", "l1", "r", "old", later); err != nil {
		t.Fatalf("retry other token: %v", err)
	}
	if rs := h.allReminders(t); rs[0].Attempts != 0 || !rs[0].DueAt.Equal(due) {
		t.Fatalf("retry with another token changed %+v", rs[0])
	}
	for n := 1; n <= 2; n++ {
		if err := h.s.RetryReminder(ctx(t), "lead", "l1", "r", "t1", later); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if rs := h.allReminders(t); rs[0].Attempts != n || !rs[0].DueAt.Equal(later) || rs[0].Token != "t1" {
			t.Fatalf("after retry %d: %+v, want attempts %d due %v", n, rs[0], n, later)
		}
	}
	if err := h.s.DeleteReminder(ctx(t), "lead", "l1", "r", "old"); err != nil {
		t.Fatalf("delete other token: %v", err)
	}
	h.wantReminders(t, "lead/l1/r@t1")
	if err := h.s.DeleteReminder(ctx(t), "lead", "l1", "r", "t1"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	h.wantReminders(t)
	if err := h.s.DeleteReminder(ctx(t), "lead", "l1", "r", "t1"); err != nil {
		t.Fatalf("delete missing: %v", err)
	}
	if _, err := h.s.NextReminder(ctx(t)); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("next reminder after delete: %v, want ErrNotFound", err)
	}
}

func testReminderDueOrder(t *testing.T, h *harness) {
	// Due times out of insertion order, across entities and kinds.
	offsets := map[string]time.Duration{"l1/a": 5, "l1/b": 1, "l2/a": 3, "l3/a": 2, "l2/b": 4}
	batch := []persistence.Append{
		withReminders(h.change("lead", "l1", 0, 1, persistence.Index{}),
			set("a", "t", h.base.Add(offsets["l1/a"]*time.Minute), ""), set("b", "t", h.base.Add(offsets["l1/b"]*time.Minute), "")),
		withReminders(h.change("lead", "l2", 0, 1, persistence.Index{}),
			set("a", "t", h.base.Add(offsets["l2/a"]*time.Minute), ""), set("b", "t", h.base.Add(offsets["l2/b"]*time.Minute), "")),
		withReminders(h.change("deal", "l3", 0, 1, persistence.Index{}), set("a", "t", h.base.Add(offsets["l3/a"]*time.Minute), "")),
	}
	for i, err := range h.s.Append(ctx(t), batch) {
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
	}
	tests := []struct {
		at    time.Duration
		limit int
		want  []string
	}{
		{10, 0, []string{"lead/l1/b@t", "deal/l3/a@t", "lead/l2/a@t", "lead/l2/b@t", "lead/l1/a@t"}},
		{10, 2, []string{"lead/l1/b@t", "deal/l3/a@t"}},
		{3, 0, []string{"lead/l1/b@t", "deal/l3/a@t", "lead/l2/a@t"}},
		{3, -1, []string{"lead/l1/b@t", "deal/l3/a@t", "lead/l2/a@t"}},
		{0, 0, []string{}},
	}
	for _, tc := range tests {
		got, err := h.s.DueReminders(ctx(t), h.base.Add(tc.at*time.Minute), tc.limit)
		if err != nil {
			t.Fatalf("due at +%dm: %v", tc.at, err)
		}
		if keys := reminderKeys(got); !slices.Equal(keys, tc.want) {
			t.Errorf("due at +%dm limit %d: %q, want %q", tc.at, tc.limit, keys, tc.want)
		}
	}
	if next, err := h.s.NextReminder(ctx(t)); err != nil || !next.Equal(h.base.Add(time.Minute)) {
		t.Fatalf("next reminder %v, %v", next, err)
	}
}

func testReminderDefaultLimit(t *testing.T, h *harness) {
	a := h.change("lead", "many", 0, 1, persistence.Index{})
	for i := range persistence.EntryLimit(0) + 1 {
		a.Reminders = append(a.Reminders, set(fmt.Sprintf("r%03d", i), "t", h.base.Add(time.Duration(i)*time.Second), ""))
	}
	h.mustAppend(t, a)
	got, err := h.s.DueReminders(ctx(t), h.base.Add(time.Hour), 0)
	if err != nil || len(got) != persistence.EntryLimit(0) {
		t.Fatalf("due with limit 0: %d reminders, %v; want %d", len(got), err, persistence.EntryLimit(0))
	}
	if got[0].Name != "r000" || got[len(got)-1].Name != "r499" {
		t.Fatalf("page from %s to %s, want r000 to r499", got[0].Name, got[len(got)-1].Name)
	}
}

// testReminderFailingItem: an item that fails (conflict, unique key, invalid) applies none of
// its reminder changes; the other items of its batch apply theirs.
func testReminderFailingItem(t *testing.T, h *harness) {
	due := h.base.Add(time.Hour)
	h.mustAppend(t, withReminders(h.change("lead", "taken", 0, 1, persistence.Index{UniqueKey: "k@example.com"}),
		set("keep", "t1", due, "")))
	h.mustAppend(t, withReminders(h.change("lead", "old", 0, 1, persistence.Index{}), set("keep", "t1", due, "")))
	invalid := []persistence.ReminderChange{
		{Set: persistence.Reminder{Token: "t", DueAt: due}},                                  // no name
		{Set: persistence.Reminder{Name: "x", DueAt: due}},                                   // set without token
		{Set: persistence.Reminder{Name: "x", Token: "t"}},                                   // set without due time
		{Set: persistence.Reminder{Name: "x", Token: "t", DueAt: due, Payload: []byte("{")}}, // not JSON
		{Set: persistence.Reminder{Kind: "deal", Name: "x", Token: "t", DueAt: due}},         // another entity
	}
	batch := []persistence.Append{
		withReminders(h.change("lead", "old", 0, 1, persistence.Index{}), cancel("keep", ""), set("new", "t", due, "")), // conflict
		withReminders(h.change("lead", "dup", 0, 1, persistence.Index{UniqueKey: "k@example.com"}), set("new", "t", due, "")),
		withReminders(h.change("lead", "taken", 1, 1, persistence.Index{UniqueKey: "k@example.com"}), set("ok", "t", due, "")),
	}
	for i, c := range invalid {
		batch = append(batch, withReminders(h.change("lead", fmt.Sprintf("bad%d", i), 0, 1, persistence.Index{}), set("fine", "t", due, ""), c))
	}
	errs := h.s.Append(ctx(t), batch)
	want := []error{persistence.ErrConflict, persistence.ErrDuplicate, nil}
	for range invalid {
		want = append(want, persistence.ErrInvalid)
	}
	for i, w := range want {
		if (w == nil && errs[i] != nil) || (w != nil && !errors.Is(errs[i], w)) {
			t.Errorf("item %d: got %v, want %v", i, errs[i], w)
		}
	}
	h.wantReminders(t, "lead/old/keep@t1", "lead/taken/keep@t1", "lead/taken/ok@t")
}

// testReminderSameBatch: changes to one reminder by several items of a batch apply in order.
func testReminderSameBatch(t *testing.T, h *harness) {
	due := h.base.Add(time.Hour)
	h.mustAppend(t, withReminders(h.change("lead", "l1", 0, 1, persistence.Index{}),
		set("stored", "s1", due, ""), set("stored2", "s2", due, "")))
	batch := []persistence.Append{
		withReminders(h.change("lead", "l1", 1, 1, persistence.Index{}),
			set("a", "a1", due, ""),    // set, then cancelled by its token below
			set("b", "b1", due, ""),    // set, then replaced below
			set("c", "c1", due, ""),    // set, then a cancel with another token leaves it
			cancel("stored", "s1"),     // cancelled, then set again below
			cancel("stored2", "nope")), // token differs: kept
		withReminders(h.change("lead", "l1", 2, 1, persistence.Index{}),
			cancel("a", "a1"),
			set("b", "b2", due.Add(time.Minute), ""),
			cancel("c", "other"),
			set("stored", "s3", due.Add(2*time.Minute), "")),
		withReminders(h.change("lead", "l1", 2, 1, persistence.Index{}), set("lost", "x", due, "")), // conflict
	}
	errs := h.s.Append(ctx(t), batch)
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], persistence.ErrConflict) {
		t.Fatalf("errors %v, want nil, nil, conflict", errs)
	}
	h.wantReminders(t, "lead/l1/c@c1", "lead/l1/stored2@s2", "lead/l1/b@b2", "lead/l1/stored@s3")
}

func testReminderTimesUTC(t *testing.T, h *harness) {
	zone := time.FixedZone("UTC+5", 5*3600)
	due := time.Date(2025, 3, 1, 14, 30, 0, 123456789, zone)
	h.mustAppend(t, withReminders(h.change("lead", "l1", 0, 1, persistence.Index{}), set("r", "t", due, "")))
	want := due.UTC().Truncate(time.Microsecond)
	rs, err := h.s.DueReminders(ctx(t), due, 0)
	if err != nil || len(rs) != 1 {
		t.Fatalf("due: %v, %v", rs, err)
	}
	if got := rs[0].DueAt; got.Location() != time.UTC || !got.Equal(want) {
		t.Fatalf("due at %v (%v), want %v in UTC", got, got.Location(), want)
	}
	next, err := h.s.NextReminder(ctx(t))
	if err != nil || next.Location() != time.UTC || !next.Equal(want) {
		t.Fatalf("next %v, %v; want %v in UTC", next, err, want)
	}
	retry := time.Date(2025, 3, 2, 1, 0, 0, 999, zone)
	if err := h.s.RetryReminder(ctx(t), "lead", "l1", "r", "t", retry); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if rs := h.allReminders(t); rs[0].DueAt.Location() != time.UTC || !rs[0].DueAt.Equal(retry.Truncate(time.Microsecond)) {
		t.Fatalf("retried due %v, want %v in UTC", rs[0].DueAt, retry.UTC().Truncate(time.Microsecond))
	}
}
