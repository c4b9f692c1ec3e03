package rest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFixed(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		places int
		want   string
	}{
		{725, 3, "0.725"}, {1000, 3, "1.000"}, {0, 3, "0.000"}, {5, 3, "0.005"},
		{725, 1, "72.5"}, {1000, 1, "100.0"}, {-25, 2, "-0.25"}, {1234567, 2, "12345.67"},
	} {
		if got := string(fixed(tc.n, tc.places)); got != tc.want {
			t.Errorf("fixed(%d, %d) = %s, want %s", tc.n, tc.places, got, tc.want)
		}
	}
}

func TestWeightedValue(t *testing.T) {
	for _, tc := range []struct {
		value string
		prob  int32
		want  string
	}{
		{"12500.00", 25, "3125.00"}, {"0.10", 33, "0.03"}, {"0.10", 35, "0.04"},
		{"99999999999999.99", 100, "99999999999999.99"}, {"", 50, "0.00"}, {"abc", 50, "0.00"},
		{"1e1000000000", 50, "0.00"}, {"333.33", 10, "33.33"},
	} {
		if got := WeightedValue(tc.value, tc.prob); got != tc.want {
			t.Errorf("WeightedValue(%q, %d) = %s, want %s", tc.value, tc.prob, got, tc.want)
		}
	}
}

func TestViewLead(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	custom, _ := structpb.NewStruct(map[string]any{"seats": 40.0})
	l := &aidapb.Lead{Id: "l1", Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace",
		Utm: map[string]string{"utm_source": "google"}, CustomFields: custom, Status: "qualified",
		Qualification: &aidapb.Qualification{Score: 725, Confidence: 1000, Decision: "qualified", Model: "offline",
			Dimensions: []*aidapb.Dimension{{Name: "fit", Score: 5, Weight: 25, Reason: "size"}}},
		NextActions: []*aidapb.NextAction{{Action: "email", Mode: "approve"}}, AutonomyLevel: 3,
		Notes:   []*aidapb.Note{{Id: "n1", Text: "hi", Author: "api", CreatedAt: timestamppb.New(at)}},
		Version: 4, CreatedAt: timestamppb.New(at)}
	got := marshal(t, CapturedLead{Lead: ViewLead(l), Duplicate: true})
	for _, want := range []string{
		`"full_name":"Ada Lovelace"`, `"utm":{"utm_source":"google"}`, `"custom_fields":{"seats":40}`,
		`"qualification":{"score":0.725,"confidence":1.000,"decision":"qualified","model":"offline","dimensions":[{"name":"fit","score":0.005,"weight":0.25,"reason":"size"}]}`,
		`"next_actions":[{"action":"email","mode":"approve","reason":""}]`,
		`"created_at":"2025-06-01T10:30:00Z"`, `"updated_at":null`, `"version":4`, `"duplicate":true`,
		`"notes":[{"id":"n1","text":"hi","author":"api","created_at":"2025-06-01T10:30:00Z"}]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lead JSON lacks %s:\n%s", want, got)
		}
	}
	empty := marshal(t, ViewLead(&aidapb.Lead{}))
	for _, want := range []string{`"utm":{}`, `"custom_fields":{}`, `"notes":[]`, `"next_actions":[]`, `"qualification":null`} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty lead JSON lacks %s:\n%s", want, empty)
		}
	}
}

func TestViewDealAndAccount(t *testing.T) {
	d := marshal(t, ViewDeal(&aidapb.Deal{Id: "d1", Value: "12500.00", Probability: 25, Stage: "proposal",
		StageHistory: []*aidapb.StageChange{{From: "prospect", To: "proposal"}}}))
	for _, want := range []string{`"value":"12500.00"`, `"weighted_value":"3125.00"`, `"probability":25`,
		`"stage_history":[{"from":"prospect","to":"proposal","reason":"","actor":"","at":null}]`, `"closed_at":null`} {
		if !strings.Contains(d, want) {
			t.Errorf("deal JSON lacks %s:\n%s", want, d)
		}
	}
	a := marshal(t, ViewAccount(&aidapb.Account{Id: "a1", Name: "ACME",
		Health: &aidapb.Health{Score: 725, Category: "good", ChurnProbability: 120, RiskLevel: "low"},
		Deals:  []*aidapb.AccountDeal{{DealId: "d1", Value: "10"}}}))
	for _, want := range []string{`"health":{"score":72.5,"category":"good","churn_probability":0.120,"risk_level":"low","dimensions":[],"calculated_at":null}`,
		`"deals":[{"deal_id":"d1","title":"","value":"10","currency":"","stage":""}]`} {
		if !strings.Contains(a, want) {
			t.Errorf("account JSON lacks %s:\n%s", want, a)
		}
	}
}

func TestEventPayload(t *testing.T) {
	ev := &aidapb.Event{Id: "e1", Type: "crm.deal.stage_changed", Version: 3,
		Data: &aidapb.Event_DealStageChanged{DealStageChanged: &aidapb.DealStageChanged{From: "prospect", To: "proposal", ForecastCategory: "pipeline"}}}
	b, err := EventPayload(ev)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["from"] != "prospect" || got["forecast_category"] != "pipeline" {
		t.Fatalf("payload = %s", b)
	}
	if b, _ := EventPayload(&aidapb.Event{}); string(b) != "{}" {
		t.Fatalf("empty payload = %s", b)
	}
	if _, err := ParseEvent([]byte(`{"id":"e1","futureField":1,"leadRestored":{"to":"new"}}`)); err != nil {
		t.Fatalf("unknown fields must be discarded: %v", err)
	}
	if _, err := ParseEvent([]byte(`{`)); err == nil {
		t.Fatal("ParseEvent accepted bad JSON")
	}
}

func TestViewWork(t *testing.T) {
	at := timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	work := &aidapb.Work{
		Tasks: []*aidapb.Task{{Id: "t1", Title: "Call", Assignee: "bob", DueAt: at, Status: "open", Reason: "asked",
			CreatedBy: "api", CreatedAt: at, Key: "k1"}},
		Flags: []*aidapb.Flag{{Name: "stale", Reason: "quiet", SetBy: "agent:pipeline", SetAt: at}},
		Drafts: []*aidapb.Draft{
			{Id: "d1", Kind: "email", Status: "pending", To: "ada@example.com", Subject: "Our Value", Body: "Hi",
				Sequence: "s1", Step: 2, CreatedBy: "agent:nurture", CreatedAt: at},
			{Id: "d2", Kind: "flag", Status: "discarded", Flag: &aidapb.Flag{Name: "at_risk"}, DecidedBy: "user:ann",
				DecisionReason: "fine", DecidedAt: at},
		},
	}
	engagement := &aidapb.Engagement{LastReplyAt: at, Replies: 2, Opens: 5, OptedOut: true,
		SignalIds: []string{"secret-signal"}, RecentContacts: []*timestamppb.Timestamp{at}}
	reminders := []*aidapb.ReminderRef{{Name: "sequence", Token: "secret-token", DueAt: at}}
	const ts = `"2026-01-02T03:04:05Z"`
	shared := []string{
		`"tasks":[{"id":"t1","title":"Call","assignee":"bob","due_at":` + ts + `,"status":"open","reason":"asked","key":"k1","created_by":"api","created_at":` + ts + `,"done_by":"","done_at":null}]`,
		`"flags":[{"name":"stale","reason":"quiet","set_by":"agent:pipeline","set_at":` + ts + `}]`,
		`{"id":"d1","kind":"email","status":"pending","to":"ada@example.com","subject":"Our Value","body":"Hi","task":null,"flag":null,"reason":"","key":"","sequence":"s1","step":2,"created_by":"agent:nurture","created_at":` + ts + `,"decided_by":"","decision_reason":"","decided_at":null}`,
		`"flag":{"name":"at_risk","reason":"","set_by":"","set_at":null}`,
		`"engagement":{"last_contact_at":null,"last_reply_at":` + ts + `,"replies":2,"opens":5,"bounces":0,"email_bounced":false,"opted_out":true}`,
		`"reminders":[{"name":"sequence","due_at":` + ts + `}]`,
	}
	for _, tc := range []struct {
		name string
		v    any
		want []string
	}{
		{"lead", ViewLead(&aidapb.Lead{Work: work, Engagement: engagement, Reminders: reminders,
			Sequence: &aidapb.Sequence{Id: "s1", Type: "welcome", Step: 2, Steps: 4, Status: "active", StartedAt: at, NextAt: at}}),
			[]string{`"sequence":{"id":"s1","type":"welcome","step":2,"steps":4,"status":"active","stop_reason":"","started_at":` + ts + `,"next_at":` + ts + `,"done":[]}`}},
		{"deal", ViewDeal(&aidapb.Deal{Work: work, Engagement: engagement, Reminders: reminders, LastActivityAt: at}),
			[]string{`"last_activity_at":` + ts}},
		{"account", ViewAccount(&aidapb.Account{Work: work, Engagement: engagement, Reminders: reminders,
			Onboarding: &aidapb.Onboarding{Template: "enterprise", Requested: "standard", DealId: "d9", DurationDays: 90,
				Status: "active", StartedAt: at, SuccessCriteria: []string{"live"},
				Milestones: []*aidapb.Milestone{{Name: "kickoff", DueAt: at, Status: "due", Priority: "high"}}}}),
			[]string{`"onboarding":{"template":"enterprise","requested":"standard","deal_id":"d9","duration_days":90,"status":"active","started_at":` + ts +
				`,"customizations":[],"success_criteria":["live"],"milestones":[{"name":"kickoff","due_at":` + ts + `,"status":"due","priority":"high","done_at":null}]}`}},
	} {
		got := marshal(t, tc.v)
		for _, want := range append(shared, tc.want...) {
			if !strings.Contains(got, want) {
				t.Errorf("%s JSON lacks %s:\n%s", tc.name, want, got)
			}
		}
		for _, secret := range []string{"secret-signal", "secret-token", "signal_ids", "recent_contacts", "token"} {
			if strings.Contains(got, secret) {
				t.Errorf("%s JSON shows %s:\n%s", tc.name, secret, got)
			}
		}
	}
	empty := []string{`"tasks":[]`, `"flags":[]`, `"drafts":[]`, `"reminders":[]`,
		`"engagement":{"last_contact_at":null,"last_reply_at":null,"replies":0,"opens":0,"bounces":0,"email_bounced":false,"opted_out":false}`}
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"lead", ViewLead(&aidapb.Lead{}), `"sequence":null`},
		{"deal", ViewDeal(&aidapb.Deal{}), `"last_activity_at":null`},
		{"account", ViewAccount(&aidapb.Account{}), `"onboarding":null`},
	} {
		got := marshal(t, tc.v)
		for _, want := range append(empty, tc.want) {
			if !strings.Contains(got, want) {
				t.Errorf("empty %s JSON lacks %s:\n%s", tc.name, want, got)
			}
		}
	}
}
