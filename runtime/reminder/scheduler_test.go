package reminder_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/runtime/reminder"
	"github.com/aidacrm/aida/runtime/reminder/remindertest"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// env is one test's store, driven clock, metrics and running scheduler.
type env struct {
	store   *sqlite.Store
	clock   *remindertest.Clock
	reg     *prometheus.Registry
	fetches atomic.Int64 // DueReminders calls
	stop    func()
}

// countingStore counts the scheduler's reads of due reminders.
type countingStore struct {
	*sqlite.Store
	n *atomic.Int64
}

func (c countingStore) DueReminders(ctx context.Context, now time.Time, limit int) ([]persistence.Reminder, error) {
	c.n.Add(1)
	return c.Store.DueReminders(ctx, now, limit)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &env{store: s, clock: remindertest.NewClock(t0), reg: prometheus.NewRegistry()}
}

// start runs a scheduler delivering with deliver until the test ends or e.stop is called; the
// test fails if Run returns an error or does not return.
func (e *env) start(t *testing.T, deliver reminder.Deliver, opts ...reminder.Option) *reminder.Scheduler {
	t.Helper()
	opts = append([]reminder.Option{reminder.WithClock(e.clock), reminder.WithRegisterer(e.reg)}, opts...)
	s := reminder.New(countingStore{e.store, &e.fetches}, deliver, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() { ended <- s.Run(ctx) }()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-ended:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("run did not return after its context ended")
			}
		})
	}
	t.Cleanup(e.stop)
	return s
}

// change appends one event to lead id with the reminder changes cs, as its actor would.
func (e *env) change(ctx context.Context, id string, cs ...persistence.ReminderChange) error {
	var v int64
	switch r, err := e.store.Load(ctx, "lead", id); {
	case err == nil:
		v = r.Version
	case !errors.Is(err, persistence.ErrNotFound):
		return err
	}
	a := persistence.Append{
		ExpectedVersion: v,
		Events: []persistence.Entry{{Kind: "lead", ID: id, Version: v + 1, EventID: uuid.NewString(),
			Type: "crm.lead.reminded", Time: t0, Data: []byte(`{}`)}},
		Snapshot:  persistence.Record{Kind: "lead", ID: id, Version: v + 1, State: []byte(`{}`)},
		Reminders: cs,
	}
	return e.store.Append(ctx, []persistence.Append{a})[0]
}

// set schedules reminder name of lead id with token, due at due.
func (e *env) set(t *testing.T, id, name, token string, due time.Time) {
	t.Helper()
	err := e.change(t.Context(), id, persistence.ReminderChange{
		Set: persistence.Reminder{Name: name, Token: token, DueAt: due, Payload: []byte(`{"step":1}`)}})
	if err != nil {
		t.Fatalf("set %s/%s: %v", id, name, err)
	}
}

// done applies r as the entity's actor does: cancels it in an append, then answers Done.
func (e *env) done(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
	if err := e.change(ctx, r.ID, persistence.ReminderChange{Cancel: true, Set: persistence.Reminder{Name: r.Name, Token: r.Token}}); err != nil {
		return 0, err
	}
	return reminder.Done, nil
}

// stored returns every stored reminder, earliest first.
func (e *env) stored(t *testing.T) []persistence.Reminder {
	t.Helper()
	rs, err := e.store.DueReminders(t.Context(), t0.AddDate(10, 0, 0), 0)
	if err != nil {
		t.Fatalf("stored reminders: %v", err)
	}
	return rs
}

// eventually polls cond until it holds; every 20 polls it calls nudge when not nil (a driven
// clock's step, for a scheduler that read the time just before the test moved it).
func eventually(t *testing.T, what string, cond func() bool, nudge func()) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for i := 1; !cond(); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if nudge != nil && i%20 == 0 {
			nudge()
		}
		<-time.After(2 * time.Millisecond)
	}
}

// metric returns the value of a counter (by outcome label) or the sample count of a histogram.
func (e *env) metric(t *testing.T, name, outcome string) float64 {
	t.Helper()
	fams, err := e.reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("metric %s{%s} not found", name, outcome)
	return 0
}

// fired records deliveries: the reminder and the clock's time.
type fired struct {
	mu  sync.Mutex
	got []persistence.Reminder
	at  []time.Time
}

func (f *fired) add(r persistence.Reminder, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got, f.at = append(f.got, r), append(f.at, at)
}

func (f *fired) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got)
}

func (f *fired) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.got))
	for i, r := range f.got {
		out[i] = r.ID + "/" + r.Name
	}
	return out
}

func TestFiresInDueOrderOnDrivenClock(t *testing.T) {
	e := newEnv(t)
	dues := map[string]time.Duration{"a": time.Minute, "b": 2 * time.Minute, "c": 3 * time.Minute}
	for _, id := range []string{"c", "a", "b"} {
		e.set(t, id, "follow_up", "t-"+id, t0.Add(dues[id]))
	}
	var f fired
	e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		f.add(r, e.clock.Now())
		return e.done(ctx, r)
	})
	nudge := func() { e.clock.Advance(time.Second) }
	for i, id := range []string{"a", "b", "c"} {
		e.clock.Set(t0.Add(dues[id]))
		eventually(t, "delivery of "+id, func() bool { return f.len() == i+1 && len(e.stored(t)) == 2-i }, nudge)
	}
	e.stop()
	if got, want := f.names(), []string{"a/follow_up", "b/follow_up", "c/follow_up"}; !slices.Equal(got, want) {
		t.Fatalf("delivered %q, want %q", got, want)
	}
	for i, r := range f.got {
		if f.at[i].Before(r.DueAt) || f.at[i].After(r.DueAt.Add(30*time.Second)) {
			t.Errorf("%s due %v delivered at %v", r.ID, r.DueAt, f.at[i])
		}
		if r.Token != "t-"+r.ID || string(r.Payload) != `{"step":1}` || r.Attempts != 0 {
			t.Errorf("delivered %+v", r)
		}
	}
	if rs := e.stored(t); len(rs) != 0 {
		t.Fatalf("reminders left: %+v", rs)
	}
	if n := e.metric(t, "aida_reminders_fired_total", "done"); n != 3 {
		t.Fatalf("fired done %v, want 3", n)
	}
	if n := e.metric(t, "aida_reminder_lateness_seconds", ""); n != 3 {
		t.Fatalf("lateness samples %v, want 3", n)
	}
}

// TestDueWhileDown: reminders that fell due before Run started fire at once, without the clock
// moving; one due later does not.
func TestDueWhileDown(t *testing.T) {
	e := newEnv(t)
	e.set(t, "l1", "old", "t1", t0.Add(-time.Hour))
	e.set(t, "l2", "recent", "t2", t0.Add(-time.Minute))
	e.set(t, "l3", "future", "t3", t0.Add(time.Hour))
	var f fired
	e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		f.add(r, e.clock.Now())
		return e.done(ctx, r)
	}, reminder.WithConcurrency(1))
	eventually(t, "the overdue reminders", func() bool { return f.len() == 2 && len(e.stored(t)) == 1 }, nil)
	e.stop()
	if got, want := f.names(), []string{"l1/old", "l2/recent"}; !slices.Equal(got, want) {
		t.Fatalf("delivered %q, want %q", got, want)
	}
	if rs := e.stored(t); len(rs) != 1 || rs[0].Name != "future" {
		t.Fatalf("stored %+v, want the future reminder only", rs)
	}
}

// TestKickWakesScheduler: a reminder set while the scheduler sleeps (long poll, no reminder)
// fires after Kick, the clock never moving.
func TestKickWakesScheduler(t *testing.T) {
	e := newEnv(t)
	var f fired
	s := e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		f.add(r, e.clock.Now())
		return e.done(ctx, r)
	}, reminder.WithPollInterval(time.Hour))
	eventually(t, "the scheduler to sleep", func() bool { return e.fetches.Load() >= 1 && e.clock.Waiters() >= 1 }, nil)
	e.set(t, "l1", "now", "t1", t0)
	s.Kick()
	eventually(t, "the kicked delivery", func() bool { return f.len() == 1 }, nil)
}

func TestRetryWithBackoff(t *testing.T) {
	e := newEnv(t)
	e.set(t, "l1", "call", "t1", t0)
	var f fired
	e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		f.add(r, e.clock.Now())
		if r.Attempts < 2 {
			return 0, errors.New("actor unavailable")
		}
		return e.done(ctx, r)
	}, reminder.WithRand(func() float64 { return 0.5 }), reminder.WithBackoff(time.Second, 5*time.Minute))
	// Jitter 0.5: the n-th failure waits 0.75 · 2^(n-1) s.
	for n, delay := range []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond} {
		eventually(t, fmt.Sprintf("failure %d rescheduled", n+1), func() bool {
			rs := e.stored(t)
			return len(rs) == 1 && rs[0].Attempts == n+1
		}, nil)
		f.mu.Lock()
		failedAt := f.at[n]
		f.mu.Unlock()
		r := e.stored(t)[0]
		if want := failedAt.Add(delay); !r.DueAt.Equal(want) {
			t.Fatalf("after failure %d due %v, want %v", n+1, r.DueAt, want)
		}
		if f.len() != n+1 {
			t.Fatalf("%d deliveries before the backoff passed, want %d", f.len(), n+1)
		}
		e.clock.Set(r.DueAt)
	}
	eventually(t, "the third delivery", func() bool { return f.len() == 3 && len(e.stored(t)) == 0 },
		func() { e.clock.Advance(time.Second) })
	e.stop()
	for i, r := range f.got {
		if r.Attempts != i {
			t.Errorf("delivery %d saw attempts %d", i, r.Attempts)
		}
	}
	if n := e.metric(t, "aida_reminders_fired_total", "retry"); n != 2 {
		t.Errorf("fired retry %v, want 2", n)
	}
	if n := e.metric(t, "aida_reminders_fired_total", "done"); n != 1 {
		t.Errorf("fired done %v, want 1", n)
	}
}

func TestStaleIsDeleted(t *testing.T) {
	e := newEnv(t)
	e.set(t, "l1", "old", "t1", t0)
	var f fired
	e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		f.add(r, e.clock.Now())
		return reminder.Stale, nil
	})
	eventually(t, "the stale reminder deleted", func() bool { return len(e.stored(t)) == 0 }, nil)
	e.stop()
	if f.len() != 1 {
		t.Fatalf("%d deliveries, want 1", f.len())
	}
	if n := e.metric(t, "aida_reminders_fired_total", "stale"); n != 1 {
		t.Fatalf("fired stale %v, want 1", n)
	}
}

// TestReplacedDuringDelivery: the entity replaces the reminder (new token) while the old one is
// delivered; the old delivery's stale answer or failure leaves the new one alone.
func TestReplacedDuringDelivery(t *testing.T) {
	tests := []struct {
		name    string
		outcome reminder.Outcome
		err     error
		label   string
	}{
		{"stale", reminder.Stale, nil, "stale"},
		{"failed", 0, errors.New("boom"), "retry"},
		{"no outcome", 0, nil, "retry"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.set(t, "l1", "nudge", "old", t0)
			later := t0.Add(time.Hour)
			var f fired
			e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
				f.add(r, e.clock.Now())
				if err := e.change(ctx, "l1", persistence.ReminderChange{
					Set: persistence.Reminder{Name: "nudge", Token: "new", DueAt: later}}); err != nil {
					return 0, err
				}
				return tc.outcome, tc.err
			})
			eventually(t, "the old delivery's outcome", func() bool {
				return e.metric(t, "aida_reminders_fired_total", tc.label) == 1
			}, nil)
			e.stop()
			rs := e.stored(t)
			if len(rs) != 1 || rs[0].Token != "new" || !rs[0].DueAt.Equal(later) || rs[0].Attempts != 0 {
				t.Fatalf("stored %+v, want the new reminder untouched", rs)
			}
			if f.len() != 1 || f.got[0].Token != "old" {
				t.Fatalf("deliveries %+v, want the old one only", f.got)
			}
		})
	}
}

// TestConcurrencyBound: ten due reminders, three deliveries at most at once.
func TestConcurrencyBound(t *testing.T) {
	e := newEnv(t)
	for i := range 10 {
		e.set(t, fmt.Sprintf("l%d", i), "r", "t", t0.Add(-time.Duration(10-i)*time.Second))
	}
	var (
		active, peak atomic.Int64
		f            fired
		gate         = make(chan struct{})
	)
	e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		n := active.Add(1)
		defer active.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		select {
		case <-gate:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		f.add(r, e.clock.Now())
		return e.done(ctx, r)
	}, reminder.WithConcurrency(3))
	eventually(t, "three deliveries at once", func() bool { return active.Load() == 3 }, nil)
	close(gate)
	eventually(t, "all deliveries", func() bool { return f.len() == 10 && len(e.stored(t)) == 0 }, nil)
	e.stop()
	if p := peak.Load(); p != 3 {
		t.Fatalf("peak concurrency %d, want 3", p)
	}
}

// TestSameReminderNotTwiceAtOnce: while a delivery runs, rounds of the scheduler (kicked) see its
// reminder still due and do not deliver it again.
func TestSameReminderNotTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	e.set(t, "l1", "r", "t", t0)
	var (
		calls atomic.Int64
		gate  = make(chan struct{})
	)
	s := e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		calls.Add(1)
		select {
		case <-gate:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		return e.done(ctx, r)
	})
	eventually(t, "the delivery", func() bool { return calls.Load() == 1 }, nil)
	from := e.fetches.Load()
	eventually(t, "five more rounds", func() bool {
		s.Kick()
		return e.fetches.Load() >= from+5
	}, func() { e.clock.Advance(time.Second) })
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d deliveries of one reminder in flight, want 1", n)
	}
	close(gate)
	eventually(t, "the reminder done", func() bool { return len(e.stored(t)) == 0 }, nil)
	e.stop()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d deliveries, want 1", n)
	}
}

// TestRunStops: when its context ends, Run ends the deliveries under way, waits for them and
// returns; the interrupted reminders stay due, not rescheduled; a second Run at once fails.
func TestRunStops(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.set(t, fmt.Sprintf("l%d", i), "r", "t", t0)
	}
	var active atomic.Int64
	s := e.start(t, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		active.Add(1)
		defer active.Add(-1)
		<-ctx.Done()
		return 0, ctx.Err()
	})
	eventually(t, "five deliveries under way", func() bool { return active.Load() == 5 }, nil)
	if err := s.Run(t.Context()); !errors.Is(err, reminder.ErrRunning) {
		t.Fatalf("second run: %v, want ErrRunning", err)
	}
	e.stop()
	if n := active.Load(); n != 0 {
		t.Fatalf("%d deliveries still running after Run returned", n)
	}
	for _, r := range e.stored(t) {
		if r.Attempts != 0 || !r.DueAt.Equal(t0) {
			t.Fatalf("interrupted reminder rescheduled: %+v", r)
		}
	}
	if n := len(e.stored(t)); n != 5 {
		t.Fatalf("%d reminders stored, want 5", n)
	}
}
