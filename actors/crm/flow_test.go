package crm

import (
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
)

func capture(email string) *aidapb.Command {
	return &aidapb.Command{Actor: "test", Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: email, FirstName: "Ada", Company: "Analytical Engines Ltd", Source: "demo_request"}}}
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
	rec, err := env.store.Load(ctx, lead.Kind, l.GetId())
	if err != nil || rec.Version != 2 {
		t.Fatalf("store has %+v, %v; want version 2 (captured, qualified) before the reply", rec, err)
	}
	again, dup, err := env.gateway.Capture(ctx, capture("  ADA@example.COM "))
	if err != nil || !dup || again.GetId() != l.GetId() {
		t.Fatalf("second Capture() = %v dup %v err %v; want the same lead, duplicate", again.GetId(), dup, err)
	}
	r, err := env.gateway.Send(ctx, lead.Kind, l.GetId(), get())
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
	page, err := env.store.List(ctx, persistence.Query{Kind: lead.Kind, Limit: 500})
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
	if _, err := env.gateway.Send(ctx, lead.Kind, l.GetId(), status("qualified")); err != nil {
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
	// Its probability is the reference's for a converted lead, not the qualified stage's 25.
	lr, err := env.gateway.Get(ctx, lead.Kind, l.GetId())
	if err != nil {
		t.Fatal(err)
	}
	intent, urgency, fit := lead.DealSignals(lr.GetLead())
	if p := deal.ConvertedProbability(deal.Signals{Intent: intent, Urgency: urgency, Fit: fit}); d.GetProbability() != p || p == 25 {
		t.Errorf("converted deal's probability %d, want %d (not the stage's 25)", d.GetProbability(), p)
	}
	again, err := env.gateway.Convert(ctx, l.GetId(), &aidapb.Command{})
	if err != nil || again.GetId() != d.GetId() || again.GetProbability() != d.GetProbability() {
		t.Fatalf("converting again = %v, %v; want the same deal", again.GetId(), err)
	}
	lr, err = env.gateway.Send(ctx, lead.Kind, l.GetId(), get())
	if err != nil || lr.GetLead().GetStatus() != "converted" || lr.GetLead().GetDealId() != d.GetId() {
		t.Fatalf("lead after convert = %v, %v", lr.GetLead(), err)
	}
	fromDeal := func() *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
			Deals: []*aidapb.AccountDeal{{DealId: d.GetId()}}}}}
	}
	if _, err := env.gateway.Create(ctx, account.Kind, fromDeal()); fault.CodeOf(err) != fault.Transition {
		t.Fatalf("account from an open deal: %v; want Transition", err)
	}
	for _, s := range []string{"proposal", "negotiation", "closed_won"} {
		if _, err := env.gateway.Send(ctx, deal.Kind, d.GetId(), &aidapb.Command{Body: &aidapb.Command_ChangeDealStage{
			ChangeDealStage: &aidapb.ChangeDealStage{Stage: s}}}); err != nil {
			t.Fatalf("stage %s: %v", s, err)
		}
	}
	ar, err := env.gateway.Create(ctx, account.Kind, fromDeal())
	if err != nil {
		t.Fatal(err)
	}
	a := ar.GetAccount()
	if !ar.GetCreated() || a.GetName() != "Analytical Engines Ltd" || len(a.GetDeals()) != 1 || a.GetLifecycle() != "onboarding" {
		t.Fatalf("account from won deal = %v", ar)
	}
	ar2, err := env.gateway.Create(ctx, account.Kind, fromDeal())
	if err != nil || ar2.GetAccount().GetId() != a.GetId() || ar2.GetCreated() {
		t.Fatalf("account from the same deal again = %v, %v; want the same account", ar2, err)
	}
	dr, err := env.gateway.Send(ctx, deal.Kind, d.GetId(), get())
	if err != nil || dr.GetDeal().GetAccountId() != a.GetId() {
		t.Fatalf("deal's account = %v, %v", dr.GetDeal().GetAccountId(), err)
	}
}

// TestFlowsLeaveTheCommand: no flow writes to the command its caller gave it.
func TestFlowsLeaveTheCommand(t *testing.T) {
	ctx := deadline(t)
	unchanged := func(name string, cmd *aidapb.Command, run func(*aidapb.Command) error) {
		t.Helper()
		want := proto.Clone(cmd)
		if err := run(cmd); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !proto.Equal(cmd, want) {
			t.Fatalf("%s changed its command: %v, was %v", name, cmd, want)
		}
	}
	var l *aidapb.Lead
	unchanged("Capture", capture("  Grace@Example.com "), func(c *aidapb.Command) (err error) {
		l, _, err = env.gateway.Capture(ctx, c)
		return err
	})
	if _, err := env.gateway.Send(ctx, lead.Kind, l.GetId(), &aidapb.Command{Body: &aidapb.Command_ChangeLeadStatus{
		ChangeLeadStatus: &aidapb.ChangeLeadStatus{Status: "qualified"}}}); err != nil {
		t.Fatal(err)
	}
	var d *aidapb.Deal
	unchanged("Convert", &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{Value: "60000"}}},
		func(c *aidapb.Command) (err error) {
			d, err = env.gateway.Convert(ctx, l.GetId(), c)
			return err
		})
	unchanged("Create deal", &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{Title: "Side deal"}}},
		func(c *aidapb.Command) error {
			_, err := env.gateway.Create(ctx, deal.Kind, c)
			return err
		})
	for _, s := range []string{"proposal", "negotiation", "closed_won"} {
		if _, err := env.gateway.Send(ctx, deal.Kind, d.GetId(), &aidapb.Command{Body: &aidapb.Command_ChangeDealStage{
			ChangeDealStage: &aidapb.ChangeDealStage{Stage: s}}}); err != nil {
			t.Fatalf("stage %s: %v", s, err)
		}
	}
	var a *aidapb.Account
	unchanged("Create account from a deal", &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
		Deals: []*aidapb.AccountDeal{{DealId: d.GetId()}}}}}, func(c *aidapb.Command) error {
		r, err := env.gateway.Create(ctx, account.Kind, c)
		a = r.GetAccount()
		return err
	})
	unchanged("Create account", &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
		Name: "Grace Ltd"}}}, func(c *aidapb.Command) error {
		_, err := env.gateway.Create(ctx, account.Kind, c)
		return err
	})
	start := &aidapb.Command{Body: &aidapb.Command_StartOnboarding{StartOnboarding: &aidapb.StartOnboarding{
		Plan: &aidapb.Onboarding{DealId: d.GetId()}}}}
	unchanged("StartOnboarding", start, func(c *aidapb.Command) error {
		r, err := env.gateway.StartOnboarding(ctx, a.GetId(), c)
		if err == nil && r.GetAccount().GetOnboarding().GetTemplate() != account.TemplateEnterprise {
			t.Errorf("onboarding of a 60 000 deal = %v; want the enterprise template", r.GetAccount().GetOnboarding())
		}
		return err
	})
	// onboarding_started, health_changed (the initial health) and a reminder per milestone.
	again, err := env.gateway.StartOnboarding(ctx, a.GetId(), start)
	if err != nil || again.GetAccount().GetVersion() != a.GetVersion()+2+int64(len(again.GetAccount().GetOnboarding().GetMilestones())) {
		t.Fatalf("starting again from the same deal = %v, %v; want no change", again.GetAccount(), err)
	}
}

// TestSharedCommandsFollowUp: the shell decides the shared commands for the real kinds and each
// kind's hooks add what they mean for it.
func TestSharedCommandsFollowUp(t *testing.T) {
	ctx := deadline(t)
	l, _, err := env.gateway.Capture(ctx, capture("follow@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	send := func(kind, id string, cmd *aidapb.Command) *aidapb.Reply {
		t.Helper()
		r, err := env.gateway.Send(ctx, kind, id, cmd)
		if err != nil {
			t.Fatalf("%v: %v", cmd.GetBody(), err)
		}
		return r
	}
	lastTypes := func(kind, id string, n int) []string {
		t.Helper()
		es, err := env.gateway.Timeline(ctx, kind, id, 0, 100)
		if err != nil || len(es) < n {
			t.Fatalf("timeline %v, %v", es, err)
		}
		var out []string
		for _, e := range es[len(es)-n:] {
			out = append(out, e.Type)
		}
		return out
	}
	// A lead re-scores after an autonomy change, and a reply moves a new lead to contacted.
	send(lead.Kind, l.GetId(), &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 4}}})
	if got := lastTypes(lead.Kind, l.GetId(), 2); got[0] != lead.TypeAutonomyChanged || got[1] != lead.TypeQualified {
		t.Errorf("after an autonomy change: %v", got)
	}
	r := send(lead.Kind, l.GetId(), &aidapb.Command{Actor: "inbound:email", Body: &aidapb.Command_RecordSignal{
		RecordSignal: &aidapb.RecordSignal{SignalId: "m-1", Type: "email.replied"}}})
	if r.GetLead().GetStatus() != lead.StatusContacted || r.GetLead().GetEngagement().GetReplies() != 1 {
		t.Errorf("after a reply: status %s, engagement %v", r.GetLead().GetStatus(), r.GetLead().GetEngagement())
	}

	// A person's note is activity on a deal and clears its stale flag; a reminder is not.
	dr, err := env.gateway.Create(ctx, deal.Kind, &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{Title: "Stale"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := dr.GetDeal().GetId()
	send(deal.Kind, id, &aidapb.Command{Actor: "agent:pipeline", Body: &aidapb.Command_SetFlag{SetFlag: &aidapb.SetFlag{Name: deal.FlagStale}}})
	r = send(deal.Kind, id, &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{
		Name: "call", DueAt: dr.GetDeal().GetCreatedAt()}}})
	if got := r.GetDeal(); len(got.GetWork().GetFlags()) != 1 || !got.GetLastActivityAt().AsTime().Equal(got.GetUpdatedAt().AsTime()) {
		t.Errorf("after a person's reminder: flags %v, last activity %v, updated %v", got.GetWork().GetFlags(), got.GetLastActivityAt(), got.GetUpdatedAt())
	}
	r = send(deal.Kind, id, &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "called"}}})
	if got := lastTypes(deal.Kind, id, 2); got[0] != deal.TypeNoteAdded || got[1] != "crm.deal.flag_cleared" || len(r.GetDeal().GetWork().GetFlags()) != 0 {
		t.Errorf("after a person's note: %v, flags %v", got, r.GetDeal().GetWork().GetFlags())
	}
}
