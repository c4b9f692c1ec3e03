package entity

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
)

func capture(email string) *aidapb.Command {
	return &aidapb.Command{Actor: "test", Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: email, Owner: "user:ann", AutonomyLevel: 3}}}
}

func note(text string) *aidapb.Command {
	return &aidapb.Command{Actor: "test", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: text}}}
}

func get() *aidapb.Command {
	return &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}
}

// create makes a probe with email under a fresh ID.
func create(t *testing.T, email string) *aidapb.Lead {
	t.Helper()
	c := capture(email)
	c.Fresh = true
	r, err := env.gateway.Send(deadline(t), kindProbe, NewID(), c)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	if !r.GetCreated() || r.GetLead().GetVersion() != 1 {
		t.Fatalf("create %s = %v", email, r)
	}
	return r.GetLead()
}

func TestCreateIsDurableAndUnique(t *testing.T) {
	ctx := deadline(t)
	p := create(t, "ada@example.com")
	rec, err := env.store.Load(ctx, kindProbe, p.GetId())
	if err != nil || rec.Version != 1 || rec.Index.UniqueKey != "ada@example.com" || rec.Index.Level != 3 {
		t.Fatalf("store has %+v, %v; want version 1 indexed by its email before the reply", rec, err)
	}
	again := capture("ada@example.com")
	again.Fresh = true
	if _, err := env.gateway.Send(ctx, kindProbe, NewID(), again); fault.CodeOf(err) != fault.Duplicate {
		t.Fatalf("a second probe with the same key: %v; want Duplicate", err)
	}
	if id, err := env.gateway.FindUnique(ctx, kindProbe, "ada@example.com"); err != nil || id != p.GetId() {
		t.Fatalf("FindUnique = %q, %v; want %s", id, err, p.GetId())
	}
	if _, err := env.gateway.FindUnique(ctx, kindProbe, "nobody@example.com"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("FindUnique of an unknown key: %v; want NotFound", err)
	}
	r, err := env.gateway.Get(ctx, kindProbe, p.GetId())
	if err != nil || r.GetLead().GetEmail() != "ada@example.com" || r.GetCreated() {
		t.Fatalf("Get = %v, %v", r, err)
	}
}

// TestSharedCommands: the shell decides and applies the commands every kind takes, over the
// kind's Traits; the kind's Decide never sees them.
func TestSharedCommands(t *testing.T) {
	ctx := deadline(t)
	p := create(t, "shared@example.com")
	r, err := env.gateway.Send(ctx, kindProbe, p.GetId(), note("called"))
	if err != nil || len(r.GetLead().GetNotes()) != 1 || r.GetLead().GetVersion() != 2 {
		t.Fatalf("note: %v, %v", r.GetLead(), err)
	}
	autonomy := &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 5}}}
	if r, err = env.gateway.Send(ctx, kindProbe, p.GetId(), autonomy); err != nil || r.GetLead().GetAutonomyLevel() != 5 {
		t.Fatalf("autonomy: %v, %v", r.GetLead(), err)
	}
	task := &aidapb.Command{Actor: "user:bo", Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{Title: "Call Ada"}}}
	if r, err = env.gateway.Send(ctx, kindProbe, p.GetId(), task); err != nil || r.GetLead().GetWork().GetTasks()[0].GetAssignee() != "user:ann" {
		t.Fatalf("task: %v, %v", r.GetLead(), err)
	}
	rec, err := env.store.Load(ctx, kindProbe, p.GetId())
	if err != nil || rec.Version != 4 || rec.Index.Level != 5 {
		t.Fatalf("store has %+v, %v", rec, err)
	}
	es, err := env.gateway.Timeline(ctx, kindProbe, p.GetId(), 0, 10)
	if err != nil || len(es) != 4 || es[1].Type != "crm.probe.note_added" || es[2].Type != "crm.autonomy.level_changed" ||
		es[3].Type != "crm.probe.task_added" {
		t.Fatalf("timeline %+v, %v", es, err)
	}
	for _, cmd := range []*aidapb.Command{note("x"), autonomy, task, get()} {
		if _, err := env.gateway.Send(ctx, kindProbe, NewID(), cmd); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("%v on an unknown probe: %v; want NotFound", cmd.GetBody(), err)
		}
	}
}

// TestSendLeavesCommand: the caller's command is never written to.
func TestSendLeavesCommand(t *testing.T) {
	ctx := deadline(t)
	p := create(t, "untouched@example.com")
	cmd := note("hello")
	want := proto.Clone(cmd)
	if _, err := env.gateway.Send(ctx, kindProbe, p.GetId(), cmd); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(cmd, want) {
		t.Fatalf("Send changed the command: %v, was %v", cmd, want)
	}
	late := note("late")
	late.Deadline = timestamppb.New(time.Now().Add(-time.Second))
	if _, err := env.gateway.Send(context.Background(), kindProbe, p.GetId(), late); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a command past its own deadline: %v; want Unavailable", err)
	}
}

func TestNotFound(t *testing.T) {
	ctx := deadline(t)
	_, err := env.gateway.Send(ctx, kindProbe, NewID(), get())
	if fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("get unknown lead: %v; want NotFound", err)
	}
	_, err = env.gateway.Timeline(ctx, kindProbe, NewID(), 0, 10)
	if fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("timeline of unknown lead: %v; want NotFound", err)
	}
}

func TestPassivationKeepsState(t *testing.T) {
	ctx := deadline(t)
	l := create(t, "sleepy@example.com")
	if _, err := env.gateway.Send(ctx, kindProbe, l.GetId(), note("remember me")); err != nil {
		t.Fatal(err)
	}
	// PassivateAfter is 1 s in this package: wait until an actor has passivated.
	waitFor(t, func() bool { return counter(t, "aida_actor_passivations_total") > 0 })
	r, err := env.gateway.Send(ctx, kindProbe, l.GetId(), get())
	if err != nil {
		t.Fatal(err)
	}
	if notes := r.GetLead().GetNotes(); len(notes) != 1 || notes[0].GetText() != "remember me" {
		t.Fatalf("after passivation the lead has notes %v", notes)
	}
}

// TestPanicReloadsFromStore: a panic while handling a command is answered with an internal
// error (a 500), counted, and the state is unloaded: the next command reloads it from the store
// and sees only what was durable.
func TestPanicReloadsFromStore(t *testing.T) {
	ctx := deadline(t)
	id := create(t, "probe@example.com").GetId()
	if _, err := env.gateway.Send(ctx, kindProbe, id, note("before")); err != nil {
		t.Fatal(err)
	}
	panics := counter(t, "aida_actor_panics_total")
	var loads atomic.Int32
	env.hooks.setLoad(func() { loads.Add(1) })
	defer env.hooks.setLoad(nil)

	_, err := env.gateway.Send(ctx, kindProbe, id, note("panic"))
	if fault.CodeOf(err) != fault.Internal { // every transport answers Internal with a 500
		t.Fatalf("panicking command answered %v; want Internal", err)
	}
	if got := counter(t, "aida_actor_panics_total"); got != panics+1 {
		t.Fatalf("aida_actor_panics_total = %v after a panic; want %v", got, panics+1)
	}
	if n := loads.Load(); n != 0 {
		t.Fatalf("%d loads before the next command", n)
	}
	r, err := env.gateway.Send(ctx, kindProbe, id, note("after"))
	if err != nil {
		t.Fatalf("command after the panic: %v", err)
	}
	if n := loads.Load(); n != 1 {
		t.Fatalf("the command after the panic loaded the store %d times; want 1", n)
	}
	if v, notes := r.GetLead().GetVersion(), r.GetLead().GetNotes(); v != 3 || len(notes) != 2 || notes[1].GetText() != "after" {
		t.Fatalf("after the panic: version %d, notes %v; want 3 (created, before, after)", v, notes)
	}
}

func TestFailedAppendIsNotAcknowledgedAndReloads(t *testing.T) {
	ctx := deadline(t)
	id := create(t, "flaky@example.com").GetId()
	env.hooks.set(func(context.Context, persistence.Append) error { return persistence.ErrUnavailable })
	_, err := env.gateway.Send(ctx, kindProbe, id, note("lost"))
	env.hooks.set(nil)
	if fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("append failure answered %v; want Unavailable", err)
	}
	r, err := env.gateway.Send(ctx, kindProbe, id, get())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.GetLead().GetNotes()) != 0 || r.GetLead().GetVersion() != 1 {
		t.Fatalf("unacknowledged note is visible: %v", r.GetLead())
	}
}

func TestConflictReloads(t *testing.T) {
	ctx := deadline(t)
	id := create(t, "conflict@example.com").GetId()
	env.hooks.set(func(context.Context, persistence.Append) error { return persistence.ErrConflict })
	_, err := env.gateway.Send(ctx, kindProbe, id, note("x"))
	env.hooks.set(nil)
	if fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("conflict answered %v; want Conflict", err)
	}
	if _, err := env.gateway.Send(ctx, kindProbe, id, note("y")); err != nil {
		t.Fatalf("after a conflict: %v", err)
	}
}

func TestOverloadedActorShedsLoad(t *testing.T) {
	ctx := deadline(t)
	id := create(t, "busy@example.com").GetId()
	release := make(chan struct{})
	env.hooks.set(func(ctx context.Context, a persistence.Append) error {
		select {
		case <-release:
			return env.group.Append(ctx, a)
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	defer env.hooks.set(nil)
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			_, errs[i] = env.gateway.Send(cctx, kindProbe, id, note("queued"))
		})
	}
	wg.Wait()
	close(release)
	for i, err := range errs {
		if fault.CodeOf(err) != fault.Unavailable {
			t.Fatalf("request %d answered %v; want Unavailable", i, err)
		}
	}
	env.hooks.set(nil)
	r, err := env.gateway.Send(ctx, kindProbe, id, get())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.GetLead().GetNotes()) != 0 {
		t.Fatalf("shed commands were applied: %d notes", len(r.GetLead().GetNotes()))
	}
}

// counter sums the counter name over its labels.
func counter(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := env.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(end) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
