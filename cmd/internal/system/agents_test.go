package system

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/runtime/reminder/remindertest"
)

// clockStart is when the driven clock of the agent scenarios starts.
var clockStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// drivenSystem starts a whole server in this process on a clock the test drives: entities,
// reminders and agents all read it.
func drivenSystem(t *testing.T) (*System, *remindertest.Clock) {
	t.Helper()
	clock := remindertest.NewClock(clockStart)
	sys, h, err := start(t, testConfig(filepath.Join(t.TempDir(), "data")), WithClock(clock))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	return sys, clock
}

// eventually polls get until ok holds for its result, failing after 20 s with the last result.
func eventually[T any](t *testing.T, what string, get func() (T, error), ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, err := get()
		if err == nil && ok(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened; last %v (err %v)", what, v, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *System) getLead(t *testing.T, id string) func() (*aidapb.Lead, error) {
	return func() (*aidapb.Lead, error) {
		r, err := s.gateway.Send(t.Context(), "lead", id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
		return r.GetLead(), err
	}
}

func (s *System) getDeal(t *testing.T, id string) func() (*aidapb.Deal, error) {
	return func() (*aidapb.Deal, error) {
		r, err := s.gateway.Send(t.Context(), "deal", id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
		return r.GetDeal(), err
	}
}

func (s *System) getAccount(t *testing.T, id string) func() (*aidapb.Account, error) {
	return func() (*aidapb.Account, error) {
		r, err := s.gateway.Send(t.Context(), "account", id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
		return r.GetAccount(), err
	}
}

func sequenceDrafts(l *aidapb.Lead) []*aidapb.Draft {
	var out []*aidapb.Draft
	for _, d := range l.GetWork().GetDrafts() {
		if d.GetSequence() != "" {
			out = append(out, d)
		}
	}
	return out
}

// timelineActors returns "actor type" for each journal entry of an entity.
func (s *System) timelineActors(t *testing.T, kind, id string) []string {
	es, err := s.gateway.Timeline(t.Context(), kind, id, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Actor+" "+e.Type)
	}
	return out
}

// TestNurtureAgent: a captured lead enters the welcome sequence and its first step is drafted at
// once; three days later the second step (and the third, due on day 3) is drafted; a reply,
// delivered twice on crm.inbound.email.replied, takes effect once and stops the sequence, so
// nothing more is drafted.
func TestNurtureAgent(t *testing.T) {
	sys, clock := drivenSystem(t)
	ctx := t.Context()
	l, _, err := sys.gateway.Capture(ctx, &aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: "grace@example.com", FirstName: "Grace", Company: "Hopper Systems Inc", Source: "website"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := l.GetId()
	l = eventually(t, "step 1 drafted", sys.getLead(t, id), func(l *aidapb.Lead) bool { return len(sequenceDrafts(l)) == 1 })
	seq := l.GetSequence()
	if seq.GetType() != lead.SequenceWelcome || seq.GetStep() != 1 || seq.GetStatus() != lead.SequenceActive ||
		!seq.GetNextAt().AsTime().Equal(clockStart.Add(24*time.Hour)) {
		t.Fatalf("after step 1: sequence %v", seq)
	}
	d := sequenceDrafts(l)[0]
	if d.GetSubject() != "Welcome - AIDA-CRM" || d.GetTo() != "grace@example.com" || !strings.Contains(d.GetBody(), "Hi Grace") ||
		d.GetCreatedBy() != "agent:nurture" || d.GetStatus() != "pending" {
		t.Fatalf("step 1 draft %v", d)
	}

	clock.Advance(3 * 24 * time.Hour)
	l = eventually(t, "steps 2 and 3 drafted", sys.getLead(t, id), func(l *aidapb.Lead) bool { return len(sequenceDrafts(l)) == 3 })
	if got := sequenceDrafts(l)[1].GetSubject(); got != "Our Value - AIDA-CRM" {
		t.Fatalf("step 2 subject %q", got)
	}
	if !l.GetSequence().GetNextAt().AsTime().Equal(clockStart.Add(7 * 24 * time.Hour)) {
		t.Fatalf("step 4 due %v", l.GetSequence().GetNextAt().AsTime())
	}

	// The same reply twice: once more with the same Nats-Msg-Id (JetStream drops it), once as
	// a flat message with the same id and no header (the lead drops it).
	reply := fmt.Sprintf(`{"id":"reply-1","lead_id":"%s","from":"grace@example.com","subject":"Re: Our Value","text":"Tell me more"}`, id)
	for range 2 {
		if err := sys.bus.PublishSignal(ctx, "crm.inbound.email.replied", "reply-1", []byte(reply)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sys.bus.JetStream().Publish(ctx, "crm.inbound.email.replied", []byte(reply)); err != nil {
		t.Fatal(err)
	}
	l = eventually(t, "the reply stops the sequence", sys.getLead(t, id), func(l *aidapb.Lead) bool {
		return l.GetSequence().GetStatus() == lead.SequenceStopped
	})
	if l.GetEngagement().GetReplies() != 1 || l.GetStatus() != lead.StatusContacted || len(l.GetReminders()) != 0 ||
		!strings.Contains(l.GetSequence().GetStopReason(), "replied") {
		t.Fatalf("after the reply: engagement %v, status %s, reminders %v, sequence %v",
			l.GetEngagement(), l.GetStatus(), l.GetReminders(), l.GetSequence())
	}
	// Wait until the duplicate passed through the router, then make sure it changed nothing.
	eventually(t, "the router consumed all three deliveries", func() (float64, error) {
		return counterValue(sys, "aida_bus_consumer_handled_total", "aida-inbound")
	}, func(n float64) bool { return n >= 2 })
	// The reader agent reads the reply once ("Tell me more": interested) and gives the owner a
	// task to answer, after a note that says what it read.
	l = eventually(t, "the reader acts on the reply", sys.getLead(t, id), func(l *aidapb.Lead) bool {
		return len(l.GetWork().GetTasks()) == 1
	})
	if tk := l.GetWork().GetTasks()[0]; !strings.Contains(tk.GetTitle(), "interested") || tk.GetCreatedBy() != "agent:reader" ||
		len(l.GetNotes()) != 1 || !strings.Contains(l.GetNotes()[0].GetText(), "as interested") {
		t.Fatalf("the reader's task %v, notes %v", tk, l.GetNotes())
	}
	version := l.GetVersion()

	clock.Advance(7 * 24 * time.Hour)
	l, err = sys.getLead(t, id)()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sequenceDrafts(l)); n != 3 || l.GetVersion() != version || l.GetEngagement().GetReplies() != 1 {
		t.Fatalf("after the stop: %d drafts, version %d (was %d), replies %d", n, l.GetVersion(), version, l.GetEngagement().GetReplies())
	}
	acts := sys.timelineActors(t, "lead", id)
	for _, want := range []string{"agent:nurture crm.lead.sequence_started", "reminder:sequence crm.lead.reminder_fired",
		"agent:nurture crm.lead.sequence_step_drafted", "inbound:email.replied crm.lead.email_replied",
		"inbound:email.replied crm.lead.sequence_stopped"} {
		if !slices.Contains(acts, want) {
			t.Errorf("timeline lacks %q: %v", want, acts)
		}
	}
}

// TestPipelineAndSuccessAgents: open deals with no activity for 14 days are flagged stale with a
// task for the owner (a draft at L1); a person's change clears the flag; a won deal becomes an
// account in onboarding whose milestones fall due as owner tasks, with a periodic health check.
func TestPipelineAndSuccessAgents(t *testing.T) {
	sys, clock := drivenSystem(t)
	ctx := t.Context()
	create := func(title string, level int32, value string) string {
		r, err := sys.gateway.Create(ctx, "deal", &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{
			Title: title, Company: title + " Corp", Value: value, Owner: "user:ann", AutonomyLevel: level}}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetDeal().GetId()
	}
	assisted, drafted, won := create("Assisted", 2, "1000"), create("Drafted", 1, "1000"), create("Big", 3, "75000")
	for _, id := range []string{assisted, drafted} {
		eventually(t, "the pipeline check is set", sys.getDeal(t, id), func(d *aidapb.Deal) bool {
			return len(d.GetReminders()) == 1 && d.GetReminders()[0].GetDueAt().AsTime().Equal(clockStart.Add(14*24*time.Hour))
		})
	}
	for _, st := range []string{"qualified", "proposal", "negotiation", "closed_won"} {
		if _, err := sys.gateway.Send(ctx, "deal", won, &aidapb.Command{Body: &aidapb.Command_ChangeDealStage{
			ChangeDealStage: &aidapb.ChangeDealStage{Stage: st}}}); err != nil {
			t.Fatal(err)
		}
	}

	// The won deal becomes an account in enterprise onboarding (value above 50 000).
	d := eventually(t, "the won deal gets an account", sys.getDeal(t, won), func(d *aidapb.Deal) bool { return d.GetAccountId() != "" })
	// The kickoff falls due on day 0 (the reference's milestones are 0-based: decision 30), so
	// its reminder fires at once and the owner gets its task; the other four and the health
	// check stay pending.
	acc := eventually(t, "onboarding with its health check and the kickoff's task", sys.getAccount(t, d.GetAccountId()), func(a *aidapb.Account) bool {
		return a.GetOnboarding() != nil && len(a.GetReminders()) == 5 && len(a.GetWork().GetTasks()) == 1
	})
	o := acc.GetOnboarding()
	if acc.GetLifecycle() != account.Onboarding || o.GetTemplate() != account.TemplateEnterprise || o.GetDealId() != won ||
		len(o.GetMilestones()) != 5 || !o.GetMilestones()[0].GetDueAt().AsTime().Equal(clockStart) ||
		!o.GetMilestones()[1].GetDueAt().AsTime().Equal(clockStart.Add(12*24*time.Hour)) {
		t.Fatalf("account %s onboarding %v", acc.GetLifecycle(), o)
	}

	// Day 12: the health check ran and was set again.
	clock.Advance(12 * 24 * time.Hour)
	acc = eventually(t, "the second milestone's task", sys.getAccount(t, acc.GetId()), func(a *aidapb.Account) bool {
		return len(a.GetWork().GetTasks()) == 2
	})
	task := acc.GetWork().GetTasks()[0]
	if task.GetAssignee() != "user:ann" || task.GetCreatedBy() != "agent:success" || !strings.Contains(task.GetTitle(), "kickoff call") {
		t.Fatalf("milestone task %v", task)
	}
	// The health check ran on day 1 and was set again.
	for _, r := range acc.GetReminders() {
		if r.GetName() == account.HealthReminder && !r.GetDueAt().AsTime().After(clock.Now()) {
			t.Fatalf("health check due %v, not after now %v", r.GetDueAt().AsTime(), clock.Now())
		}
	}

	// Day 14: the two open deals are stale; at L2 flagged with a task, at L1 only drafted.
	clock.Advance(2 * 24 * time.Hour)
	a := eventually(t, "the L2 deal flagged stale", sys.getDeal(t, assisted), func(d *aidapb.Deal) bool {
		return len(d.GetWork().GetFlags()) == 1 && len(d.GetWork().GetTasks()) == 1
	})
	if f := a.GetWork().GetFlags()[0]; f.GetName() != deal.FlagStale || f.GetSetBy() != "agent:pipeline" || !strings.Contains(f.GetReason(), "no activity for 14 days") {
		t.Fatalf("flag %v", f)
	}
	if tk := a.GetWork().GetTasks()[0]; tk.GetAssignee() != "user:ann" || !strings.Contains(tk.GetTitle(), "Assisted") {
		t.Fatalf("task %v", tk)
	}
	dr := eventually(t, "the L1 deal gets drafts", sys.getDeal(t, drafted), func(d *aidapb.Deal) bool {
		return len(d.GetWork().GetDrafts()) == 2
	})
	if len(dr.GetWork().GetFlags()) != 0 || len(dr.GetWork().GetTasks()) != 0 ||
		dr.GetWork().GetDrafts()[0].GetKind() != "flag" || dr.GetWork().GetDrafts()[1].GetKind() != "task" {
		t.Fatalf("L1 deal work %v", dr.GetWork())
	}

	// A person's change is activity: the stale flag goes.
	if _, err := sys.gateway.Send(ctx, "deal", assisted, &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_AddNote{
		AddNote: &aidapb.AddNote{Text: "Called them, they are back from holiday"}}}); err != nil {
		t.Fatal(err)
	}
	a, err := sys.getDeal(t, assisted)()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.GetWork().GetFlags()) != 0 || !a.GetLastActivityAt().AsTime().Equal(clock.Now()) {
		t.Fatalf("after activity: flags %v, last activity %v", a.GetWork().GetFlags(), a.GetLastActivityAt().AsTime())
	}
	acts := sys.timelineActors(t, "deal", assisted)
	for _, want := range []string{"agent:pipeline crm.deal.reminder_set", "reminder:pipeline crm.deal.reminder_fired",
		"agent:pipeline crm.deal.flag_set", "agent:pipeline crm.deal.task_added", "user:ann crm.deal.flag_cleared"} {
		if !slices.Contains(acts, want) {
			t.Errorf("timeline lacks %q: %v", want, acts)
		}
	}
}

// counterValue sums a counter's series whose labels include value.
func counterValue(s *System, name, value string) (float64, error) {
	mfs, err := s.reg.Gather()
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == value {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum, nil
}
