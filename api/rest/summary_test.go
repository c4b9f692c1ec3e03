package rest

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

// dataField returns the name of the event's data field (deal_stage_changed …).
func dataField(e *aidapb.Event) string {
	m := e.ProtoReflect()
	if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("data")); fd != nil {
		return string(fd.Name())
	}
	return ""
}

func TestSummarize(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	at9 := timestamppb.New(time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC))
	ev := func(actor string, data any) *aidapb.Event {
		e := &aidapb.Event{Actor: actor}
		switch d := data.(type) {
		case *aidapb.LeadCaptured:
			e.Data = &aidapb.Event_LeadCaptured{LeadCaptured: d}
		case *aidapb.LeadUpdated:
			e.Data = &aidapb.Event_LeadUpdated{LeadUpdated: d}
		case *aidapb.LeadStatusChanged:
			e.Data = &aidapb.Event_LeadStatusChanged{LeadStatusChanged: d}
		case *aidapb.LeadArchived:
			e.Data = &aidapb.Event_LeadArchived{LeadArchived: d}
		case *aidapb.LeadRestored:
			e.Data = &aidapb.Event_LeadRestored{LeadRestored: d}
		case *aidapb.LeadConverted:
			e.Data = &aidapb.Event_LeadConverted{LeadConverted: d}
		case *aidapb.LeadQualified:
			e.Data = &aidapb.Event_LeadQualified{LeadQualified: d}
		case *aidapb.LeadAssessed:
			e.Data = &aidapb.Event_LeadAssessed{LeadAssessed: d}
		case *aidapb.AICalled:
			e.Data = &aidapb.Event_AiCalled{AiCalled: d}
		case *aidapb.AutonomyChanged:
			e.Data = &aidapb.Event_AutonomyChanged{AutonomyChanged: d}
		case *aidapb.NoteAdded:
			e.Data = &aidapb.Event_NoteAdded{NoteAdded: d}
		case *aidapb.DealCreated:
			e.Data = &aidapb.Event_DealCreated{DealCreated: d}
		case *aidapb.DealUpdated:
			e.Data = &aidapb.Event_DealUpdated{DealUpdated: d}
		case *aidapb.DealStageChanged:
			e.Data = &aidapb.Event_DealStageChanged{DealStageChanged: d}
		case *aidapb.AccountCreated:
			e.Data = &aidapb.Event_AccountCreated{AccountCreated: d}
		case *aidapb.AccountUpdated:
			e.Data = &aidapb.Event_AccountUpdated{AccountUpdated: d}
		case *aidapb.AccountDealAttached:
			e.Data = &aidapb.Event_AccountDealAttached{AccountDealAttached: d}
		case *aidapb.AccountHealthChanged:
			e.Data = &aidapb.Event_AccountHealthChanged{AccountHealthChanged: d}
		case *aidapb.AccountLifecycleChanged:
			e.Data = &aidapb.Event_AccountLifecycleChanged{AccountLifecycleChanged: d}
		case *aidapb.ReminderSet:
			e.Data = &aidapb.Event_ReminderSet{ReminderSet: d}
		case *aidapb.ReminderCancelled:
			e.Data = &aidapb.Event_ReminderCancelled{ReminderCancelled: d}
		case *aidapb.ReminderFired:
			e.Data = &aidapb.Event_ReminderFired{ReminderFired: d}
		case *aidapb.TaskAdded:
			e.Data = &aidapb.Event_TaskAdded{TaskAdded: d}
		case *aidapb.TaskCompleted:
			e.Data = &aidapb.Event_TaskCompleted{TaskCompleted: d}
		case *aidapb.FlagSet:
			e.Data = &aidapb.Event_FlagSet{FlagSet: d}
		case *aidapb.FlagCleared:
			e.Data = &aidapb.Event_FlagCleared{FlagCleared: d}
		case *aidapb.DraftCreated:
			e.Data = &aidapb.Event_DraftCreated{DraftCreated: d}
		case *aidapb.DraftDecided:
			e.Data = &aidapb.Event_DraftDecided{DraftDecided: d}
		case *aidapb.SignalReceived:
			e.Data = &aidapb.Event_SignalReceived{SignalReceived: d}
		case *aidapb.SequenceStarted:
			e.Data = &aidapb.Event_SequenceStarted{SequenceStarted: d}
		case *aidapb.SequenceAdvanced:
			e.Data = &aidapb.Event_SequenceAdvanced{SequenceAdvanced: d}
		case *aidapb.SequenceStopped:
			e.Data = &aidapb.Event_SequenceStopped{SequenceStopped: d}
		case *aidapb.SequenceCompleted:
			e.Data = &aidapb.Event_SequenceCompleted{SequenceCompleted: d}
		case *aidapb.OnboardingStarted:
			e.Data = &aidapb.Event_OnboardingStarted{OnboardingStarted: d}
		case *aidapb.MilestoneCompleted:
			e.Data = &aidapb.Event_MilestoneCompleted{MilestoneCompleted: d}
		case *aidapb.OnboardingCompleted:
			e.Data = &aidapb.Event_OnboardingCompleted{OnboardingCompleted: d}
		default:
			t.Fatalf("no case for %T", data)
		}
		return e
	}
	tests := []struct {
		kind string
		e    *aidapb.Event
		want string
	}{
		{"lead", ev("api", &aidapb.LeadCaptured{Lead: &aidapb.Lead{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Source: "web"}}),
			"api captured the lead Ada Lovelace (ada@example.com) from web"},
		{"lead", ev("user:ann", &aidapb.LeadUpdated{Company: proto.String("ACME"), Owner: proto.String(""), UtmChanged: true,
			Utm: map[string]string{"utm_source": "g"}}),
			`user:ann updated the lead's company to "ACME", UTM parameters and owner to nothing`},
		{"lead", ev("api", &aidapb.LeadStatusChanged{From: "new", To: "contacted", Reason: "the lead replied"}),
			"api moved the lead from new to contacted: the lead replied"},
		{"lead", ev("api", &aidapb.LeadArchived{From: "new", Reason: "spam"}), "api archived the lead: spam"},
		{"lead", ev("api", &aidapb.LeadRestored{To: "new"}), "api restored the lead to new"},
		{"lead", ev("api", &aidapb.LeadConverted{DealId: "d1"}), "api converted the lead into deal d1"},
		{"lead", ev("ai", &aidapb.LeadAssessed{Assessment: &aidapb.Assessment{Score: 820, Model: "gpt-4o-mini", Reason: "a buyer asking for a demo"}}),
			"ai (gpt-4o-mini) read the lead at 0.820: a buyer asking for a demo"},
		{"lead", ev("ai", &aidapb.AICalled{Call: &aidapb.AICall{Purpose: "qualify", Model: "gpt-4o-mini", TokensIn: 412, TokensOut: 38, LatencyMs: 950, Outcome: "ok"}}),
			"ai asked gpt-4o-mini to qualify (412+38 tokens, 950 ms)"},
		{"deal", ev("ai", &aidapb.AICalled{Call: &aidapb.AICall{Purpose: "next_action", Outcome: "timeout", Reason: "the offline brain answered: timeout"}}),
			"ai asked the model to propose a next action (0+0 tokens, 0 ms): timeout: the offline brain answered: timeout"},
		{"lead", ev("agent:qualifier", &aidapb.LeadQualified{Qualification: &aidapb.Qualification{Score: 725, Decision: "qualified"}}),
			"agent:qualifier scored the lead 0.725 (decision qualified)"},
		{"account", ev("user:ann", &aidapb.AutonomyChanged{From: 2, To: 4, Reason: "trusted"}),
			"user:ann changed the account's autonomy level from L2 to L4: trusted"},
		{"deal", ev("user:ann", &aidapb.NoteAdded{Note: &aidapb.Note{Text: "sent the\nquote"}}), "user:ann added a note: sent the quote"},
		{"deal", ev("api", &aidapb.DealCreated{Deal: &aidapb.Deal{Title: "Renewal", Value: "12500.00", Currency: "EUR", Company: "ACME"}}),
			`api created the deal "Renewal" worth 12500.00 EUR for ACME`},
		{"deal", ev("api", &aidapb.DealCreated{Deal: &aidapb.Deal{Value: "0"}}), "api created a deal"},
		{"deal", ev("api", &aidapb.DealUpdated{Probability: proto.Int32(40)}), "api updated the deal's probability to 40"},
		{"deal", ev("api", &aidapb.DealUpdated{Title: proto.String("Big"), Value: proto.String("10"), Currency: proto.String("EUR"),
			Owner: proto.String("bob"), Probability: proto.Int32(40), Description: proto.String("d")}),
			`api updated the deal's title to "Big", value to "10", currency to "EUR" and 3 more fields`},
		{"deal", ev("api", &aidapb.DealStageChanged{From: "proposal", To: "negotiation", Reason: "pricing agreed"}),
			"api moved the deal from proposal to negotiation: pricing agreed"},
		{"deal", ev("user:ann", &aidapb.DealStageChanged{From: "negotiation", To: "closed_won", Reason: "signed"}),
			"user:ann marked the deal won: signed"},
		{"deal", ev("user:ann", &aidapb.DealStageChanged{From: "closed_lost", To: "proposal"}), "user:ann reopened the deal in proposal"},
		{"account", ev("api", &aidapb.AccountCreated{Account: &aidapb.Account{Name: "ACME", Domain: "acme.com"}}),
			"api created the account ACME (acme.com)"},
		{"account", ev("api", &aidapb.AccountUpdated{Domain: proto.String("acme.io")}), `api updated the account's domain to "acme.io"`},
		{"account", ev("agent:success", &aidapb.AccountDealAttached{Deal: &aidapb.AccountDeal{DealId: "d1", Title: "Renewal", Stage: "closed_won"}}),
			`agent:success attached the deal "Renewal" (closed_won) to the account`},
		{"account", ev("agent:success", &aidapb.AccountHealthChanged{FromCategory: "good", Health: &aidapb.Health{Score: 615, Category: "fair"}}),
			"agent:success recomputed the account's health: fair at 61.5, was good"},
		{"account", ev("api", &aidapb.AccountLifecycleChanged{From: "onboarding", To: "active", Reason: "live"}),
			"api moved the account from onboarding to active: live"},
		{"lead", ev("api", &aidapb.ReminderSet{Name: "follow_up", DueAt: at9, Reason: "call back"}),
			"api set the reminder follow_up for 2026-03-01 09:30 UTC: call back"},
		{"lead", ev("api", &aidapb.ReminderCancelled{Name: "follow_up"}), "api cancelled the reminder follow_up"},
		{"lead", ev("reminder:sequence", &aidapb.ReminderFired{Name: "sequence"}), "reminder sequence fired"},
		{"deal", ev("agent:pipeline", &aidapb.TaskAdded{Task: &aidapb.Task{Title: "Call Ada", Assignee: "bob", DueAt: at, Reason: "the deal is stale"}}),
			`agent:pipeline added the task "Call Ada" for bob, due 2026-03-01: the deal is stale`},
		{"deal", ev("user:bob", &aidapb.TaskCompleted{TaskId: "t1", Reason: "called"}), "user:bob completed task t1: called"},
		{"deal", ev("agent:pipeline", &aidapb.FlagSet{Flag: &aidapb.Flag{Name: "stale", Reason: "no activity for 14 days"}}),
			"agent:pipeline flagged the deal stale: no activity for 14 days"},
		{"deal", ev("api", &aidapb.FlagCleared{Name: "stale", Reason: "moved"}), "api cleared the deal's stale flag: moved"},
		{"lead", ev("agent:nurture", &aidapb.DraftCreated{Draft: &aidapb.Draft{Kind: "email", Subject: "Our Value", Sequence: "0190a5c4", Step: 2,
			Reason: "step 2 of 4 of the welcome sequence"}}),
			"agent:nurture drafted step 2 of the welcome sequence: Our Value"},
		{"lead", ev("api", &aidapb.DraftCreated{Draft: &aidapb.Draft{Kind: "email", Subject: "Hello", To: "ada@example.com", Reason: "intro"}}),
			`api drafted the email "Hello" to ada@example.com: intro`},
		{"lead", ev("api", &aidapb.DraftCreated{Draft: &aidapb.Draft{Kind: "sms", To: "+44 1"}}), "api drafted an SMS to +44 1"},
		{"deal", ev("agent:pipeline", &aidapb.DraftCreated{Draft: &aidapb.Draft{Kind: "flag", Flag: &aidapb.Flag{Name: "stale", Reason: "quiet"}}}),
			"agent:pipeline proposed flagging the deal stale: quiet"},
		{"deal", ev("agent:pipeline", &aidapb.DraftCreated{Draft: &aidapb.Draft{Kind: "task", Task: &aidapb.Task{Title: "Call"}, Reason: "stale"}}),
			`agent:pipeline proposed the task "Call": stale`},
		{"lead", ev("user:ann", &aidapb.DraftDecided{DraftId: "d1", Status: "approved"}), "user:ann approved draft d1"},
		{"lead", ev("user:ann", &aidapb.DraftDecided{DraftId: "d1", Status: "discarded", Reason: "tone"}), "user:ann discarded draft d1: tone"},
		{"lead", ev("inbound", &aidapb.SignalReceived{Type: "email.replied", From: "ada@example.com"}), "email reply received from ada@example.com"},
		{"lead", ev("inbound", &aidapb.SignalReceived{Type: "email.bounced", From: "ada@example.com"}), "email to ada@example.com bounced"},
		{"lead", ev("inbound", &aidapb.SignalReceived{Type: "sms.opted_out"}), "the contact opted out of SMS"},
		{"lead", ev("agent:nurture", &aidapb.SequenceStarted{Sequence: &aidapb.Sequence{Type: "re_engagement", Steps: 3}}),
			"agent:nurture started the re-engagement sequence of 3 steps"},
		{"lead", ev("agent:nurture", &aidapb.SequenceAdvanced{SequenceId: "s1", Step: 2, NextAt: at}),
			"agent:nurture advanced the sequence to step 2; the next step is due 2026-03-01"},
		{"lead", ev("inbound", &aidapb.SequenceStopped{SequenceId: "s1", Reason: "the lead replied"}), "inbound stopped the sequence: the lead replied"},
		{"lead", ev("agent:nurture", &aidapb.SequenceCompleted{SequenceId: "s1"}), "agent:nurture completed the sequence with its last step"},
		{"account", ev("agent:success", &aidapb.OnboardingStarted{Onboarding: &aidapb.Onboarding{Template: "self_service", Requested: "standard",
			DealId: "d1", DurationDays: 30, Milestones: []*aidapb.Milestone{{Name: "a"}, {Name: "b"}}}}),
			"agent:success started the self-service onboarding from deal d1 (standard was asked for): 2 milestones over 30 days"},
		{"account", ev("user:ann", &aidapb.MilestoneCompleted{Name: "kickoff", Reason: "held"}),
			"user:ann completed the onboarding milestone kickoff: held"},
		{"account", ev("user:ann", &aidapb.OnboardingCompleted{DealId: "d1"}), "user:ann completed the account's onboarding from deal d1"},
		{"", &aidapb.Event{Type: "crm.deal.flag_set", Data: &aidapb.Event_FlagSet{FlagSet: &aidapb.FlagSet{Flag: &aidapb.Flag{Name: "overdue"}}}},
			"someone flagged the deal overdue"},
		{"lead", &aidapb.Event{Actor: "api", Type: "crm.lead.future"}, "api recorded crm.lead.future"},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[dataField(tt.e)] = true
		if got := Summarize(tt.kind, tt.e); got != tt.want {
			t.Errorf("Summarize(%s, %s)\n got %q\nwant %q", tt.kind, dataField(tt.e), got, tt.want)
		}
	}
	od := (&aidapb.Event{}).ProtoReflect().Descriptor().Oneofs().ByName("data")
	for i := range od.Fields().Len() {
		if name := string(od.Fields().Get(i).Name()); !covered[name] {
			t.Errorf("no example summary of %s", name)
		}
	}
	long := ev("api", &aidapb.LeadArchived{Reason: strings.Repeat("why ", 100)})
	if got := Summarize("lead", long); len([]rune(got)) > 150 || !strings.HasSuffix(got, "…") {
		t.Errorf("a long reason is not shortened: %q", got)
	}
}

// fill sets every scalar field of m, and of the messages it holds, to a value named after the
// field, so that a summary has something to tell.
func fill(m protoreflect.Message, depth int) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		switch {
		case fd.IsMap():
		case fd.IsList():
			if fd.Kind() == protoreflect.MessageKind && depth < 3 {
				l := m.Mutable(fd).List()
				v := l.NewElement()
				fill(v.Message(), depth+1)
				l.Append(v)
			}
		case fd.Kind() == protoreflect.StringKind:
			m.Set(fd, protoreflect.ValueOfString(string(fd.Name())))
		case fd.Kind() == protoreflect.Int32Kind:
			m.Set(fd, protoreflect.ValueOfInt32(2))
		case fd.Kind() == protoreflect.Int64Kind:
			m.Set(fd, protoreflect.ValueOfInt64(2))
		case fd.Kind() == protoreflect.BoolKind:
			m.Set(fd, protoreflect.ValueOfBool(true))
		case fd.Message() != nil && fd.Message().FullName() == "google.protobuf.Timestamp":
			m.Set(fd, protoreflect.ValueOfMessage(timestamppb.New(time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)).ProtoReflect()))
		case fd.Kind() == protoreflect.MessageKind && fd.Message().FullName() != "google.protobuf.Struct" && depth < 3:
			fill(m.Mutable(fd).Message(), depth+1)
		}
	}
}

// Every event of the Event oneof, empty or full, gets a summary of its own: one line, not the
// generic one, without dangling separators.
func TestSummarizeEveryEvent(t *testing.T) {
	od := (&aidapb.Event{}).ProtoReflect().Descriptor().Oneofs().ByName("data")
	if od.Fields().Len() < 34 {
		t.Fatalf("the data oneof has only %d fields", od.Fields().Len())
	}
	for i := range od.Fields().Len() {
		fd := od.Fields().Get(i)
		for _, full := range []bool{false, true} {
			e := &aidapb.Event{Type: "crm.lead." + string(fd.Name()), Actor: "agent:test"}
			m := e.ProtoReflect()
			data := m.NewField(fd).Message()
			if full {
				fill(data, 0)
			}
			m.Set(fd, protoreflect.ValueOfMessage(data))
			for _, kind := range []string{"lead", "deal", "account", ""} {
				got := Summarize(kind, e)
				switch {
				case got == generic(e):
					t.Errorf("%s (full %v): generic summary %q", fd.Name(), full, got)
				case got == "" || strings.ContainsAny(got, "\n\t") || strings.Contains(got, "  ") ||
					strings.TrimSpace(got) != got || strings.HasSuffix(got, ":") || strings.HasSuffix(got, ","):
					t.Errorf("%s (full %v, kind %q): malformed summary %q", fd.Name(), full, kind, got)
				case full && strings.HasPrefix(string(fd.Name()), "signal") == strings.Contains(got, "agent:test") &&
					fd.Name() != "reminder_fired":
					t.Errorf("%s: summary %q: a signal has no actor, every other event but a fired reminder has one", fd.Name(), got)
				}
			}
		}
	}
}
