package account_test

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func TestCreate(t *testing.T) {
	s, evs := mustStep(t, nil, createCmd(&aidapb.CreateAccount{
		Name: "  Acme   Corp ", Domain: " ACME.com ", Owner: "user:ann",
		Deals: []*aidapb.AccountDeal{{DealId: "deal-1", Title: "Renewal", Value: "30000", Stage: "closed_won"}},
	}), t0)
	if !slices.Equal(types(evs), []string{account.TypeCreated}) {
		t.Fatalf("events %v", types(evs))
	}
	if s.GetName() != "Acme Corp" || s.GetDomain() != "acme.com" || s.GetLifecycle() != "onboarding" ||
		s.GetAutonomyLevel() != 1 || s.GetVersion() != 1 || !s.GetCreatedAt().AsTime().Equal(t0) {
		t.Errorf("account %v", s)
	}
	wantDeal := &aidapb.AccountDeal{DealId: "deal-1", Title: "Renewal", Value: "30000.00", Currency: "USD", Stage: "closed_won"}
	if len(s.GetDeals()) != 1 || !proto.Equal(s.GetDeals()[0], wantDeal) {
		t.Errorf("deals %v", s.GetDeals())
	}
	if s.GetHealth().GetScore() != 495 || s.GetHealth().GetCategory() != "poor" {
		t.Errorf("health %v", s.GetHealth())
	}
	want := record.Index{Status: "onboarding", Owner: "user:ann", UniqueKey: "acme corp", Score: 495, Level: 1}
	if got := account.Index(s); got != want {
		t.Errorf("Index = %+v, want %+v", got, want)
	}
	if got := account.Index(&aidapb.Account{Name: "X"}); got.Score != -1 {
		t.Errorf("Index without health: score %d, want -1", got.Score)
	}
}

func TestCreateInvalid(t *testing.T) {
	tests := []struct {
		name   string
		cmd    *aidapb.CreateAccount
		fields []string
	}{
		{"no name", &aidapb.CreateAccount{Name: "   "}, []string{"name"}},
		{"long name", &aidapb.CreateAccount{Name: strings.Repeat("a", 201)}, []string{"name"}},
		{"domain", &aidapb.CreateAccount{Name: "Acme", Domain: "http://acme.com"}, []string{"domain"}},
		{"domain without dot", &aidapb.CreateAccount{Name: "Acme", Domain: "localhost"}, []string{"domain"}},
		{"autonomy", &aidapb.CreateAccount{Name: "Acme", AutonomyLevel: 9}, []string{"autonomy_level"}},
		{"deals", &aidapb.CreateAccount{Name: "Acme", Deals: []*aidapb.AccountDeal{
			{DealId: "d1", Value: "-5"},
			{Value: "1", Currency: "usdollar", Stage: "won"},
			{DealId: "d1"},
			nil,
		}}, []string{"deals[0].value", "deals[1].deal_id", "deals[1].currency", "deals[1].stage", "deals[2].deal_id", "deals[3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := account.Decide(nil, createCmd(tt.cmd), t0)
			fe := wantCode(t, err, fault.Invalid)
			if got := fieldNames(fe); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestExistence(t *testing.T) {
	s, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme"}), t0)
	cmds := map[string]*aidapb.Command{
		"get":      {Body: &aidapb.Command_Get{Get: &aidapb.Get{}}},
		"update":   updateCmd(&aidapb.UpdateAccount{Name: proto.String("x")}),
		"attach":   attachCmd(&aidapb.AccountDeal{DealId: "d"}),
		"autonomy": {Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 2}}},
		"note":     {Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "hi"}}},
	}
	for name, cmd := range cmds {
		t.Run(name, func(t *testing.T) {
			_, err := shellDecide(nil, cmd, t0)
			wantCode(t, err, fault.NotFound)
		})
	}
	_, err := account.Decide(s, createCmd(&aidapb.CreateAccount{Name: "Acme"}), t0)
	wantCode(t, err, fault.Duplicate)
	if evs, err := shellDecide(s, cmds["get"], t0); err != nil || len(evs) != 0 {
		t.Errorf("get: %v %v", evs, err)
	}
	for _, cmd := range []*aidapb.Command{
		{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{Title: "x"}}},
		{Body: &aidapb.Command_ChangeDealStage{ChangeDealStage: &aidapb.ChangeDealStage{Stage: "qualified"}}},
		{Body: &aidapb.Command_ArchiveLead{ArchiveLead: &aidapb.ArchiveLead{}}},
		{},
	} {
		for _, state := range []*aidapb.Account{nil, s} {
			_, err := account.Decide(state, cmd, t0)
			wantCode(t, err, fault.Invalid)
		}
	}
}

func TestUpdate(t *testing.T) {
	base, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme", Owner: "user:ann"}), t0)
	tests := []struct {
		name   string
		u      *aidapb.UpdateAccount
		types  []string
		code   fault.Code
		fields []string
	}{
		{name: "name and lifecycle", u: &aidapb.UpdateAccount{Name: proto.String("Acme  Group"), Lifecycle: proto.String("active")},
			types: []string{account.TypeUpdated, account.TypeLifecycleChanged}},
		{name: "unchanged", u: &aidapb.UpdateAccount{Name: proto.String(" Acme "), Owner: proto.String("user:ann"), Lifecycle: proto.String("onboarding")}},
		{name: "domain cleared stays cleared", u: &aidapb.UpdateAccount{Domain: proto.String("")}},
		{name: "bad fields", u: &aidapb.UpdateAccount{Name: proto.String(""), Domain: proto.String("a b.com"), Lifecycle: proto.String("engaged")},
			code: fault.Invalid, fields: []string{"name", "domain", "lifecycle"}},
		{name: "forbidden lifecycle", u: &aidapb.UpdateAccount{Owner: proto.String("user:bob"), Lifecycle: proto.String("expansion_ready")},
			code: fault.Transition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := proto.Clone(base).(*aidapb.Account)
			got, evs, err := step(s, updateCmd(tt.u), t0)
			if tt.code != 0 {
				fe := wantCode(t, err, tt.code)
				if g := fieldNames(fe); !slices.Equal(g, tt.fields) {
					t.Errorf("fields %v, want %v", g, tt.fields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(types(evs), tt.types) {
				t.Fatalf("events %v, want %v", types(evs), tt.types)
			}
			if len(evs) > 0 && (got.GetName() != "Acme Group" || got.GetLifecycle() != "active" || got.GetVersion() != 3) {
				t.Errorf("account %v", got)
			}
		})
	}
}

func TestAttachDeal(t *testing.T) {
	s, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme"}), t0)
	if s.GetHealth().GetScore() != 315 {
		t.Fatalf("health at create %v", s.GetHealth())
	}
	t1 := t0.Add(3600e9)
	tests := []struct {
		name     string
		deal     *aidapb.AccountDeal
		types    []string
		score    int32
		category string
		deals    int
	}{
		{"first deal, won", &aidapb.AccountDeal{DealId: "d1", Title: "Renewal", Value: "30000", Stage: "closed_won"},
			[]string{account.TypeDealAttached, account.TypeHealthChanged}, 495, "poor", 1},
		{"same deal again", &aidapb.AccountDeal{DealId: "d1", Title: "Renewal", Value: "30000.00", Stage: "closed_won", Currency: "usd"},
			nil, 495, "poor", 1},
		{"refresh, same health", &aidapb.AccountDeal{DealId: "d1", Title: "Renewal 2025", Value: "30000", Stage: "closed_won"},
			[]string{account.TypeDealAttached}, 495, "poor", 1},
		{"second deal, both won, 30000 in all", &aidapb.AccountDeal{DealId: "d2", Value: "0", Stage: "closed_won"},
			[]string{account.TypeDealAttached, account.TypeHealthChanged}, 540, "fair", 2},
		{"refresh lowers the value", &aidapb.AccountDeal{DealId: "d1", Title: "Renewal 2025", Value: "10000", Stage: "closed_won"},
			[]string{account.TypeDealAttached, account.TypeHealthChanged}, 500, "fair", 2},
	}
	for _, tt := range tests {
		var evs []*aidapb.Event
		s, evs = mustStep(t, s, attachCmd(tt.deal), t1)
		if !slices.Equal(types(evs), tt.types) {
			t.Fatalf("%s: events %v, want %v", tt.name, types(evs), tt.types)
		}
		if s.GetHealth().GetScore() != tt.score || s.GetHealth().GetCategory() != tt.category || len(s.GetDeals()) != tt.deals {
			t.Errorf("%s: health %d %s, %d deals", tt.name, s.GetHealth().GetScore(), s.GetHealth().GetCategory(), len(s.GetDeals()))
		}
	}
	last := s.GetDeals()[0]
	if last.GetTitle() != "Renewal 2025" || last.GetValue() != "10000.00" {
		t.Errorf("refreshed deal %v", last)
	}
	_, err := account.Decide(s, attachCmd(nil), t1)
	if got := fieldNames(wantCode(t, err, fault.Invalid)); !slices.Equal(got, []string{"deal"}) {
		t.Errorf("nil deal: fields %v", got)
	}
	_, err = account.Decide(s, attachCmd(&aidapb.AccountDeal{Value: "x"}), t1)
	if got := fieldNames(wantCode(t, err, fault.Invalid)); !slices.Equal(got, []string{"deal.deal_id", "deal.value"}) {
		t.Errorf("bad deal: fields %v", got)
	}
}

func TestAutonomyAndNotes(t *testing.T) {
	s, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme", AutonomyLevel: 2}), t0)
	set := func(level int32) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: level}}}
	}
	_, err := shellDecide(s, set(0), t0)
	if got := fieldNames(wantCode(t, err, fault.Invalid)); !slices.Equal(got, []string{"level"}) {
		t.Errorf("fields %v", got)
	}
	if evs, err := shellDecide(s, set(2), t0); err != nil || len(evs) != 0 {
		t.Errorf("same level: %v %v", evs, err)
	}
	s, evs := mustStep(t, s, set(5), t0)
	if !slices.Equal(types(evs), []string{"crm.autonomy.level_changed"}) || s.GetAutonomyLevel() != 5 {
		t.Errorf("autonomy %v level %d", types(evs), s.GetAutonomyLevel())
	}
	note := &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: strings.Repeat("x", 5001)}}}
	_, err = shellDecide(s, note, t0)
	if got := fieldNames(wantCode(t, err, fault.Invalid)); !slices.Equal(got, []string{"text"}) {
		t.Errorf("fields %v", got)
	}
	note.GetAddNote().Text = "kickoff went well"
	s, evs = mustStep(t, s, note, t0)
	n := s.GetNotes()[0]
	if evs[0].GetType() != account.TypeNoteAdded || n.GetId() != "ev-3" || n.GetAuthor() != "user:ann" || n.GetText() != "kickoff went well" {
		t.Errorf("note %v", n)
	}
}

// TestApplyDecide checks the whole state a sequence of commands produces.
func TestApplyDecide(t *testing.T) {
	t1 := t0.Add(24 * 3600e9)
	s, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme", Owner: "user:ann", AutonomyLevel: 3}), t0)
	s, _ = mustStep(t, s, attachCmd(&aidapb.AccountDeal{DealId: "d1", Title: "Renewal", Value: "30000", Stage: "closed_won"}), t1)
	s, _ = mustStep(t, s, updateCmd(&aidapb.UpdateAccount{Lifecycle: proto.String("active"), Domain: proto.String("acme.com")}), t1)

	health := account.ComputeHealth(&aidapb.Account{Deals: []*aidapb.AccountDeal{{DealId: "d1", Stage: "closed_won", Value: "30000.00"}}}, t1)
	want := &aidapb.Account{
		Id: "acc-1", Name: "Acme", Domain: "acme.com", Owner: "user:ann", Lifecycle: "active", Health: health,
		Deals:         []*aidapb.AccountDeal{{DealId: "d1", Title: "Renewal", Value: "30000.00", Currency: "USD", Stage: "closed_won"}},
		AutonomyLevel: 3, CreatedAt: timestamppb.New(t0), UpdatedAt: timestamppb.New(t1), Version: 5,
	}
	if !proto.Equal(want, s) {
		t.Errorf("state\n got: %v\nwant: %v", s, want)
	}
}

func TestApplyIgnores(t *testing.T) {
	if got := account.Apply(nil, &aidapb.Event{Data: &aidapb.Event_AccountUpdated{AccountUpdated: &aidapb.AccountUpdated{}}}); got != nil {
		t.Errorf("update on nil state gave %v", got)
	}
	s, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme"}), t0)
	before := proto.Clone(s)
	got := account.Apply(s, &aidapb.Event{Version: 9, Data: &aidapb.Event_DealCreated{DealCreated: &aidapb.DealCreated{}}})
	if !proto.Equal(got, before) {
		t.Error("a deal event changed the account")
	}
}
