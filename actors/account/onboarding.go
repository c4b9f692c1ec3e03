package account

import (
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Kind is the entity kind of accounts, in actor addresses and store rows.
const Kind = "account"

// Onboarding templates, plan and milestone statuses.
const (
	TemplateStandard    = "standard"
	TemplateEnterprise  = "enterprise"
	TemplateSelfService = "self_service"

	PlanActive    = "active"
	PlanCompleted = "completed"

	MilestonePending = "pending"
	MilestoneDone    = "done"

	// MilestonePrefix starts the name of the reminder of each milestone: milestone.<name>.
	MilestonePrefix = "milestone."
	// HealthReminder is the name of the reminder that recomputes the health score.
	HealthReminder = "health"
)

// Onboarding event types.
const (
	TypeOnboardingStarted   = "crm.account.onboarding_started"
	TypeMilestoneCompleted  = "crm.account.milestone_completed"
	TypeOnboardingCompleted = "crm.account.onboarding_completed"
)

// Template is an onboarding template of the catalogue (reference §4.7).
type Template struct {
	Name        string
	Days        int
	Milestones  []string
	Touchpoints int
}

// Templates returns the onboarding catalogue.
func Templates() []Template {
	return []Template{
		{TemplateStandard, 30, []string{"account_setup", "initial_training", "first_success", "optimization"}, 5},
		{TemplateEnterprise, 60, []string{"kickoff_call", "technical_setup", "team_training", "pilot_launch", "full_rollout"}, 8},
		{TemplateSelfService, 14, []string{"account_activation", "first_use", "feature_adoption"}, 3},
	}
}

// TemplateOf returns the template called name.
func TemplateOf(name string) (Template, bool) {
	i := slices.IndexFunc(Templates(), func(t Template) bool { return t.Name == name })
	if i < 0 {
		return Template{}, false
	}
	return Templates()[i], true
}

// Profile is what an onboarding plan depends on: the won deal and, when the deal came from a
// lead, the lead's company and source.
type Profile struct {
	DealID    string
	DealValue string // decimal
	HasLead   bool
	Company   string
	Source    string
}

// Plan builds the onboarding plan of profile p starting at now (reference §4.7). The template is
// enterprise for a deal above 50 000, else self_service for a technical lead (source api,
// developer_portal or github), else the requested one (standard when empty). Milestone i (from 0)
// of n falls due at now + ⌊i × days / n⌋ days, as in the reference: the first at once, the
// last one step before the plan's end (0/7/15/22 of 30 days); the first two have high
// priority. Customizations and success criteria follow the reference's profile rules.
func Plan(p Profile, requested string, now time.Time) (*aidapb.Onboarding, error) {
	if requested == "" {
		requested = TemplateStandard
	}
	if _, ok := TemplateOf(requested); !ok {
		var bad fault.Fields
		bad.Add("template", "must be one of standard, enterprise, self_service")
		return nil, bad.Err()
	}
	value, err := decimal.NewFromString(strings.TrimSpace(p.DealValue))
	if err != nil {
		value = decimal.Zero
	}
	tier := "standard"
	switch {
	case value.GreaterThan(decimal.NewFromInt(50000)):
		tier = "high"
	case value.GreaterThan(decimal.NewFromInt(15000)):
		tier = "medium"
	}
	size, tech := "unknown", "medium"
	if p.HasLead {
		size, tech = companySize(p.Company), sophistication(p.Source)
	}
	name := requested
	switch {
	case tier == "high":
		name = TemplateEnterprise
	case tech == "high":
		name = TemplateSelfService
	}
	t, _ := TemplateOf(name)
	o := &aidapb.Onboarding{Template: name, DealId: p.DealID, DurationDays: int32(t.Days), Status: PlanActive,
		StartedAt: timestamppb.New(now)}
	if name != requested {
		o.Requested = requested
	}
	for i, m := range t.Milestones {
		due := now.Add(time.Duration(i*t.Days/len(t.Milestones)) * 24 * time.Hour)
		priority := "medium"
		if i < 2 {
			priority = "high"
		}
		o.Milestones = append(o.Milestones, &aidapb.Milestone{Name: m, DueAt: timestamppb.New(due),
			Status: MilestonePending, Priority: priority})
	}
	if tier == "high" {
		o.Customizations = append(o.Customizations, "dedicated_csm", "priority_support", "custom_training")
	}
	switch tech {
	case "high":
		o.Customizations = append(o.Customizations, "api_documentation", "developer_resources")
	case "low":
		o.Customizations = append(o.Customizations, "guided_setup", "extra_training_sessions")
	}
	o.SuccessCriteria = []string{"account_activation", "first_successful_use"}
	if size == "enterprise" {
		o.SuccessCriteria = append(o.SuccessCriteria, "team_training_completion", "integration_setup")
	}
	if value.GreaterThan(decimal.NewFromInt(25000)) {
		o.SuccessCriteria = append(o.SuccessCriteria, "roi_demonstration")
	}
	return o, nil
}

func companySize(company string) string {
	c := strings.ToLower(company)
	switch {
	case strings.Contains(c, "enterprise"), strings.Contains(c, "corp"), strings.Contains(c, "international"):
		return "enterprise"
	case strings.Contains(c, "inc"), strings.Contains(c, "llc"), strings.Contains(c, "ltd"):
		return "medium"
	}
	return "small"
}

func sophistication(source string) string {
	switch source {
	case "api", "developer_portal", "github":
		return "high"
	case "demo_request", "pricing_page":
		return "medium"
	}
	return "low"
}

// startOnboarding starts plan c on account s at now: the plan, the lifecycle back to onboarding
// after churn, the customer's initial health (initialHealth) and a reminder per milestone.
func startOnboarding(s *aidapb.Account, c *aidapb.StartOnboarding, now time.Time) ([]*aidapb.Event, error) {
	var bad fault.Fields
	plan := c.GetPlan()
	why := record.Text(&bad, "reason", c.GetReason(), record.MaxReason)
	if plan.GetDealId() == "" {
		bad.Add("plan.deal_id", "is required")
	}
	if _, ok := TemplateOf(plan.GetTemplate()); !ok {
		bad.Add("plan.template", "must be one of standard, enterprise, self_service")
	}
	if len(plan.GetMilestones()) == 0 {
		bad.Add("plan.milestones", "are required")
	}
	seen := map[string]bool{}
	for _, m := range plan.GetMilestones() {
		if m.GetName() == "" || m.GetDueAt() == nil || len(m.GetName()) > 80 || seen[m.GetName()] {
			bad.Add("plan.milestones", "each needs a unique name of at most 80 characters and a due_at")
			break
		}
		seen[m.GetName()] = true
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if old := s.GetOnboarding(); old != nil {
		if old.GetDealId() == plan.GetDealId() {
			return nil, nil // already started from this deal
		}
		if s.GetLifecycle() != Churned {
			return nil, fault.New(fault.Transition, "the account was onboarded from deal %s already (%s)", old.GetDealId(), old.GetStatus())
		}
	}
	if why == "" {
		why = "deal " + plan.GetDealId() + " won"
	}
	o := proto.Clone(plan).(*aidapb.Onboarding)
	o.Status = PlanActive
	events := []*aidapb.Event{{Type: TypeOnboardingStarted, Data: &aidapb.Event_OnboardingStarted{
		OnboardingStarted: &aidapb.OnboardingStarted{Onboarding: o}}}}
	// A plan started again (after churn) replaces the old one: its milestones no longer fall due.
	for _, r := range s.GetReminders() {
		if name, ok := strings.CutPrefix(r.GetName(), MilestonePrefix); ok && !seen[name] {
			events = append(events, &aidapb.Event{Type: "crm.account.reminder_cancelled", Data: &aidapb.Event_ReminderCancelled{
				ReminderCancelled: &aidapb.ReminderCancelled{Name: r.GetName(), Reason: "the onboarding plan was replaced"}}})
		}
	}
	if s.GetLifecycle() == Churned {
		events = append(events, &aidapb.Event{Type: TypeLifecycleChanged, Data: &aidapb.Event_AccountLifecycleChanged{
			AccountLifecycleChanged: &aidapb.AccountLifecycleChanged{From: Churned, To: Onboarding, Reason: why}}})
	}
	if o.StartedAt == nil {
		o.StartedAt = timestamppb.New(now)
	}
	next := proto.Clone(s).(*aidapb.Account)
	next.Onboarding = o
	if h := ComputeHealth(next, now); h.GetScore() != s.GetHealth().GetScore() || h.GetCategory() != s.GetHealth().GetCategory() {
		events = append(events, &aidapb.Event{Type: TypeHealthChanged, Data: &aidapb.Event_AccountHealthChanged{
			AccountHealthChanged: &aidapb.AccountHealthChanged{Health: h, FromCategory: s.GetHealth().GetCategory()}}})
	}
	for _, m := range o.GetMilestones() {
		events = append(events, &aidapb.Event{Type: "crm.account.reminder_set", Data: &aidapb.Event_ReminderSet{ReminderSet: &aidapb.ReminderSet{
			Name: MilestonePrefix + m.GetName(), DueAt: m.GetDueAt(), Reason: "onboarding milestone " + m.GetName() + " falls due"}}})
	}
	return events, nil
}

func completeMilestone(s *aidapb.Account, c *aidapb.CompleteMilestone, actor string) ([]*aidapb.Event, error) {
	var bad fault.Fields
	name := record.Line(&bad, "name", c.GetName(), record.MaxName)
	why := record.Text(&bad, "reason", c.GetReason(), record.MaxReason)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	o := s.GetOnboarding()
	if o == nil {
		return nil, fault.New(fault.Transition, "the account has no onboarding plan")
	}
	i := slices.IndexFunc(o.GetMilestones(), func(m *aidapb.Milestone) bool { return m.GetName() == name })
	if i < 0 {
		var names []string
		for _, m := range o.GetMilestones() {
			names = append(names, m.GetName())
		}
		return nil, fault.New(fault.NotFound, "the onboarding plan has no milestone %q; it has %s", name, strings.Join(names, ", "))
	}
	if o.GetMilestones()[i].GetStatus() == MilestoneDone {
		return nil, fault.New(fault.Transition, "milestone %s is already done", name)
	}
	if why == "" {
		why = "completed by " + actor
	}
	events := []*aidapb.Event{{Type: TypeMilestoneCompleted, Data: &aidapb.Event_MilestoneCompleted{
		MilestoneCompleted: &aidapb.MilestoneCompleted{Name: name, Reason: why}}}}
	if record.PendingToken(s.GetReminders(), MilestonePrefix+name) != "" {
		events = append(events, &aidapb.Event{Type: "crm.account.reminder_cancelled", Data: &aidapb.Event_ReminderCancelled{
			ReminderCancelled: &aidapb.ReminderCancelled{Name: MilestonePrefix + name, Reason: "milestone done"}}})
	}
	left := 0
	for j, m := range o.GetMilestones() {
		if j != i && m.GetStatus() != MilestoneDone {
			left++
		}
	}
	if left == 0 {
		events = append(events, &aidapb.Event{Type: TypeOnboardingCompleted, Data: &aidapb.Event_OnboardingCompleted{
			OnboardingCompleted: &aidapb.OnboardingCompleted{DealId: o.GetDealId()}}})
		if s.GetLifecycle() == Onboarding {
			events = append(events, &aidapb.Event{Type: TypeLifecycleChanged, Data: &aidapb.Event_AccountLifecycleChanged{
				AccountLifecycleChanged: &aidapb.AccountLifecycleChanged{From: Onboarding, To: Active, Reason: "onboarding completed"}}})
		}
	}
	return events, nil
}

// recomputeHealth records the health score when its category moved, or when the account had
// none; a score that moved within its category is not worth an event.
func recomputeHealth(s *aidapb.Account, now time.Time) []*aidapb.Event {
	h := ComputeHealth(s, now)
	old := s.GetHealth()
	if old != nil && old.GetCategory() == h.GetCategory() {
		return nil
	}
	return []*aidapb.Event{{Type: TypeHealthChanged, Data: &aidapb.Event_AccountHealthChanged{
		AccountHealthChanged: &aidapb.AccountHealthChanged{Health: h, FromCategory: old.GetCategory()}}}}
}

func applyOnboarding(s *aidapb.Account, e *aidapb.Event) {
	switch d := e.GetData().(type) {
	case *aidapb.Event_OnboardingStarted:
		s.Onboarding = proto.Clone(d.OnboardingStarted.GetOnboarding()).(*aidapb.Onboarding)
		if s.Onboarding.StartedAt == nil {
			s.Onboarding.StartedAt = record.Stamp(e)
		}
	case *aidapb.Event_MilestoneCompleted:
		for _, m := range s.GetOnboarding().GetMilestones() {
			if m.GetName() == d.MilestoneCompleted.GetName() {
				m.Status, m.DoneAt = MilestoneDone, record.Stamp(e)
			}
		}
	case *aidapb.Event_OnboardingCompleted:
		if s.Onboarding != nil {
			s.Onboarding.Status = PlanCompleted
		}
	}
}
