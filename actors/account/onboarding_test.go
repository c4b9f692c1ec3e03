package account_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

const day = 24 * time.Hour

// shellStep is step with what the shell also does to reminders: a ReminderSet takes its event's
// ID as its token, so the account knows the reminder is pending.
func shellStep(t *testing.T, s *aidapb.Account, cmd *aidapb.Command, now time.Time) (*aidapb.Account, []*aidapb.Event) {
	t.Helper()
	evs, err := shellDecide(s, cmd, now)
	if err != nil {
		t.Fatalf("%s: %v", record.CommandName(cmd), err)
	}
	for _, e := range evs {
		v := s.GetVersion() + 1
		e.Id, e.Actor, e.Time, e.Version = fmt.Sprintf("ev-%d", v), cmd.GetActor(), timestamppb.New(now), v
		if rs := e.GetReminderSet(); rs != nil {
			rs.Token = e.Id
		}
		s = fold(s, e)
	}
	return s, evs
}

// fireMilestone applies what the shell journals when the reminder of milestone name fires.
func fireMilestone(t *testing.T, s *aidapb.Account, name string, now time.Time) *aidapb.Account {
	t.Helper()
	token := record.PendingToken(s.GetReminders(), account.MilestonePrefix+name)
	if token == "" {
		t.Fatalf("no pending reminder for milestone %s: %v", name, s.GetReminders())
	}
	v := s.GetVersion() + 1
	return fold(s, &aidapb.Event{Id: fmt.Sprintf("ev-%d", v), Type: "crm.account.reminder_fired", Actor: "reminder:x",
		Time: timestamppb.New(now), Version: v, Data: &aidapb.Event_ReminderFired{ReminderFired: &aidapb.ReminderFired{
			Name: account.MilestonePrefix + name, Token: token}}})
}

func startCmd(plan *aidapb.Onboarding) *aidapb.Command {
	return &aidapb.Command{Actor: "agent:success", Body: &aidapb.Command_StartOnboarding{StartOnboarding: &aidapb.StartOnboarding{Plan: plan}}}
}

func milestoneCmd(actor, name string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_CompleteMilestone{CompleteMilestone: &aidapb.CompleteMilestone{Name: name}}}
}

func recomputeCmd() *aidapb.Command {
	return &aidapb.Command{Actor: "agent:success", Body: &aidapb.Command_RecomputeHealth{RecomputeHealth: &aidapb.RecomputeHealth{}}}
}

// acme is a fresh account: onboarding, no deals, poor health.
func acme(t *testing.T) *aidapb.Account {
	t.Helper()
	s, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme", Owner: "user:ann"}), t0)
	return s
}

func mustPlan(t *testing.T, p account.Profile, requested string) *aidapb.Onboarding {
	t.Helper()
	o, err := account.Plan(p, requested, t0)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestTemplates(t *testing.T) {
	want := map[string][2]int{account.TemplateStandard: {30, 4}, account.TemplateEnterprise: {60, 5}, account.TemplateSelfService: {14, 3}}
	var names []string
	for _, tm := range account.Templates() {
		names = append(names, tm.Name)
		if got := [2]int{tm.Days, len(tm.Milestones)}; got != want[tm.Name] {
			t.Errorf("%s: days and milestones %v, want %v", tm.Name, got, want[tm.Name])
		}
		if got, ok := account.TemplateOf(tm.Name); !ok || got.Name != tm.Name {
			t.Errorf("TemplateOf(%s) = %+v, %v", tm.Name, got, ok)
		}
	}
	if !slices.Equal(names, []string{"standard", "enterprise", "self_service"}) {
		t.Errorf("templates %v", names)
	}
	if _, ok := account.TemplateOf("premium"); ok {
		t.Error("TemplateOf(premium) found a template")
	}
	account.Templates()[0].Milestones[0] = "changed"
	if account.Templates()[0].Milestones[0] != "account_setup" {
		t.Error("changing a returned catalogue changed the catalogue")
	}
}

// TestPlan checks the reference's profile rules.
func TestPlan(t *testing.T) {
	base := []string{"account_activation", "first_successful_use"}
	big := []string{"team_training_completion", "integration_setup"}
	high := []string{"dedicated_csm", "priority_support", "custom_training"}
	tests := []struct {
		name      string
		p         account.Profile
		requested string
		template  string
		asked     string // Requested: the template asked for when the profile chose another
		custom    []string
		criteria  []string
	}{
		{"defaults", account.Profile{DealID: "d1", DealValue: "10000"}, "", "standard", "", nil, base},
		{"exactly 50000 is not enterprise", account.Profile{DealValue: "50000.00"}, "", "standard", "", nil,
			append(slices.Clone(base), "roi_demonstration")},
		{"above 50000 is enterprise", account.Profile{DealValue: "50000.01"}, "", "enterprise", "standard", high,
			append(slices.Clone(base), "roi_demonstration")},
		{"enterprise over a requested self_service", account.Profile{DealValue: "75000"}, "self_service", "enterprise", "self_service", high,
			append(slices.Clone(base), "roi_demonstration")},
		{"exactly 25000 shows no roi", account.Profile{DealValue: "25000"}, "standard", "standard", "", nil, base},
		{"above 25000 shows roi", account.Profile{DealValue: "25000.01"}, "standard", "standard", "", nil,
			append(slices.Clone(base), "roi_demonstration")},
		{"a technical lead self-serves", account.Profile{DealValue: "1000", HasLead: true, Source: "github", Company: "Tiny"},
			"", "self_service", "standard", []string{"api_documentation", "developer_resources"}, base},
		{"developer portal", account.Profile{HasLead: true, Source: "developer_portal"}, "enterprise", "self_service", "enterprise",
			[]string{"api_documentation", "developer_resources"}, base},
		{"a technical lead on a big deal is enterprise", account.Profile{DealValue: "60000", HasLead: true, Source: "api", Company: "Acme Corp"},
			"", "enterprise", "standard", append(slices.Clone(high), "api_documentation", "developer_resources"),
			append(append(slices.Clone(base), big...), "roi_demonstration")},
		{"a lead from the web needs guidance", account.Profile{HasLead: true, Source: "web", Company: "Globex International"},
			"", "standard", "", []string{"guided_setup", "extra_training_sessions"}, append(slices.Clone(base), big...)},
		{"a demo request is neither", account.Profile{HasLead: true, Source: "demo_request", Company: "Initech Inc"},
			"", "standard", "", nil, base},
		{"a source without a lead counts for nothing", account.Profile{HasLead: false, Source: "github", Company: "Big Enterprise"},
			"enterprise", "enterprise", "", nil, base},
		{"a value that is no number counts as 0", account.Profile{DealValue: "lots"}, "", "standard", "", nil, base},
		{"requested self_service", account.Profile{DealValue: "100"}, "self_service", "self_service", "", nil, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustPlan(t, tt.p, tt.requested)
			if o.GetTemplate() != tt.template || o.GetRequested() != tt.asked {
				t.Errorf("template %s (requested %q), want %s (%q)", o.GetTemplate(), o.GetRequested(), tt.template, tt.asked)
			}
			if !slices.Equal(o.GetCustomizations(), tt.custom) {
				t.Errorf("customizations %v, want %v", o.GetCustomizations(), tt.custom)
			}
			if !slices.Equal(o.GetSuccessCriteria(), tt.criteria) {
				t.Errorf("success criteria %v, want %v", o.GetSuccessCriteria(), tt.criteria)
			}
			if o.GetDealId() != tt.p.DealID || o.GetStatus() != account.PlanActive || !o.GetStartedAt().AsTime().Equal(t0) {
				t.Errorf("plan %v", o)
			}
		})
	}
	_, err := account.Plan(account.Profile{}, "premium", t0)
	if fe := wantCode(t, err, fault.Invalid); !slices.Equal(fieldNames(fe), []string{"template"}) {
		t.Errorf("fields %v, want template", fieldNames(fe))
	}
}

// TestPlanMilestones: milestone i (from 0) of n falls due ⌊i×days/n⌋ whole days after the
// start; the first two have high priority. The days are the reference's (§4.7 Onboarding,
// "milestone i due at now + int(i × duration / count) days").
func TestPlanMilestones(t *testing.T) {
	want := map[string][]int{ // due, in days from the start
		account.TemplateStandard:    {0, 7, 15, 22},
		account.TemplateEnterprise:  {0, 12, 24, 36, 48},
		account.TemplateSelfService: {0, 4, 9},
	}
	for _, tm := range account.Templates() {
		t.Run(tm.Name, func(t *testing.T) {
			o := mustPlan(t, account.Profile{DealID: "d1"}, tm.Name)
			if o.GetTemplate() != tm.Name || o.GetDurationDays() != int32(tm.Days) || len(o.GetMilestones()) != len(want[tm.Name]) {
				t.Fatalf("plan %v", o)
			}
			for i, m := range o.GetMilestones() {
				priority := "medium"
				if i < 2 {
					priority = "high"
				}
				wantM := &aidapb.Milestone{Name: tm.Milestones[i], DueAt: timestamppb.New(t0.Add(time.Duration(want[tm.Name][i]) * day)),
					Status: account.MilestonePending, Priority: priority}
				if !proto.Equal(m, wantM) {
					t.Errorf("milestone %d: %v, want %v (day %d)", i, m, wantM, want[tm.Name][i])
				}
			}
		})
	}
}

func TestStartOnboarding(t *testing.T) {
	plan := mustPlan(t, account.Profile{DealID: "deal-1", DealValue: "10000"}, "")
	s := acme(t)
	s, evs := shellStep(t, s, startCmd(plan), t0)
	want := []string{account.TypeOnboardingStarted, account.TypeHealthChanged}
	for range plan.GetMilestones() {
		want = append(want, "crm.account.reminder_set")
	}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if !proto.Equal(s.GetOnboarding(), plan) || s.GetLifecycle() != account.Onboarding {
		t.Errorf("onboarding %v, lifecycle %s; want %v", s.GetOnboarding(), s.GetLifecycle(), plan)
	}
	if h := s.GetHealth(); h.GetScore() != 700 || h.GetCategory() != account.Good {
		t.Errorf("health %d %s, want the initial 700 good", h.GetScore(), h.GetCategory())
	}
	for i, m := range plan.GetMilestones() {
		rs := evs[i+2].GetReminderSet()
		if rs.GetName() != account.MilestonePrefix+m.GetName() || !proto.Equal(rs.GetDueAt(), m.GetDueAt()) {
			t.Errorf("reminder %v, want milestone.%s due %v", rs, m.GetName(), m.GetDueAt().AsTime())
		}
		if record.PendingToken(s.GetReminders(), account.MilestonePrefix+m.GetName()) == "" {
			t.Errorf("milestone %s has no pending reminder", m.GetName())
		}
	}
	// The state does not share the plan with the command.
	plan.Milestones[0].Name = "changed"
	if s.GetOnboarding().GetMilestones()[0].GetName() == "changed" {
		t.Error("the state shares its plan with the command")
	}
	plan.Milestones[0].Name = "account_setup"

	if evs, err := account.Decide(s, startCmd(plan), t0.Add(day)); err != nil || len(evs) != 0 {
		t.Errorf("the same deal again: events %v, error %v", types(evs), err)
	}
	other := mustPlan(t, account.Profile{DealID: "deal-2"}, "")
	_, err := account.Decide(s, startCmd(other), t0.Add(day))
	wantCode(t, err, fault.Transition)

	// Once churned, a new deal starts onboarding again.
	s, _ = mustStep(t, s, updateCmd(&aidapb.UpdateAccount{Lifecycle: proto.String(account.Churned)}), t0.Add(day))
	if evs, err := account.Decide(s, startCmd(plan), t0.Add(2*day)); err != nil || len(evs) != 0 {
		t.Errorf("churned, the same deal again: events %v, error %v", types(evs), err)
	}
	s, evs = shellStep(t, s, startCmd(other), t0.Add(2*day))
	if got := types(evs[:2]); !slices.Equal(got, []string{account.TypeOnboardingStarted, account.TypeLifecycleChanged}) {
		t.Fatalf("churned: events %v", types(evs))
	}
	if lc := evs[1].GetAccountLifecycleChanged(); lc.GetFrom() != account.Churned || lc.GetTo() != account.Onboarding || lc.GetReason() != "deal deal-2 won" {
		t.Errorf("lifecycle change %v", lc)
	}
	if s.GetLifecycle() != account.Onboarding || s.GetOnboarding().GetDealId() != "deal-2" {
		t.Errorf("lifecycle %s, plan of %s", s.GetLifecycle(), s.GetOnboarding().GetDealId())
	}
}

// TestRestartCancelsOldMilestones: an onboarding that starts again after churn replaces the
// plan; the old plan's milestones that the new one does not have must not stay pending as
// reminders that no complete_milestone can cancel.
func TestRestartCancelsOldMilestones(t *testing.T) {
	s := acme(t)
	s, _ = shellStep(t, s, startCmd(mustPlan(t, account.Profile{DealID: "deal-1", DealValue: "90000"}, "")), t0) // enterprise
	s, _ = mustStep(t, s, updateCmd(&aidapb.UpdateAccount{Lifecycle: proto.String(account.Churned)}), t0.Add(day))
	s, _ = shellStep(t, s, startCmd(mustPlan(t, account.Profile{DealID: "deal-2"}, "")), t0.Add(2*day)) // standard
	var names []string
	for _, m := range s.GetOnboarding().GetMilestones() {
		names = append(names, account.MilestonePrefix+m.GetName())
	}
	for _, r := range s.GetReminders() {
		if strings.HasPrefix(r.GetName(), account.MilestonePrefix) && !slices.Contains(names, r.GetName()) {
			t.Errorf("reminder %s of the old plan is still pending", r.GetName())
		}
	}
}

func TestStartOnboardingInvalid(t *testing.T) {
	due := timestamppb.New(t0.Add(day))
	tests := []struct {
		name   string
		cmd    *aidapb.StartOnboarding
		fields []string
	}{
		{"no plan", &aidapb.StartOnboarding{}, []string{"plan.deal_id", "plan.template", "plan.milestones"}},
		{"unknown template", &aidapb.StartOnboarding{Plan: &aidapb.Onboarding{DealId: "d", Template: "premium",
			Milestones: []*aidapb.Milestone{{Name: "a", DueAt: due}}}}, []string{"plan.template"}},
		{"a milestone without a due date", &aidapb.StartOnboarding{Plan: &aidapb.Onboarding{DealId: "d", Template: "standard",
			Milestones: []*aidapb.Milestone{{Name: "a", DueAt: due}, {Name: "b"}, {DueAt: due}}}}, []string{"plan.milestones"}},
		{"reason too long", &aidapb.StartOnboarding{Reason: strings.Repeat("r", record.MaxReason+1), Plan: &aidapb.Onboarding{
			DealId: "d", Template: "standard", Milestones: []*aidapb.Milestone{{Name: "a", DueAt: due}}}}, []string{"reason"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := account.Decide(acme(t), &aidapb.Command{Body: &aidapb.Command_StartOnboarding{StartOnboarding: tt.cmd}}, t0)
			if fe := wantCode(t, err, fault.Invalid); !slices.Equal(fieldNames(fe), tt.fields) {
				t.Errorf("fields %v, want %v", fieldNames(fe), tt.fields)
			}
		})
	}
}

// TestCompleteMilestones walks a plan to its end: each milestone's reminder is cancelled, or
// has fired already; the last completes the onboarding and makes the account active.
func TestCompleteMilestones(t *testing.T) {
	plan := mustPlan(t, account.Profile{DealID: "deal-1", HasLead: true, Source: "github"}, "") // self_service: 3 milestones
	s := acme(t)
	s, _ = shellStep(t, s, startCmd(plan), t0)
	_, err := account.Decide(s, milestoneCmd("user:ann", "kickoff_call"), t0)
	if fe := wantCode(t, err, fault.NotFound); !strings.Contains(fe.Message, "account_activation, first_use, feature_adoption") {
		t.Errorf("message %q does not name the milestones", fe.Message)
	}

	at := t0.Add(5 * day)
	s = fireMilestone(t, s, "account_activation", at) // the reminder fired: nothing to cancel
	s, evs := shellStep(t, s, milestoneCmd("user:ann", " account_activation "), at)
	if got := types(evs); !slices.Equal(got, []string{account.TypeMilestoneCompleted}) {
		t.Fatalf("first: events %v", got)
	}
	if mc := evs[0].GetMilestoneCompleted(); mc.GetName() != "account_activation" || mc.GetReason() != "completed by user:ann" {
		t.Errorf("completed %v", mc)
	}
	_, err = account.Decide(s, milestoneCmd("user:ann", "account_activation"), at)
	wantCode(t, err, fault.Transition)

	s, evs = shellStep(t, s, milestoneCmd("agent:success", "first_use"), at)
	if got := types(evs); !slices.Equal(got, []string{account.TypeMilestoneCompleted, "crm.account.reminder_cancelled"}) {
		t.Fatalf("second: events %v", got)
	}
	if s.GetOnboarding().GetStatus() != account.PlanActive || s.GetLifecycle() != account.Onboarding {
		t.Errorf("after two of three: %s, lifecycle %s", s.GetOnboarding().GetStatus(), s.GetLifecycle())
	}

	s, evs = shellStep(t, s, milestoneCmd("user:ann", "feature_adoption"), at.Add(day))
	want := []string{account.TypeMilestoneCompleted, "crm.account.reminder_cancelled", account.TypeOnboardingCompleted, account.TypeLifecycleChanged}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("last: events %v, want %v", got, want)
	}
	if lc := evs[3].GetAccountLifecycleChanged(); lc.GetFrom() != account.Onboarding || lc.GetTo() != account.Active {
		t.Errorf("lifecycle change %v", lc)
	}
	if evs[2].GetOnboardingCompleted().GetDealId() != "deal-1" {
		t.Errorf("completed %v", evs[2].GetOnboardingCompleted())
	}
	if s.GetLifecycle() != account.Active || s.GetOnboarding().GetStatus() != account.PlanCompleted || len(s.GetReminders()) != 0 {
		t.Errorf("lifecycle %s, plan %s, reminders %v", s.GetLifecycle(), s.GetOnboarding().GetStatus(), s.GetReminders())
	}
	for i, m := range s.GetOnboarding().GetMilestones() {
		wantAt := at
		if i == 2 {
			wantAt = at.Add(day)
		}
		if m.GetStatus() != account.MilestoneDone || !m.GetDoneAt().AsTime().Equal(wantAt) {
			t.Errorf("milestone %s: %s at %v", m.GetName(), m.GetStatus(), m.GetDoneAt().AsTime())
		}
	}
	_, err = account.Decide(s, milestoneCmd("user:ann", "first_use"), at)
	wantCode(t, err, fault.Transition)
}

func TestCompleteMilestoneCases(t *testing.T) {
	_, err := account.Decide(acme(t), milestoneCmd("user:ann", "account_setup"), t0)
	wantCode(t, err, fault.Transition) // no plan

	_, err = account.Decide(acme(t), milestoneCmd("user:ann", "a\nb"), t0)
	if fe := wantCode(t, err, fault.Invalid); !slices.Equal(fieldNames(fe), []string{"name"}) {
		t.Errorf("fields %v", fieldNames(fe))
	}

	// The last milestone of an account that is no longer onboarding leaves its lifecycle alone.
	s := acme(t)
	s, _ = shellStep(t, s, startCmd(mustPlan(t, account.Profile{DealID: "d", HasLead: true, Source: "api"}, "")), t0)
	s, _ = mustStep(t, s, updateCmd(&aidapb.UpdateAccount{Lifecycle: proto.String(account.AtRisk)}), t0)
	for _, m := range []string{"account_activation", "first_use"} {
		s, _ = shellStep(t, s, milestoneCmd("user:ann", m), t0)
	}
	cmd := milestoneCmd("", "feature_adoption")
	cmd.GetCompleteMilestone().Reason = " done early "
	s, evs := shellStep(t, s, cmd, t0)
	if got := types(evs); !slices.Equal(got, []string{account.TypeMilestoneCompleted, "crm.account.reminder_cancelled", account.TypeOnboardingCompleted}) {
		t.Fatalf("events %v", got)
	}
	if evs[0].GetMilestoneCompleted().GetReason() != "done early" || s.GetLifecycle() != account.AtRisk {
		t.Errorf("reason %q, lifecycle %s", evs[0].GetMilestoneCompleted().GetReason(), s.GetLifecycle())
	}
}

// TestRecomputeHealth: a health_changed event only when the category moves, or when the account
// had no health.
func TestRecomputeHealth(t *testing.T) {
	s := acme(t)
	if s.GetHealth().GetCategory() != account.Poor {
		t.Fatalf("a fresh account's health %v, want poor", s.GetHealth())
	}
	if evs, err := account.Decide(s, recomputeCmd(), t0.Add(day)); err != nil || len(evs) != 0 {
		t.Errorf("the same category: events %v, error %v", types(evs), err)
	}
	// A score that moves within its category is not recorded.
	s.Health.Score = 301
	if evs, _ := account.Decide(s, recomputeCmd(), t0.Add(day)); len(evs) != 0 {
		t.Errorf("a score move within poor: events %v", types(evs))
	}
	s.Health.Category = account.Excellent
	s, evs := shellStep(t, s, recomputeCmd(), t0.Add(day))
	if got := types(evs); !slices.Equal(got, []string{account.TypeHealthChanged}) {
		t.Fatalf("events %v", got)
	}
	if hc := evs[0].GetAccountHealthChanged(); hc.GetFromCategory() != account.Excellent || hc.GetHealth().GetCategory() != account.Poor ||
		!hc.GetHealth().GetCalculatedAt().AsTime().Equal(t0.Add(day)) {
		t.Errorf("health change %v", hc)
	}
	if s.GetHealth().GetCategory() != account.Poor || s.GetHealth().GetScore() != 315 {
		t.Errorf("health %v", s.GetHealth())
	}
	s.Health = nil
	s, evs = shellStep(t, s, recomputeCmd(), t0.Add(2*day))
	if len(evs) != 1 || evs[0].GetAccountHealthChanged().GetFromCategory() != "" || s.GetHealth() == nil {
		t.Errorf("no health before: events %v, health %v", types(evs), s.GetHealth())
	}
	cmd := recomputeCmd()
	cmd.GetRecomputeHealth().Reason = strings.Repeat("r", record.MaxReason+1)
	_, err := account.Decide(s, cmd, t0)
	if fe := wantCode(t, err, fault.Invalid); !slices.Equal(fieldNames(fe), []string{"reason"}) {
		t.Errorf("fields %v", fieldNames(fe))
	}
}

// TestContactHealth: contacts on record set engagement (min(1, contacts in 30 days / 5)) and
// recency (max(0, 1 − days since the last / 90)).
func TestContactHealth(t *testing.T) {
	ago := func(d time.Duration) *timestamppb.Timestamp { return timestamppb.New(t0.Add(-d)) }
	tests := []struct {
		name       string
		eng        *aidapb.Engagement
		engagement int32
		recency    int32
		reasons    [2]string
	}{
		{"none", nil, 0, 300, [2]string{"no communications recorded yet", "no communications recorded yet"}},
		{"a bounce is no contact", &aidapb.Engagement{Bounces: 1, EmailBounced: true}, 0, 300,
			[2]string{"no communications recorded yet", "no communications recorded yet"}},
		{"one now", &aidapb.Engagement{LastContactAt: ago(0), RecentContacts: []*timestamppb.Timestamp{ago(0)}}, 200, 1000,
			[2]string{"1 contacts in the last 30 days", "last contact 0 days ago"}},
		{"two, one 30 days ago", &aidapb.Engagement{LastContactAt: ago(day), RecentContacts: []*timestamppb.Timestamp{ago(30 * day), ago(day)}}, 400, 989,
			[2]string{"2 contacts in the last 30 days", "last contact 1 days ago"}},
		{"one 31 days ago", &aidapb.Engagement{LastContactAt: ago(31 * day), RecentContacts: []*timestamppb.Timestamp{ago(31 * day)}}, 0, 656,
			[2]string{"0 contacts in the last 30 days", "last contact 31 days ago"}},
		{"five this week", &aidapb.Engagement{LastContactAt: ago(0), RecentContacts: []*timestamppb.Timestamp{
			ago(5 * day), ago(4 * day), ago(3 * day), ago(2 * day), ago(day)}}, 1000, 1000,
			[2]string{"5 contacts in the last 30 days", "last contact 0 days ago"}},
		{"45 days ago", &aidapb.Engagement{LastContactAt: ago(45 * day)}, 0, 500,
			[2]string{"0 contacts in the last 30 days", "last contact 45 days ago"}},
		{"90 days ago", &aidapb.Engagement{LastContactAt: ago(90 * day)}, 0, 0,
			[2]string{"0 contacts in the last 30 days", "last contact 90 days ago"}},
		{"a year ago", &aidapb.Engagement{LastContactAt: ago(365 * day)}, 0, 0,
			[2]string{"0 contacts in the last 30 days", "last contact 365 days ago"}},
		{"a contact in the future counts as now", &aidapb.Engagement{LastContactAt: ago(-day), RecentContacts: []*timestamppb.Timestamp{ago(-day)}}, 0, 1000,
			[2]string{"0 contacts in the last 30 days", "last contact 0 days ago"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := account.ComputeHealth(&aidapb.Account{Engagement: tt.eng}, t0)
			e, r := h.GetDimensions()[0], h.GetDimensions()[2]
			if e.GetName() != account.DimEngagement || r.GetName() != account.DimRecency {
				t.Fatalf("dimensions %v", h.GetDimensions())
			}
			if e.GetScore() != tt.engagement || r.GetScore() != tt.recency || e.GetReason() != tt.reasons[0] || r.GetReason() != tt.reasons[1] {
				t.Errorf("engagement %d %q, recency %d %q; want %d %q, %d %q", e.GetScore(), e.GetReason(), r.GetScore(), r.GetReason(),
					tt.engagement, tt.reasons[0], tt.recency, tt.reasons[1])
			}
			// No deals: score = (25×engagement + 20×recency + 25500) / 100, truncated.
			if want := (25*tt.engagement + 20*tt.recency + 25500) / 100; h.GetScore() != want {
				t.Errorf("score %d, want %d", h.GetScore(), want)
			}
		})
	}
}

// TestReplyRaisesHealth: a reply recorded on an account lifts engagement and recency, enough to
// move a fresh account from poor to fair: (25×200 + 20×1000 + 25500) / 100 = 505.
func TestReplyRaisesHealth(t *testing.T) {
	signal := func(id, typ string) *aidapb.Command {
		return &aidapb.Command{Actor: "inbound:email", Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: id, Type: typ}}}
	}
	s := acme(t)
	now := t0.Add(day)
	s, evs := shellStep(t, s, signal("m-0", record.SignalEmailBounced), now)
	if got := types(evs); !slices.Equal(got, []string{"crm.account.email_bounced"}) {
		t.Fatalf("bounce: events %v", got)
	}
	s, evs = shellStep(t, s, signal("m-1", record.SignalEmailReplied), now)
	if got := types(evs); !slices.Equal(got, []string{"crm.account.email_replied", account.TypeHealthChanged}) {
		t.Fatalf("reply: events %v", got)
	}
	h := s.GetHealth()
	if h.GetScore() != 505 || h.GetCategory() != account.Fair || evs[1].GetAccountHealthChanged().GetFromCategory() != account.Poor {
		t.Errorf("health %d %s (from %s), want 505 fair from poor", h.GetScore(), h.GetCategory(), evs[1].GetAccountHealthChanged().GetFromCategory())
	}
	if s.GetEngagement().GetReplies() != 1 || s.GetEngagement().GetBounces() != 1 {
		t.Errorf("engagement %v", s.GetEngagement())
	}
	// A second reply the same day moves the score within fair: no health event.
	s, evs = shellStep(t, s, signal("m-2", record.SignalSMSReplied), now)
	if got := types(evs); !slices.Equal(got, []string{"crm.account.sms_replied"}) {
		t.Errorf("second reply: events %v", got)
	}
	if evs, err := shellDecide(s, signal("m-1", record.SignalEmailReplied), now); err != nil || len(evs) != 0 {
		t.Errorf("a redelivered reply: events %v, error %v", types(evs), err)
	}
	// Two months later the contacts are old: recomputing brings the account back to poor,
	// (25×0 + 20×334 + 25500) / 100 = 321.
	_, evs = shellStep(t, s, recomputeCmd(), now.Add(60*day))
	if len(evs) != 1 || evs[0].GetAccountHealthChanged().GetHealth().GetCategory() != account.Poor {
		t.Errorf("months later: events %v", evs)
	}
}

func TestAccountWork(t *testing.T) {
	s := acme(t) // L1
	add := &aidapb.Command{Actor: "agent:success", Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{Title: "Kickoff call", Key: "m.1"}}}
	s, evs := shellStep(t, s, add, t0)
	if got := types(evs); !slices.Equal(got, []string{"crm.account.draft_created"}) {
		t.Fatalf("agent at L1: events %v", got)
	}
	if d := s.GetWork().GetDrafts(); len(d) != 1 || d[0].GetTask().GetAssignee() != "user:ann" {
		t.Errorf("drafts %v", d)
	}
	draft := &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_DraftMessage{DraftMessage: &aidapb.DraftMessage{Channel: "email", Body: "hi"}}}
	_, err := shellDecide(s, draft, t0)
	if fe := wantCode(t, err, fault.Invalid); !slices.Equal(fieldNames(fe), []string{"to"}) {
		t.Errorf("an email from an account without an address: fields %v", fieldNames(fe))
	}
	for _, cmd := range []*aidapb.Command{add, draft, startCmd(&aidapb.Onboarding{}), milestoneCmd("u", "x"), recomputeCmd(),
		{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{}}}} {
		if _, err := shellDecide(nil, cmd, t0); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("%s on no account: %v, want NotFound", record.CommandName(cmd), err)
		}
	}
	for _, e := range []*aidapb.Event{
		{Data: &aidapb.Event_TaskAdded{TaskAdded: &aidapb.TaskAdded{Task: &aidapb.Task{}}}},
		{Data: &aidapb.Event_SignalReceived{SignalReceived: &aidapb.SignalReceived{}}},
		{Data: &aidapb.Event_OnboardingStarted{OnboardingStarted: &aidapb.OnboardingStarted{Onboarding: &aidapb.Onboarding{}}}},
	} {
		if got := account.Apply(nil, e); got != nil {
			t.Errorf("Apply(nil, %T) = %v, want nil", e.GetData(), got)
		}
	}
}
