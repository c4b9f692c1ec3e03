package bus

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
)

// TestSamplesFollowTheCatalogue: each sample's type is in the catalogue, on its kind, with the
// catalogue's payload; and every entry of the catalogue has a sample, so the golden envelopes
// cover every payload.
func TestSamplesFollowTheCatalogue(t *testing.T) {
	idx := event.NewIndex()
	covered := map[string]bool{}
	for _, s := range samples() {
		e, ok := idx.Lookup(s.ev.Type)
		if !ok {
			t.Errorf("sample %s: type not in the catalogue", s.ev.Type)
			continue
		}
		m := s.ev.ProtoReflect()
		var payload string
		if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("data")); fd != nil {
			payload = string(fd.Name())
		}
		if payload != string(e.Payload) || !slices.Contains(e.Kinds, s.kind) {
			t.Errorf("sample %s on %s: payload %q, catalogue %s on %q", s.ev.Type, s.kind, payload, e.Payload, e.Kinds)
		}
		covered[string(e.Payload)] = true
	}
	for _, e := range event.Catalogue() {
		if !covered[string(e.Payload)] {
			t.Errorf("no sample (hence no golden envelope) of payload %s", e.Payload)
		}
	}
}

// sample is one event AIDA journals, on its entity: samples has one of every payload of the
// catalogue (api/event), under one of its types.
type sample struct {
	kind, id string
	ev       *aidapb.Event
}

func ptr[T any](v T) *T { return &v }

// samples returns events of every payload, in an order the entities could have journaled them.
func samples() []sample {
	at := timestamppb.New(mustTime("2025-03-01T09:00:00Z"))
	custom, _ := structpb.NewStruct(map[string]any{"plan": "pro", "seats": 12})
	note := &aidapb.Note{Id: "n1", Text: "Called, wants a demo", Author: "ann", CreatedAt: at}
	return []sample{
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.captured", Actor: "user:ann", Data: &aidapb.Event_LeadCaptured{LeadCaptured: &aidapb.LeadCaptured{Lead: &aidapb.Lead{
			Id: "l1", Email: "jo@example.com", FirstName: "Jo", Company: "Acme", Status: "new",
			Utm: map[string]string{"utm_source": "ads"}, CustomFields: custom, AutonomyLevel: 2, CreatedAt: at,
		}}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.updated", Actor: "user:ann", Data: &aidapb.Event_LeadUpdated{LeadUpdated: &aidapb.LeadUpdated{
			Phone: ptr("+15550100"), Owner: ptr("ann"),
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.qualified", Actor: "user:ann", Data: &aidapb.Event_LeadQualified{LeadQualified: &aidapb.LeadQualified{
			Qualification: &aidapb.Qualification{Score: 810, Confidence: 700, Decision: "qualified", Model: "offline",
				Dimensions: []*aidapb.Dimension{{Name: "fit", Score: 900, Weight: 40, Reason: "size"}}},
			NextActions: []*aidapb.NextAction{{Action: "schedule_demo", Mode: "draft", Reason: "L2"}},
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.status_changed", Actor: "user:ann", Data: &aidapb.Event_LeadStatusChanged{LeadStatusChanged: &aidapb.LeadStatusChanged{
			From: "new", To: "contacted", Reason: "called",
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.note_added", Actor: "user:ann", Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{Note: note}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.reminder_set", Actor: "agent:nurture", Data: &aidapb.Event_ReminderSet{ReminderSet: &aidapb.ReminderSet{
			Name: "nurture", DueAt: at, Payload: custom, Token: "tok-1", Reason: "sequence step 2",
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.reminder_fired", Actor: "reminder", Data: &aidapb.Event_ReminderFired{ReminderFired: &aidapb.ReminderFired{
			Name: "nurture", Token: "tok-1", DueAt: at, Attempts: 1,
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.reminder_cancelled", Actor: "agent:nurture", Data: &aidapb.Event_ReminderCancelled{ReminderCancelled: &aidapb.ReminderCancelled{
			Name: "nurture", Reason: "replied",
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.task_added", Actor: "agent:nurture", Data: &aidapb.Event_TaskAdded{TaskAdded: &aidapb.TaskAdded{Task: &aidapb.Task{
			Title: "Call Jo back", Assignee: "ann", DueAt: at, Status: "open", Reason: "asked for a call", CreatedBy: "agent:nurture", CreatedAt: at, Key: "call.1",
		}}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.task_completed", Actor: "user:ann", Data: &aidapb.Event_TaskCompleted{TaskCompleted: &aidapb.TaskCompleted{TaskId: "ev-9", Reason: "called"}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.flag_set", Actor: "agent:pipeline", Data: &aidapb.Event_FlagSet{FlagSet: &aidapb.FlagSet{Flag: &aidapb.Flag{
			Name: "hot", Reason: "replied twice", SetBy: "agent:pipeline", SetAt: at,
		}}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.flag_cleared", Actor: "user:ann", Data: &aidapb.Event_FlagCleared{FlagCleared: &aidapb.FlagCleared{Name: "hot", Reason: "handled"}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.sequence_started", Actor: "agent:nurture", Data: &aidapb.Event_SequenceStarted{SequenceStarted: &aidapb.SequenceStarted{Sequence: &aidapb.Sequence{
			Type: "welcome", Steps: 4, Status: "active", StartedAt: at, NextAt: at,
		}}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.draft_created", Actor: "agent:nurture", Data: &aidapb.Event_DraftCreated{DraftCreated: &aidapb.DraftCreated{Draft: &aidapb.Draft{
			Kind: "email", Status: "pending", To: "jo@example.com", Subject: "Welcome - AIDA-CRM", Body: "Hi Jo,", Reason: "step 1 of 4 of the welcome sequence",
			CreatedBy: "agent:nurture", Key: "sequence.s1.1", Sequence: "s1", Step: 1,
		}}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.sequence_step_drafted", Actor: "agent:nurture", Data: &aidapb.Event_SequenceAdvanced{SequenceAdvanced: &aidapb.SequenceAdvanced{
			SequenceId: "s1", Step: 1, NextAt: at,
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.draft_approved", Actor: "user:ann", Data: &aidapb.Event_DraftDecided{DraftDecided: &aidapb.DraftDecided{DraftId: "ev-14", Status: "approved", Reason: "fine"}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.email_replied", Actor: "inbound:email.replied", Data: &aidapb.Event_SignalReceived{SignalReceived: &aidapb.SignalReceived{
			SignalId: "msg-1", Type: "email.replied", At: at, From: "jo@example.com", Subject: "Re: Welcome", Text: "Tell me more",
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.sequence_stopped", Actor: "inbound:email.replied", Data: &aidapb.Event_SequenceStopped{SequenceStopped: &aidapb.SequenceStopped{
			SequenceId: "s1", Reason: "the lead replied (email.replied)",
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.sequence_completed", Actor: "agent:nurture", Data: &aidapb.Event_SequenceCompleted{SequenceCompleted: &aidapb.SequenceCompleted{SequenceId: "s2"}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.autonomy.level_changed", Actor: "user:ann", Data: &aidapb.Event_AutonomyChanged{AutonomyChanged: &aidapb.AutonomyChanged{
			From: 2, To: 3, Reason: "trusted",
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.archived", Actor: "user:ann", Data: &aidapb.Event_LeadArchived{LeadArchived: &aidapb.LeadArchived{From: "contacted", Reason: "dup"}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.restored", Actor: "user:ann", Data: &aidapb.Event_LeadRestored{LeadRestored: &aidapb.LeadRestored{To: "contacted"}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.converted", Actor: "user:ann", Data: &aidapb.Event_LeadConverted{LeadConverted: &aidapb.LeadConverted{DealId: "d1", From: "contacted"}}}},
		{"deal", "d1", &aidapb.Event{Type: "crm.deal.created", Actor: "user:ann", Data: &aidapb.Event_DealCreated{DealCreated: &aidapb.DealCreated{Deal: &aidapb.Deal{
			Id: "d1", Title: "Acme pro", LeadId: "l1", Stage: "prospect", Probability: 10, Value: "12500.00", Currency: "EUR",
			ExpectedCloseDate: "2025-06-30", CreatedAt: at,
		}}}}},
		{"deal", "d1", &aidapb.Event{Type: "crm.deal.updated", Actor: "user:ann", Data: &aidapb.Event_DealUpdated{DealUpdated: &aidapb.DealUpdated{Value: ptr("15000.00"), Probability: ptr(int32(0))}}}},
		{"deal", "d1", &aidapb.Event{Type: "crm.deal.stage_changed", Actor: "user:ann", Data: &aidapb.Event_DealStageChanged{DealStageChanged: &aidapb.DealStageChanged{
			From: "prospect", To: "proposal", Probability: 50, ForecastCategory: "best_case",
		}}}},
		{"deal", "d1", &aidapb.Event{Type: "crm.deal.note_added", Actor: "user:ann", Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{Note: note}}}},
		{"deal", "d1", &aidapb.Event{Type: "crm.deal.lost", Actor: "user:ann", Data: &aidapb.Event_DealStageChanged{DealStageChanged: &aidapb.DealStageChanged{
			From: "proposal", To: "closed_lost", Reason: "budget", ForecastCategory: "omitted",
		}}}},
		{"deal", "d2", &aidapb.Event{Type: "crm.deal.created", Actor: "user:ann", Data: &aidapb.Event_DealCreated{DealCreated: &aidapb.DealCreated{Deal: &aidapb.Deal{Id: "d2", Title: "Beta", Stage: "prospect"}}}}},
		{"deal", "d2", &aidapb.Event{Type: "crm.deal.won", Actor: "user:ann", Data: &aidapb.Event_DealStageChanged{DealStageChanged: &aidapb.DealStageChanged{
			From: "prospect", To: "closed_won", Probability: 100, ForecastCategory: "closed",
		}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.created", Actor: "user:ann", Data: &aidapb.Event_AccountCreated{AccountCreated: &aidapb.AccountCreated{Account: &aidapb.Account{
			Id: "a1", Name: "Beta", Domain: "beta.example", Lifecycle: "onboarding", CreatedAt: at,
		}}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.updated", Actor: "user:ann", Data: &aidapb.Event_AccountUpdated{AccountUpdated: &aidapb.AccountUpdated{Owner: ptr("bob")}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.deal_attached", Actor: "user:ann", Data: &aidapb.Event_AccountDealAttached{AccountDealAttached: &aidapb.AccountDealAttached{
			Deal: &aidapb.AccountDeal{DealId: "d2", Title: "Beta", Value: "9000.00", Currency: "EUR", Stage: "closed_won"},
		}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.health_changed", Actor: "user:ann", Data: &aidapb.Event_AccountHealthChanged{AccountHealthChanged: &aidapb.AccountHealthChanged{
			Health: &aidapb.Health{Score: 620, Category: "fair", ChurnProbability: 180, RiskLevel: "medium", CalculatedAt: at}, FromCategory: "good",
		}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.lifecycle_changed", Actor: "user:ann", Data: &aidapb.Event_AccountLifecycleChanged{AccountLifecycleChanged: &aidapb.AccountLifecycleChanged{
			From: "onboarding", To: "active",
		}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.onboarding_started", Actor: "agent:success", Data: &aidapb.Event_OnboardingStarted{OnboardingStarted: &aidapb.OnboardingStarted{
			Onboarding: &aidapb.Onboarding{Template: "self_service", DealId: "d2", DurationDays: 14, Status: "active", StartedAt: at, Requested: "standard",
				Milestones:      []*aidapb.Milestone{{Name: "account_activation", DueAt: at, Status: "pending", Priority: "high"}},
				Customizations:  []string{"api_documentation"},
				SuccessCriteria: []string{"account_activation", "first_successful_use"}},
		}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.milestone_completed", Actor: "user:ann", Data: &aidapb.Event_MilestoneCompleted{MilestoneCompleted: &aidapb.MilestoneCompleted{
			Name: "account_activation", Reason: "live",
		}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.onboarding_completed", Actor: "user:ann", Data: &aidapb.Event_OnboardingCompleted{OnboardingCompleted: &aidapb.OnboardingCompleted{DealId: "d2"}}}},
		{"account", "a1", &aidapb.Event{Type: "crm.account.note_added", Actor: "user:ann", Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{Note: note}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.assessed", Actor: "ai", Data: &aidapb.Event_LeadAssessed{LeadAssessed: &aidapb.LeadAssessed{
			Assessment: &aidapb.Assessment{Score: 820, Model: "gpt-4o-mini", Reason: "a buyer asking for a demo"},
		}}}},
		{"lead", "l1", &aidapb.Event{Type: "crm.lead.ai_called", Actor: "ai", Data: &aidapb.Event_AiCalled{AiCalled: &aidapb.AICalled{
			Call: &aidapb.AICall{Purpose: "qualify", Model: "gpt-4o-mini", TokensIn: 412, TokensOut: 38, LatencyMs: 950, Cost: 0.0001,
				Outcome: "ok", PromptHash: "3f2a"},
		}}}},
	}
}
