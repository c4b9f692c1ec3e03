package deal_test

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func TestCreate(t *testing.T) {
	tests := []struct {
		name string
		cmd  *aidapb.CreateDeal
		want *aidapb.Deal // fields checked: title, stage, probability, forecast, value, currency, close date, autonomy
	}{
		{
			name: "defaults",
			cmd:  &aidapb.CreateDeal{Title: " Acme renewal "},
			want: &aidapb.Deal{Title: "Acme renewal", Stage: "prospect", Probability: 10, ForecastCategory: "pipeline",
				Value: "0.00", Currency: "USD", ExpectedCloseDate: "2025-04-09", AutonomyLevel: 1},
		},
		{
			name: "from a lead: qualified and a default title",
			cmd:  &aidapb.CreateDeal{LeadId: "lead-1", Company: "Acme", Value: "12500"},
			want: &aidapb.Deal{Title: "Opportunity: Acme", Stage: "qualified", Probability: 25, ForecastCategory: "pipeline",
				Value: "12500.00", Currency: "USD", ExpectedCloseDate: "2025-04-09", AutonomyLevel: 1},
		},
		{
			name: "from a lead without a company",
			cmd:  &aidapb.CreateDeal{LeadId: "lead-1"},
			want: &aidapb.Deal{Title: "Opportunity: Unknown Company", Stage: "qualified", Probability: 25,
				ForecastCategory: "pipeline", Value: "0.00", Currency: "USD", ExpectedCloseDate: "2025-04-09", AutonomyLevel: 1},
		},
		{
			name: "everything given",
			cmd: &aidapb.CreateDeal{Title: "Big one", Stage: "negotiation", Value: "250000.5", Currency: "eur",
				ExpectedCloseDate: "2025-06-30", AutonomyLevel: 3},
			want: &aidapb.Deal{Title: "Big one", Stage: "negotiation", Probability: 75, ForecastCategory: "commit",
				Value: "250000.50", Currency: "EUR", ExpectedCloseDate: "2025-06-30", AutonomyLevel: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, evs := mustStep(t, nil, create(tt.cmd), t0)
			if len(evs) != 1 || evs[0].GetType() != deal.TypeCreated {
				t.Fatalf("events %v", evs)
			}
			got := &aidapb.Deal{Title: s.Title, Stage: s.Stage, Probability: s.Probability, ForecastCategory: s.ForecastCategory,
				Value: s.Value, Currency: s.Currency, ExpectedCloseDate: s.ExpectedCloseDate, AutonomyLevel: s.AutonomyLevel}
			if !proto.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
			if !s.GetCreatedAt().AsTime().Equal(t0) || s.GetVersion() != 1 || len(s.GetStageHistory()) != 1 {
				t.Errorf("created_at %v version %d history %v", s.GetCreatedAt(), s.GetVersion(), s.GetStageHistory())
			}
		})
	}
}

func TestDefaultTitle(t *testing.T) {
	tests := []struct{ company, source, want string }{
		{"Acme", "demo_request", "Opportunity: Acme (Demo Request)"},
		{"", "website", "Opportunity: Unknown Company (Website)"},
		{" Acme ", "", "Opportunity: Acme"},
		{"Acme", "ENTERPRISE_form", "Opportunity: Acme (Enterprise Form)"},
	}
	for _, tt := range tests {
		if got := deal.DefaultTitle(tt.company, tt.source); got != tt.want {
			t.Errorf("DefaultTitle(%q, %q) = %q, want %q", tt.company, tt.source, got, tt.want)
		}
	}
}

func TestCreateInvalid(t *testing.T) {
	long := strings.Repeat("x", 201)
	tests := []struct {
		name   string
		cmd    *aidapb.CreateDeal
		fields []string
	}{
		{"no title", &aidapb.CreateDeal{}, []string{"title"}},
		{"long title", &aidapb.CreateDeal{Title: long}, []string{"title"}},
		{"closed stage", &aidapb.CreateDeal{Title: "t", Stage: "closed_won"}, []string{"stage"}},
		{"unknown stage", &aidapb.CreateDeal{Title: "t", Stage: "won"}, []string{"stage"}},
		{"negative value", &aidapb.CreateDeal{Title: "t", Value: "-1"}, []string{"value"}},
		{"NaN value", &aidapb.CreateDeal{Title: "t", Value: "NaN"}, []string{"value"}},
		{"three decimals", &aidapb.CreateDeal{Title: "t", Value: "1.005"}, []string{"value"}},
		{"16 digits", &aidapb.CreateDeal{Title: "t", Value: "12345678901234.00"}, []string{"value"}},
		{"currency", &aidapb.CreateDeal{Title: "t", Currency: "US"}, []string{"currency"}},
		{"currency digits", &aidapb.CreateDeal{Title: "t", Currency: "U5D"}, []string{"currency"}},
		{"date", &aidapb.CreateDeal{Title: "t", ExpectedCloseDate: "2025-02-30"}, []string{"expected_close_date"}},
		{"email", &aidapb.CreateDeal{Title: "t", ContactEmail: "ann"}, []string{"contact_email"}},
		{"autonomy", &aidapb.CreateDeal{Title: "t", AutonomyLevel: 6}, []string{"autonomy_level"}},
		{"owner", &aidapb.CreateDeal{Title: "t", Owner: long}, []string{"owner"}},
		{"several", &aidapb.CreateDeal{Value: "abc", Currency: "dollars", ExpectedCloseDate: "tomorrow"},
			[]string{"title", "value", "currency", "expected_close_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := deal.Decide(nil, create(tt.cmd), t0)
			fe := wantCode(t, err, fault.Invalid)
			if got := fieldNames(fe); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestExistence(t *testing.T) {
	s := dealAt(t, deal.Prospect)
	cmds := map[string]*aidapb.Command{
		"get":      {Body: &aidapb.Command_Get{Get: &aidapb.Get{}}},
		"update":   update(&aidapb.UpdateDeal{Title: proto.String("x")}),
		"stage":    moveTo(deal.Qualified, ""),
		"autonomy": {Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 2}}},
		"note":     {Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "hi"}}},
	}
	for name, cmd := range cmds {
		t.Run(name, func(t *testing.T) {
			_, err := shellDecide(nil, cmd, t0)
			wantCode(t, err, fault.NotFound)
		})
	}
	_, err := deal.Decide(s, create(&aidapb.CreateDeal{Title: "again"}), t0)
	wantCode(t, err, fault.Duplicate)

	if evs, err := shellDecide(s, cmds["get"], t0); err != nil || len(evs) != 0 {
		t.Errorf("get: %v, %v", evs, err)
	}

	others := []*aidapb.Command{
		{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{Email: "a@b.co"}}},
		{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{Name: "Acme"}}},
		{Body: &aidapb.Command_AttachDeal{AttachDeal: &aidapb.AttachDeal{}}},
		{},
	}
	for _, cmd := range others {
		for _, state := range []*aidapb.Deal{nil, s} {
			_, err := deal.Decide(state, cmd, t0)
			wantCode(t, err, fault.Invalid)
		}
	}
}

func TestUpdate(t *testing.T) {
	base := dealAt(t, deal.Proposal)
	tests := []struct {
		name    string
		state   *aidapb.Deal
		u       *aidapb.UpdateDeal
		code    fault.Code // 0: success
		fields  []string
		changed *aidapb.DealUpdated // nil: no event
	}{
		{name: "value and probability", u: &aidapb.UpdateDeal{Value: proto.String("20000"), Probability: proto.Int32(60)},
			changed: &aidapb.DealUpdated{Value: proto.String("20000.00"), Probability: proto.Int32(60)}},
		{name: "unchanged fields are left out",
			u:       &aidapb.UpdateDeal{Title: proto.String("Acme renewal"), Value: proto.String("12500.0"), Owner: proto.String("bob")},
			changed: &aidapb.DealUpdated{Owner: proto.String("bob")}},
		{name: "nothing changes", u: &aidapb.UpdateDeal{Currency: proto.String("usd")}},
		{name: "bad probability", u: &aidapb.UpdateDeal{Probability: proto.Int32(101)}, code: fault.Invalid, fields: []string{"probability"}},
		{name: "negative probability", u: &aidapb.UpdateDeal{Probability: proto.Int32(-1)}, code: fault.Invalid, fields: []string{"probability"}},
		{name: "several bad", u: &aidapb.UpdateDeal{Title: proto.String(" "), Value: proto.String("1e5"),
			Currency: proto.String("EURO"), ExpectedCloseDate: proto.String("31/01/2025")},
			code: fault.Invalid, fields: []string{"title", "value", "currency", "expected_close_date"}},
		{name: "probability of a won deal", state: dealAt(t, deal.ClosedWon), u: &aidapb.UpdateDeal{Probability: proto.Int32(90)},
			code: fault.Transition},
		{name: "account of a won deal", state: dealAt(t, deal.ClosedWon), u: &aidapb.UpdateDeal{AccountId: proto.String("acc-1")},
			changed: &aidapb.DealUpdated{AccountId: proto.String("acc-1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state
			if s == nil {
				s = proto.Clone(base).(*aidapb.Deal)
			}
			evs, err := deal.Decide(s, update(tt.u), t0)
			if tt.code != 0 {
				fe := wantCode(t, err, tt.code)
				if got := fieldNames(fe); !slices.Equal(got, tt.fields) {
					t.Errorf("fields %v, want %v", got, tt.fields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.changed == nil {
				if len(evs) != 0 {
					t.Fatalf("events %v, want none", evs)
				}
				return
			}
			if len(evs) != 1 || evs[0].GetType() != deal.TypeUpdated {
				t.Fatalf("events %v", evs)
			}
			if !proto.Equal(evs[0].GetDealUpdated(), tt.changed) {
				t.Errorf("changed %v, want %v", evs[0].GetDealUpdated(), tt.changed)
			}
		})
	}
}

func TestAutonomyAndNotes(t *testing.T) {
	s := dealAt(t, deal.Prospect)
	autonomy := func(level int32) *aidapb.Command {
		return &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: level, Reason: "trust"}}}
	}
	note := func(text, author string) *aidapb.Command {
		return &aidapb.Command{Actor: "agent:pipeline", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: text, Author: author}}}
	}
	for _, level := range []int32{0, 6, -1} {
		_, err := shellDecide(s, autonomy(level), t0)
		if got := fieldNames(wantCode(t, err, fault.Invalid)); !slices.Equal(got, []string{"level"}) {
			t.Errorf("level %d: fields %v", level, got)
		}
	}
	if evs, err := shellDecide(s, autonomy(1), t0); err != nil || len(evs) != 0 {
		t.Errorf("same level: %v %v", evs, err)
	}
	s, evs := mustStep(t, s, autonomy(4), t0)
	if evs[0].GetType() != "crm.autonomy.level_changed" || s.GetAutonomyLevel() != 4 ||
		evs[0].GetAutonomyChanged().GetFrom() != 1 || evs[0].GetAutonomyChanged().GetTo() != 4 {
		t.Errorf("autonomy: %v, level %d", evs, s.GetAutonomyLevel())
	}

	for _, text := range []string{"", "   ", strings.Repeat("é", 5001)} {
		_, err := shellDecide(s, note(text, ""), t0)
		if got := fieldNames(wantCode(t, err, fault.Invalid)); !slices.Equal(got, []string{"text"}) {
			t.Errorf("note %.10q: fields %v", text, got)
		}
	}
	s, evs = mustStep(t, s, note(strings.Repeat("é", 5000), ""), t0)
	s, _ = mustStep(t, s, note(" called them ", "user:bob"), t0)
	if evs[0].GetType() != deal.TypeNoteAdded || len(s.GetNotes()) != 2 {
		t.Fatalf("notes %v", s.GetNotes())
	}
	n := s.GetNotes()[1]
	if n.GetText() != "called them" || n.GetAuthor() != "user:bob" || n.GetId() != "ev-4" || !n.GetCreatedAt().AsTime().Equal(t0) {
		t.Errorf("note %v", n)
	}
	if s.GetNotes()[0].GetAuthor() != "agent:pipeline" {
		t.Errorf("default author %q", s.GetNotes()[0].GetAuthor())
	}
}

// TestApplyDecide checks the whole state a sequence of commands produces.
func TestApplyDecide(t *testing.T) {
	t1 := t0.Add(24 * 3600e9)
	s, _ := mustStep(t, nil, create(&aidapb.CreateDeal{LeadId: "lead-7", Company: "Acme", ContactEmail: " Ann@Acme.COM ",
		Value: "12500", Owner: "user:ann", Description: "from the web form"}), t0)
	s, _ = mustStep(t, s, moveTo(deal.Proposal, "sent the quote"), t1)
	s, _ = mustStep(t, s, update(&aidapb.UpdateDeal{Value: proto.String("15000.00"), AccountId: proto.String("acc-1")}), t1)
	s, _ = mustStep(t, s, moveTo(deal.ClosedLost, "went with a competitor"), t1)

	want := &aidapb.Deal{
		Id: "deal-1", Title: "Opportunity: Acme", LeadId: "lead-7", AccountId: "acc-1", Company: "Acme",
		ContactEmail: "ann@acme.com", Stage: "closed_lost", Probability: 0, Value: "15000.00", Currency: "USD",
		ForecastCategory: "omitted", ExpectedCloseDate: "2025-04-09", Owner: "user:ann", AutonomyLevel: 1,
		Description: "from the web form",
		StageHistory: []*aidapb.StageChange{
			{To: "qualified", Reason: "created", Actor: "user:ann", At: timestamppb.New(t0)},
			{From: "qualified", To: "proposal", Reason: "sent the quote", Actor: "user:ann", At: timestamppb.New(t1)},
			{From: "proposal", To: "closed_lost", Reason: "went with a competitor", Actor: "user:ann", At: timestamppb.New(t1)},
		},
		CreatedAt: timestamppb.New(t0), UpdatedAt: timestamppb.New(t1), ClosedAt: timestamppb.New(t1), Version: 4,
		LastActivityAt: timestamppb.New(t1),
	}
	if !proto.Equal(want, s) {
		t.Errorf("state\n got: %v\nwant: %v", s, want)
	}
	wantIndex := record.Index{Status: "closed_lost", Owner: "user:ann", Score: 0, Amount: "15000.00", Level: 1}
	if got := deal.Index(s); got != wantIndex {
		t.Errorf("Index = %+v, want %+v", got, wantIndex)
	}
}

func TestCloseSetsMissingCloseDate(t *testing.T) {
	s := dealAt(t, deal.Negotiation)
	s.ExpectedCloseDate = ""
	closeAt := t0.Add(5 * 24 * 3600e9)
	s, _ = mustStep(t, s, moveTo(deal.ClosedWon, "signed"), closeAt)
	if s.GetExpectedCloseDate() != "2025-03-15" {
		t.Errorf("expected_close_date %q, want 2025-03-15", s.GetExpectedCloseDate())
	}
	kept := dealAt(t, deal.Negotiation)
	kept, _ = mustStep(t, kept, moveTo(deal.ClosedWon, "signed"), closeAt)
	if kept.GetExpectedCloseDate() != "2025-04-09" {
		t.Errorf("a set expected_close_date changed to %q", kept.GetExpectedCloseDate())
	}
}

func TestApplyIgnores(t *testing.T) {
	if got := deal.Apply(nil, &aidapb.Event{Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{Note: &aidapb.Note{Text: "x"}}}}); got != nil {
		t.Errorf("note on nil state gave %v", got)
	}
	s := dealAt(t, deal.Prospect)
	before := proto.Clone(s)
	got := deal.Apply(s, &aidapb.Event{Version: 99, Data: &aidapb.Event_LeadArchived{LeadArchived: &aidapb.LeadArchived{}}})
	if !proto.Equal(got, before) {
		t.Errorf("a lead event changed the deal")
	}
}
