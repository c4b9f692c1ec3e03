package deal_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// as sets the actor of cmd.
func as(actor string, cmd *aidapb.Command) *aidapb.Command {
	cmd.Actor = actor
	return cmd
}

func noteCmd(actor, text string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: text}}}
}

func signalCmd(id, typ string) *aidapb.Command {
	return &aidapb.Command{Actor: "inbound:email", Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: id, Type: typ}}}
}

func evTypes(evs []*aidapb.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.GetType())
	}
	return out
}

func flagNames(s *aidapb.Deal) []string {
	var out []string
	for _, f := range s.GetWork().GetFlags() {
		out = append(out, f.GetName())
	}
	return out
}

// withFlags applies FlagSet events from the pipeline agent, as if it had flagged the deal at L2+.
func withFlags(s *aidapb.Deal, names ...string) *aidapb.Deal {
	for _, name := range names {
		v := s.GetVersion() + 1
		s = fold(s, &aidapb.Event{Id: fmt.Sprintf("ev-%d", v), Type: "crm.deal.flag_set", Actor: "agent:pipeline",
			Time: timestamppb.New(t0), Version: v,
			Data: &aidapb.Event_FlagSet{FlagSet: &aidapb.FlagSet{Flag: &aidapb.Flag{Name: name, SetBy: "agent:pipeline"}}}})
	}
	return s
}

func TestIsActivity(t *testing.T) {
	for actor, want := range map[string]bool{"user:ann": true, "api": true, "inbound:email": true, "": true,
		"agent:pipeline": false, "agent:": false, "reminder:pipeline": false, "reminder:": false} {
		if got := deal.IsActivity(actor); got != want {
			t.Errorf("IsActivity(%q) = %v, want %v", actor, got, want)
		}
	}
}

// TestLastActivity: people and signals move last_activity_at; agents and reminders do not.
func TestLastActivity(t *testing.T) {
	s, _ := mustStep(t, nil, create(&aidapb.CreateDeal{Title: "Acme renewal"}), t0)
	if !s.GetLastActivityAt().AsTime().Equal(t0) || !deal.LastActivity(s).Equal(t0) {
		t.Fatalf("created by a person: last activity %v", s.GetLastActivityAt())
	}
	last := t0
	tests := []struct {
		cmd   *aidapb.Command
		moves bool
	}{
		{noteCmd("agent:pipeline", "checked"), false},
		{noteCmd("reminder:pipeline", "checked"), false},
		{noteCmd("user:ann", "called"), true},
		{as("agent:pipeline", update(&aidapb.UpdateDeal{Title: proto.String("Acme renewal 2026")})), false},
		{noteCmd("api", "from the API"), true},
		{signalCmd("m-1", record.SignalEmailOpened), true},
		{as("agent:success", moveTo(deal.Qualified, "")), false},
	}
	for i, tt := range tests {
		now := t0.Add(time.Duration(i+1) * time.Hour)
		var evs []*aidapb.Event
		s, evs = mustStep(t, s, tt.cmd, now)
		if len(evs) == 0 {
			t.Fatalf("%d %s by %s: no events", i, record.CommandName(tt.cmd), tt.cmd.GetActor())
		}
		if tt.moves {
			last = now
		}
		if !s.GetLastActivityAt().AsTime().Equal(last) || !deal.LastActivity(s).Equal(last) || !s.GetUpdatedAt().AsTime().Equal(now) {
			t.Errorf("%d %s by %s: last activity %v, updated %v; want %v, %v", i, record.CommandName(tt.cmd), tt.cmd.GetActor(),
				s.GetLastActivityAt().AsTime(), s.GetUpdatedAt().AsTime(), last, now)
		}
	}
	// A deal the success agent created has seen no activity yet: its creation stands in.
	s, _ = mustStep(t, nil, as("agent:success", create(&aidapb.CreateDeal{Title: "From a lead"})), t0)
	if s.GetLastActivityAt() != nil || !deal.LastActivity(s).Equal(t0) {
		t.Errorf("created by an agent: last_activity_at %v, LastActivity %v", s.GetLastActivityAt(), deal.LastActivity(s))
	}
}

// TestActivityClearsStale: a person's change to a stale deal clears the flag in the same
// decision; an agent's or a reminder's does not.
func TestActivityClearsStale(t *testing.T) {
	addTask := func() *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{Title: "Call Ada"}}}
	}
	setFlag := &aidapb.Command{Body: &aidapb.Command_SetFlag{SetFlag: &aidapb.SetFlag{Name: "vip"}}}
	clearStale := &aidapb.Command{Body: &aidapb.Command_ClearFlag{ClearFlag: &aidapb.ClearFlag{Name: deal.FlagStale, Reason: "fine"}}}
	clearOverdue := &aidapb.Command{Body: &aidapb.Command_ClearFlag{ClearFlag: &aidapb.ClearFlag{Name: deal.FlagOverdue}}}
	autonomy := &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 3}}}
	tests := []struct {
		name  string
		cmd   *aidapb.Command
		want  []string
		flags []string // after the command
	}{
		{"a person's note", noteCmd("user:ann", "called"), []string{deal.TypeNoteAdded, "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"a person's update", as("user:ann", update(&aidapb.UpdateDeal{Title: proto.String("Renewal")})),
			[]string{deal.TypeUpdated, "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"a person's stage move", moveTo(deal.Negotiation, ""), []string{deal.TypeStageChanged, "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"a person's task", as("user:ann", addTask()), []string{"crm.deal.task_added", "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"a person's flag", as("user:ann", setFlag), []string{"crm.deal.flag_set", "crm.deal.flag_cleared"}, []string{"overdue", "vip"}},
		{"a person's autonomy change", as("user:ann", autonomy), []string{deal.TypeAutonomyChanged, "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"the API's note", noteCmd("", "called"), []string{deal.TypeNoteAdded, "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"an inbound reply", signalCmd("m-1", record.SignalEmailReplied), []string{"crm.deal.email_replied", "crm.deal.flag_cleared"}, []string{"overdue"}},
		{"a person clears stale: once", as("user:ann", clearStale), []string{"crm.deal.flag_cleared"}, []string{"overdue"}},
		{"a person clears overdue: leave it at that", as("user:ann", clearOverdue), []string{"crm.deal.flag_cleared"}, []string{"stale"}},
		{"an agent's note", noteCmd("agent:pipeline", "still stale"), []string{deal.TypeNoteAdded}, []string{"stale", "overdue"}},
		{"a reminder's note", noteCmd("reminder:pipeline", "checked"), []string{deal.TypeNoteAdded}, []string{"stale", "overdue"}},
		{"an agent's task", as("agent:pipeline", addTask()), []string{"crm.deal.draft_created"}, []string{"stale", "overdue"}},
		{"a person's get", as("user:ann", &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}), nil, []string{"stale", "overdue"}},
		{"a person's update that changes nothing", as("user:ann", update(&aidapb.UpdateDeal{Title: proto.String("Acme renewal")})),
			nil, []string{"stale", "overdue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := withFlags(dealAt(t, deal.Proposal), deal.FlagStale, deal.FlagOverdue)
			s, evs := mustStep(t, s, tt.cmd, t0.Add(time.Hour))
			if got := evTypes(evs); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			if got := flagNames(s); !slices.Equal(got, tt.flags) {
				t.Errorf("flags %v, want %v", got, tt.flags)
			}
			if n := len(evs); n > 1 && evs[n-1].GetFlagCleared().GetName() == deal.FlagStale {
				actor := tt.cmd.GetActor()
				if actor == "" {
					actor = "api"
				}
				if got := evs[n-1].GetFlagCleared().GetReason(); got != "activity by "+actor {
					t.Errorf("reason %q, want activity by %s", got, actor)
				}
			}
		})
	}
	// A refused command clears nothing.
	s := withFlags(dealAt(t, deal.Proposal), deal.FlagStale)
	_, evs, err := step(s, as("user:ann", update(&aidapb.UpdateDeal{Title: proto.String(" ")})), t0)
	wantCode(t, err, fault.Invalid)
	if len(evs) != 0 {
		t.Errorf("events %v with an error", evTypes(evs))
	}
}

// TestCloseClearsFlags: closing a deal, by anyone, clears stale and overdue.
func TestCloseClearsFlags(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		cmd   *aidapb.Command
		want  []string
	}{
		{"won by a person", []string{deal.FlagStale, deal.FlagOverdue, "vip"}, moveTo(deal.ClosedWon, "signed"),
			[]string{deal.TypeWon, "crm.deal.flag_cleared", "crm.deal.flag_cleared"}},
		{"lost by an agent", []string{deal.FlagOverdue, deal.FlagStale}, as("agent:pipeline", moveTo(deal.ClosedLost, "no answer")),
			[]string{deal.TypeLost, "crm.deal.flag_cleared", "crm.deal.flag_cleared"}},
		{"won with only overdue", []string{deal.FlagOverdue}, as("agent:success", moveTo(deal.ClosedWon, "")),
			[]string{deal.TypeWon, "crm.deal.flag_cleared"}},
		{"won without flags", nil, moveTo(deal.ClosedWon, ""), []string{deal.TypeWon}},
		{"an agent's open move keeps them", []string{deal.FlagStale, deal.FlagOverdue}, as("agent:pipeline", moveTo(deal.Proposal, "")),
			[]string{deal.TypeStageChanged}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := withFlags(dealAt(t, deal.Negotiation), tt.flags...)
			s, evs := mustStep(t, s, tt.cmd, t0.Add(time.Hour))
			if got := evTypes(evs); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			for _, e := range evs[1:] {
				if e.GetFlagCleared().GetReason() != "the deal is closed" {
					t.Errorf("cleared %v, want reason: the deal is closed", e.GetFlagCleared())
				}
			}
			if deal.IsClosed(s.GetStage()) && (record.HasFlag(s.GetWork(), deal.FlagStale) || record.HasFlag(s.GetWork(), deal.FlagOverdue)) {
				t.Errorf("closed with flags %v", flagNames(s))
			}
			if deal.IsClosed(s.GetStage()) && record.HasFlag(s.GetWork(), "vip") != slices.Contains(tt.flags, "vip") {
				t.Errorf("flags %v: closing cleared another flag", flagNames(s))
			}
		})
	}
}

// TestNewCloseDateClearsOverdue: moving the expected close date to today or later clears
// overdue, whoever moves it; a date still past does not.
func TestNewCloseDateClearsOverdue(t *testing.T) {
	east := time.FixedZone("UTC+5", 5*60*60)
	tests := []struct {
		name  string
		actor string
		date  string
		now   time.Time
		want  []string
		flags []string
	}{
		{"to yesterday", "agent:pipeline", "2025-03-09", t0, []string{deal.TypeUpdated}, []string{"stale", "overdue"}},
		{"to today", "agent:pipeline", "2025-03-10", t0, []string{deal.TypeUpdated, "crm.deal.flag_cleared"}, []string{"stale"}},
		{"to next month", "agent:pipeline", "2025-04-01", t0, []string{deal.TypeUpdated, "crm.deal.flag_cleared"}, []string{"stale"}},
		{"to next month, by a person", "user:ann", "2025-04-01", t0,
			[]string{deal.TypeUpdated, "crm.deal.flag_cleared", "crm.deal.flag_cleared"}, nil},
		{"to yesterday, by a person", "user:ann", "2025-03-09", t0, []string{deal.TypeUpdated, "crm.deal.flag_cleared"}, []string{"overdue"}},
		// 01:00 on the 11th at UTC+5 is still the 10th in UTC.
		{"today is the UTC date", "agent:pipeline", "2025-03-10", time.Date(2025, 3, 11, 1, 0, 0, 0, east),
			[]string{deal.TypeUpdated, "crm.deal.flag_cleared"}, []string{"stale"}},
		{"the same date", "agent:pipeline", "2025-03-01", t0, nil, []string{"stale", "overdue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := mustStep(t, nil, create(&aidapb.CreateDeal{Title: "Acme", ExpectedCloseDate: "2025-03-01"}), t0.AddDate(0, -1, 0))
			s = withFlags(s, deal.FlagStale, deal.FlagOverdue)
			if !deal.Overdue(s, tt.now) {
				t.Fatal("the deal is not overdue to begin with")
			}
			s, evs := mustStep(t, s, as(tt.actor, update(&aidapb.UpdateDeal{ExpectedCloseDate: proto.String(tt.date)})), tt.now)
			if got := evTypes(evs); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			if got := flagNames(s); !slices.Equal(got, tt.flags) {
				t.Errorf("flags %v, want %v", got, tt.flags)
			}
			for _, e := range evs {
				if c := e.GetFlagCleared(); c.GetName() == deal.FlagOverdue && c.GetReason() != "the expected close date moved to "+tt.date {
					t.Errorf("reason %q", c.GetReason())
				}
			}
			if got, want := deal.Overdue(s, tt.now), tt.date < tt.now.UTC().Format(deal.DateLayout); got != want {
				t.Errorf("Overdue = %v, want %v", got, want)
			}
		})
	}
}

func TestOverdueAndCloseDeadline(t *testing.T) {
	east := time.FixedZone("UTC+5", 5*60*60)
	tests := []struct {
		name     string
		deal     *aidapb.Deal
		now      time.Time
		overdue  bool
		deadline time.Time // zero: none
	}{
		{"open, date passed", &aidapb.Deal{Stage: deal.Proposal, ExpectedCloseDate: "2025-03-09"}, t0, true,
			time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)},
		{"open, due today", &aidapb.Deal{Stage: deal.Proposal, ExpectedCloseDate: "2025-03-10"}, t0, false,
			time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"open, due today at the last instant", &aidapb.Deal{Stage: deal.Proposal, ExpectedCloseDate: "2025-03-10"},
			time.Date(2025, 3, 10, 23, 59, 59, 0, time.UTC), false, time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"open, the deadline passed", &aidapb.Deal{Stage: deal.Proposal, ExpectedCloseDate: "2025-03-10"},
			time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC), true, time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"the date in UTC, not the local one", &aidapb.Deal{Stage: deal.Prospect, ExpectedCloseDate: "2025-03-10"},
			time.Date(2025, 3, 11, 1, 0, 0, 0, east), false, time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"won", &aidapb.Deal{Stage: deal.ClosedWon, ExpectedCloseDate: "2025-01-01"}, t0, false,
			time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"lost", &aidapb.Deal{Stage: deal.ClosedLost, ExpectedCloseDate: "2025-01-01"}, t0, false,
			time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"no date", &aidapb.Deal{Stage: deal.Proposal}, t0, false, time.Time{}},
		{"no deal", nil, t0, false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deal.Overdue(tt.deal, tt.now); got != tt.overdue {
				t.Errorf("Overdue = %v, want %v", got, tt.overdue)
			}
			got, ok := deal.CloseDeadline(tt.deal)
			if ok != !tt.deadline.IsZero() || !got.Equal(tt.deadline) {
				t.Errorf("CloseDeadline = %v, %v; want %v", got, ok, tt.deadline)
			}
			// Overdue means the deadline passed, for an open deal.
			if ok && !deal.IsClosed(tt.deal.GetStage()) && tt.overdue != !tt.now.Before(got) {
				t.Errorf("Overdue %v disagrees with the deadline %v at %v", tt.overdue, got, tt.now)
			}
		})
	}
}

func TestDealWorkAndSignals(t *testing.T) {
	s := dealAt(t, deal.Proposal) // L1
	addTask := &aidapb.Command{Actor: "agent:pipeline", Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{Title: "Call Ada", Key: "stale.1"}}}
	s, evs := mustStep(t, s, addTask, t0)
	if got := evTypes(evs); !slices.Equal(got, []string{"crm.deal.draft_created"}) {
		t.Fatalf("agent at L1: events %v", got)
	}
	approve := &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_DecideDraft{DecideDraft: &aidapb.DecideDraft{
		DraftId: s.GetWork().GetDrafts()[0].GetId(), Approve: true}}}
	s, evs = mustStep(t, s, approve, t0.Add(time.Hour))
	if got := evTypes(evs); !slices.Equal(got, []string{"crm.deal.draft_approved", "crm.deal.task_added"}) {
		t.Fatalf("approve: events %v", got)
	}
	if tasks := s.GetWork().GetTasks(); len(tasks) != 1 || tasks[0].GetId() != evs[1].GetId() || tasks[0].GetStatus() != record.TaskOpen {
		t.Errorf("tasks %v", tasks)
	}
	if evs, _ := shellDecide(s, addTask, t0); len(evs) != 0 {
		t.Errorf("the same key again: events %v", evTypes(evs))
	}

	s, evs = mustStep(t, s, signalCmd("m-1", record.SignalEmailReplied), t0.Add(2*time.Hour))
	if got := evTypes(evs); !slices.Equal(got, []string{"crm.deal.email_replied"}) {
		t.Fatalf("signal: events %v", got)
	}
	if g := s.GetEngagement(); g.GetReplies() != 1 || !g.GetLastContactAt().AsTime().Equal(t0.Add(2*time.Hour)) {
		t.Errorf("engagement %v", g)
	}
	s = withFlags(s, deal.FlagStale)
	if evs, err := shellDecide(s, signalCmd("m-1", record.SignalEmailReplied), t0); err != nil || len(evs) != 0 {
		t.Errorf("a redelivered signal: events %v, error %v", evTypes(evs), err)
	}

	for _, cmd := range []*aidapb.Command{addTask, approve, signalCmd("m", "email.opened"),
		{Body: &aidapb.Command_ClearFlag{ClearFlag: &aidapb.ClearFlag{Name: "stale"}}}} {
		if _, err := shellDecide(nil, cmd, t0); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("%s on no deal: %v, want NotFound", record.CommandName(cmd), err)
		}
	}
	for _, e := range []*aidapb.Event{
		{Data: &aidapb.Event_TaskAdded{TaskAdded: &aidapb.TaskAdded{Task: &aidapb.Task{}}}},
		{Data: &aidapb.Event_SignalReceived{SignalReceived: &aidapb.SignalReceived{}}},
	} {
		if got := deal.Apply(nil, e); got != nil {
			t.Errorf("Apply(nil, %T) = %v, want nil", e.GetData(), got)
		}
	}
}
