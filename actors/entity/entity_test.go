package entity

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
)

func capture(email string) *aidapb.Command {
	return &aidapb.Command{Actor: "test", Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: email, FirstName: "Ada", Company: "Analytical Engines Ltd", Source: "demo_request"}}}
}

func note(text string) *aidapb.Command {
	return &aidapb.Command{Actor: "test", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: text}}}
}

func get() *aidapb.Command {
	return &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}
}

func TestCaptureGetAndDuplicate(t *testing.T) {
	ctx := deadline(t)
	l, dup, err := env.gateway.Capture(ctx, capture("Ada@Example.com"))
	if err != nil || dup {
		t.Fatalf("Capture() = dup %v, err %v; want a new lead", dup, err)
	}
	if l.GetEmail() != "ada@example.com" || l.GetStatus() != "new" || l.GetVersion() != 2 || l.GetAutonomyLevel() != 2 {
		t.Fatalf("captured lead = %v", l)
	}
	rec, err := env.store.Load(ctx, KindLead, l.GetId())
	if err != nil || rec.Version != 2 {
		t.Fatalf("store has %+v, %v; want version 2 (captured, qualified) before the reply", rec, err)
	}
	again, dup, err := env.gateway.Capture(ctx, capture("  ADA@example.COM "))
	if err != nil || !dup || again.GetId() != l.GetId() {
		t.Fatalf("second Capture() = %v dup %v err %v; want the same lead, duplicate", again.GetId(), dup, err)
	}
	r, err := env.gateway.Send(ctx, KindLead, l.GetId(), get())
	if err != nil || r.GetLead().GetEmail() != "ada@example.com" {
		t.Fatalf("Get = %v, %v", r, err)
	}
}

func TestConcurrentCapturesMakeOneLead(t *testing.T) {
	ctx := deadline(t)
	const n = 50
	ids := make([]string, n)
	dups := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			l, dup, err := env.gateway.Capture(ctx, capture("race@example.com"))
			ids[i], dups[i], errs[i] = l.GetId(), dup, err
		})
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("capture %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("capture %d got lead %s, capture 0 got %s", i, ids[i], ids[0])
		}
		if !dups[i] {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d captures created the lead; want exactly 1", created)
	}
	page, err := env.store.List(ctx, persistence.Query{Kind: KindLead, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, r := range page.Records {
		if r.Index.UniqueKey == "race@example.com" {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("store holds %d leads with the email; want 1", count)
	}
}

func TestNotFound(t *testing.T) {
	ctx := deadline(t)
	_, err := env.gateway.Send(ctx, KindLead, NewID(), get())
	if fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("get unknown lead: %v; want NotFound", err)
	}
	_, err = env.gateway.Timeline(ctx, KindLead, NewID(), 0, 10)
	if fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("timeline of unknown lead: %v; want NotFound", err)
	}
}

func TestPassivationKeepsState(t *testing.T) {
	ctx := deadline(t)
	l, _, err := env.gateway.Capture(ctx, capture("sleepy@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.gateway.Send(ctx, KindLead, l.GetId(), note("remember me")); err != nil {
		t.Fatal(err)
	}
	// PassivateAfter is 1 s in this package: wait until a lead actor has passivated.
	waitFor(t, func() bool { return passivations(t) > 0 })
	r, err := env.gateway.Send(ctx, KindLead, l.GetId(), get())
	if err != nil {
		t.Fatal(err)
	}
	if notes := r.GetLead().GetNotes(); len(notes) != 1 || notes[0].GetText() != "remember me" {
		t.Fatalf("after passivation the lead has notes %v", notes)
	}
}

// panics returns aida_actor_panics_total of kind in env's registry.
func panics(t *testing.T, kind string) float64 {
	t.Helper()
	mfs, err := env.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "aida_actor_panics_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == kind {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// TestPanicReloadsFromStore: a command whose handling panics is answered Internal and counted;
// the actor keeps running, and the next command sees the state reloaded from the store.
func TestPanicReloadsFromStore(t *testing.T) {
	ctx := deadline(t)
	before := panics(t, kindProbe)
	id := NewID()
	c := capture("probe@example.com")
	c.GetCaptureLead().AutonomyLevel = 3
	c.Fresh = true
	if _, err := env.gateway.Send(ctx, kindProbe, id, c); err != nil {
		t.Fatal(err)
	}
	_, err := env.gateway.Send(ctx, kindProbe, id, note("panic"))
	if fault.CodeOf(err) != fault.Internal {
		t.Fatalf("panicking command answered %v; want Internal", err)
	}
	if got := panics(t, kindProbe) - before; got != 1 {
		t.Fatalf("aida_actor_panics_total{kind=%q} rose by %v; want 1", kindProbe, got)
	}
	r, err := env.gateway.Send(ctx, kindProbe, id, note("after"))
	if err != nil {
		t.Fatalf("command after the panic: %v", err)
	}
	if v := r.GetLead().GetVersion(); v != 3 {
		t.Fatalf("version after restart = %d; want 3 (captured, qualified, note)", v)
	}
}

func TestFailedAppendIsNotAcknowledgedAndReloads(t *testing.T) {
	ctx := deadline(t)
	id := NewID()
	c := capture("flaky@example.com")
	c.GetCaptureLead().AutonomyLevel = 3
	c.Fresh = true
	if _, err := env.gateway.Send(ctx, kindProbe, id, c); err != nil {
		t.Fatal(err)
	}
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
	if len(r.GetLead().GetNotes()) != 0 || r.GetLead().GetVersion() != 2 {
		t.Fatalf("unacknowledged note is visible: %v", r.GetLead())
	}
}

func TestConflictReloads(t *testing.T) {
	ctx := deadline(t)
	id := NewID()
	c := capture("conflict@example.com")
	c.GetCaptureLead().AutonomyLevel = 3
	c.Fresh = true
	if _, err := env.gateway.Send(ctx, kindProbe, id, c); err != nil {
		t.Fatal(err)
	}
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
	id := NewID()
	c := capture("busy@example.com")
	c.GetCaptureLead().AutonomyLevel = 3
	c.Fresh = true
	if _, err := env.gateway.Send(ctx, kindProbe, id, c); err != nil {
		t.Fatal(err)
	}
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

func TestConvertAndAccountFromWonDeal(t *testing.T) {
	ctx := deadline(t)
	l, _, err := env.gateway.Capture(ctx, capture("buyer@bigco.example"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.gateway.Convert(ctx, l.GetId(), &aidapb.Command{}); fault.CodeOf(err) != fault.Transition {
		t.Fatalf("converting a new lead: %v; want Transition", err)
	}
	status := func(s string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_ChangeLeadStatus{ChangeLeadStatus: &aidapb.ChangeLeadStatus{Status: s}}}
	}
	if _, err := env.gateway.Send(ctx, KindLead, l.GetId(), status("qualified")); err != nil {
		t.Fatal(err)
	}
	value := "30000.00"
	d, err := env.gateway.Convert(ctx, l.GetId(), &aidapb.Command{Body: &aidapb.Command_CreateDeal{
		CreateDeal: &aidapb.CreateDeal{Value: value}}})
	if err != nil {
		t.Fatal(err)
	}
	if d.GetLeadId() != l.GetId() || d.GetStage() != "qualified" || d.GetValue() != value || d.GetCompany() != "Analytical Engines Ltd" {
		t.Fatalf("deal from lead = %v", d)
	}
	again, err := env.gateway.Convert(ctx, l.GetId(), &aidapb.Command{})
	if err != nil || again.GetId() != d.GetId() {
		t.Fatalf("converting again = %v, %v; want the same deal", again.GetId(), err)
	}
	lr, err := env.gateway.Send(ctx, KindLead, l.GetId(), get())
	if err != nil || lr.GetLead().GetStatus() != "converted" || lr.GetLead().GetDealId() != d.GetId() {
		t.Fatalf("lead after convert = %v, %v", lr.GetLead(), err)
	}
	fromDeal := func() *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
			Deals: []*aidapb.AccountDeal{{DealId: d.GetId()}}}}}
	}
	if _, err := env.gateway.Create(ctx, KindAccount, fromDeal()); fault.CodeOf(err) != fault.Transition {
		t.Fatalf("account from an open deal: %v; want Transition", err)
	}
	for _, s := range []string{"proposal", "negotiation", "closed_won"} {
		if _, err := env.gateway.Send(ctx, KindDeal, d.GetId(), &aidapb.Command{Body: &aidapb.Command_ChangeDealStage{
			ChangeDealStage: &aidapb.ChangeDealStage{Stage: s}}}); err != nil {
			t.Fatalf("stage %s: %v", s, err)
		}
	}
	ar, err := env.gateway.Create(ctx, KindAccount, fromDeal())
	if err != nil {
		t.Fatal(err)
	}
	a := ar.GetAccount()
	if !ar.GetCreated() || a.GetName() != "Analytical Engines Ltd" || len(a.GetDeals()) != 1 || a.GetLifecycle() != "onboarding" {
		t.Fatalf("account from won deal = %v", ar)
	}
	ar2, err := env.gateway.Create(ctx, KindAccount, fromDeal())
	if err != nil || ar2.GetAccount().GetId() != a.GetId() || ar2.GetCreated() {
		t.Fatalf("account from the same deal again = %v, %v; want the same account", ar2, err)
	}
	dr, err := env.gateway.Send(ctx, KindDeal, d.GetId(), get())
	if err != nil || dr.GetDeal().GetAccountId() != a.GetId() {
		t.Fatalf("deal's account = %v, %v", dr.GetDeal().GetAccountId(), err)
	}
}

func passivations(t *testing.T) float64 {
	t.Helper()
	mfs, err := env.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == "aida_actor_passivations_total" {
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
