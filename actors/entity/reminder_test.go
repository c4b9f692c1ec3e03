package entity

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/reminder"
)

func schedule(name string, due time.Time) *aidapb.Command {
	return &aidapb.Command{Actor: "test", Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{
		Name: name, DueAt: timestamppb.New(due), Reason: "follow up"}}}
}

// dueFor returns the stored reminder name of probe id, failing when there is not exactly one.
func dueFor(t *testing.T, id, name string) (persistence.Reminder, bool) {
	t.Helper()
	rs, err := env.store.DueReminders(t.Context(), time.Now().Add(365*24*time.Hour), 10000)
	if err != nil {
		t.Fatal(err)
	}
	var found []persistence.Reminder
	for _, r := range rs {
		if r.Kind == kindProbe && r.ID == id && r.Name == name {
			found = append(found, r)
		}
	}
	if len(found) > 1 {
		t.Fatalf("%d stored reminders %s for %s", len(found), name, id)
	}
	if len(found) == 0 {
		return persistence.Reminder{}, false
	}
	return found[0], true
}

func TestReminderLifecycle(t *testing.T) {
	ctx := deadline(t)
	id := create(t, "remind@example.com").GetId()
	due := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)

	r, err := env.gateway.Send(ctx, kindProbe, id, schedule("follow_up", due))
	if err != nil {
		t.Fatal(err)
	}
	refs := r.GetLead().GetReminders()
	stored, ok := dueFor(t, id, "follow_up")
	if len(refs) != 1 || !ok || refs[0].GetToken() != stored.Token || !stored.DueAt.Equal(due) {
		t.Fatalf("after schedule: state %v, store %+v (%v)", refs, stored, ok)
	}
	first := stored

	// Replacing gives a new token; the old delivery is stale and changes nothing.
	if _, err := env.gateway.Send(ctx, kindProbe, id, schedule("follow_up", due.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	second, _ := dueFor(t, id, "follow_up")
	if second.Token == first.Token {
		t.Fatal("replacing the reminder kept its token")
	}
	stale, err := env.gateway.Fire(ctx, first)
	if err != nil || !stale {
		t.Fatalf("firing the replaced reminder: stale %v, %v; want stale", stale, err)
	}
	if _, ok := dueFor(t, id, "follow_up"); !ok {
		t.Fatal("a stale delivery deleted the current reminder")
	}

	// The current delivery applies once: the reminder leaves state and store; again is stale.
	stale, err = env.gateway.Fire(ctx, second)
	if err != nil || stale {
		t.Fatalf("firing the current reminder: stale %v, %v", stale, err)
	}
	if _, ok := dueFor(t, id, "follow_up"); ok {
		t.Fatal("the fired reminder is still stored")
	}
	if stale, err := env.gateway.Fire(ctx, second); err != nil || !stale {
		t.Fatalf("firing twice: stale %v, %v; want stale", stale, err)
	}

	// Cancel removes a pending reminder; the timeline tells the whole story.
	if _, err := env.gateway.Send(ctx, kindProbe, id, schedule("check_in", due)); err != nil {
		t.Fatal(err)
	}
	cancel := &aidapb.Command{Body: &aidapb.Command_CancelReminder{CancelReminder: &aidapb.CancelReminder{Name: "check_in"}}}
	r, err = env.gateway.Send(ctx, kindProbe, id, cancel)
	if err != nil || len(r.GetLead().GetReminders()) != 0 {
		t.Fatalf("cancel: %v, reminders %v", err, r.GetLead().GetReminders())
	}
	if _, ok := dueFor(t, id, "check_in"); ok {
		t.Fatal("the cancelled reminder is still stored")
	}
	es, err := env.gateway.Timeline(ctx, kindProbe, id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range es {
		types = append(types, e.Type)
	}
	want := []string{"crm.probe.captured", "crm.probe.reminder_set", "crm.probe.reminder_set",
		"crm.probe.reminder_fired", "crm.probe.reminder_set", "crm.probe.reminder_cancelled"}
	if len(types) != len(want) {
		t.Fatalf("timeline %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("timeline %v, want %v", types, want)
		}
	}
}

func TestReminderValidation(t *testing.T) {
	ctx := deadline(t)
	l := create(t, "remind-bad@example.com")
	bad := &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{}}}
	if _, err := env.gateway.Send(ctx, kindProbe, l.GetId(), bad); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("reminder without name and due: %v; want Invalid", err)
	}
	if _, err := env.gateway.Send(ctx, kindProbe, NewID(), schedule("x", time.Now())); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("reminder on an unknown lead: %v; want NotFound", err)
	}
	if stale, err := env.gateway.Fire(ctx, persistence.Reminder{Kind: kindProbe, ID: NewID(), Name: "x", Token: "t"}); err != nil || !stale {
		t.Fatalf("firing for an unknown lead: stale %v, %v; want stale", stale, err)
	}
}

// TestSchedulerFiresOnce runs the real scheduler against the real store and actors: a reminder
// that fell due while no scheduler ran fires once it starts, takes effect once, and is gone.
func TestSchedulerFiresOnce(t *testing.T) {
	ctx := deadline(t)
	id := create(t, "overdue@example.com").GetId()
	if _, err := env.gateway.Send(ctx, kindProbe, id, schedule("overdue", time.Now().Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	var deliveries atomic.Int32
	s := reminder.New(env.store, func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		if r.ID != id {
			return reminder.Stale, nil // another test's reminder: not ours to judge
		}
		deliveries.Add(1)
		stale, err := env.gateway.Fire(ctx, r)
		if err != nil {
			return 0, err
		}
		if stale {
			return reminder.Stale, nil
		}
		return reminder.Done, nil
	}, reminder.WithPollInterval(20*time.Millisecond))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(runCtx) }()
	waitFor(t, func() bool {
		_, stored := dueFor(t, id, "overdue")
		return !stored
	})
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	es, err := env.gateway.Timeline(ctx, kindProbe, id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	fired := 0
	for _, e := range es {
		if e.Type == "crm.probe.reminder_fired" {
			fired++
		}
	}
	if fired != 1 || deliveries.Load() < 1 {
		t.Fatalf("%d reminder_fired events after %d deliveries; want exactly 1", fired, deliveries.Load())
	}
}
