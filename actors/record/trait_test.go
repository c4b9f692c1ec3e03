package record_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// probe is a state with every shared field, reached through Traits the way a kind does it.
type probe struct {
	level      int32
	notes      []*aidapb.Note
	work       *aidapb.Work
	engagement *aidapb.Engagement
	reminders  []*aidapb.ReminderRef
	updatedAt  *timestamppb.Timestamp
	version    int64
}

func (p *probe) traits(kind string) record.Traits {
	return record.Traits{Kind: kind, Limits: record.Limits{Note: 20, Author: 10, Reason: 30}, Owner: "user:ann",
		Email: "ada@example.com", Level: &p.level, Notes: &p.notes, Work: &p.work, Engagement: &p.engagement,
		Reminders: &p.reminders, UpdatedAt: &p.updatedAt, Version: &p.version}
}

func TestIsShared(t *testing.T) {
	shared := []*aidapb.Command{
		{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}},
		{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{}}},
		{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{}}},
		{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{}}},
		{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{}}},
		{Body: &aidapb.Command_CancelReminder{CancelReminder: &aidapb.CancelReminder{}}},
		{Body: &aidapb.Command_FireReminder{FireReminder: &aidapb.FireReminder{}}},
		addTask("a", "t", ""), decideDraft("a", "x", true),
	}
	for _, cmd := range shared {
		if !record.IsShared(cmd) {
			t.Errorf("IsShared(%s) = false", record.CommandName(cmd))
		}
	}
	own := []*aidapb.Command{nil, {},
		{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{}}},
		{Body: &aidapb.Command_ChangeDealStage{ChangeDealStage: &aidapb.ChangeDealStage{}}},
		{Body: &aidapb.Command_StartOnboarding{StartOnboarding: &aidapb.StartOnboarding{}}},
	}
	for _, cmd := range own {
		if record.IsShared(cmd) {
			t.Errorf("IsShared(%s) = true", record.CommandName(cmd))
		}
	}
}

// TestDecideAndApply runs each shared command through Decide and Apply over a probe: the event
// types carry the kind, the kind's limits hold, and every applied event stamps the state.
func TestDecideAndApply(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	p := &probe{level: 2}
	steps := []struct {
		name  string
		cmd   *aidapb.Command
		types []string
		check func() bool
	}{
		{"get changes nothing", &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}, nil,
			func() bool { return p.version == 0 }},
		{"autonomy", &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 4}}},
			[]string{"crm.autonomy.level_changed"}, func() bool { return p.level == 4 }},
		{"note", &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "called"}}},
			[]string{"crm.probe.note_added"}, func() bool { return len(p.notes) == 1 && p.notes[0].GetAuthor() == "user:ann" }},
		{"task", addTask("user:ann", "Call Ada", ""),
			[]string{"crm.probe.task_added"}, func() bool { return len(p.work.GetTasks()) == 1 && p.work.GetTasks()[0].GetAssignee() == "user:ann" }},
		{"signal", &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: "m1", Type: "email.opened"}}},
			[]string{"crm.probe.email_opened"}, func() bool { return p.engagement.GetOpens() == 1 }},
		{"reminder", &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{
			Name: "follow_up", DueAt: timestamppb.New(now.Add(time.Hour))}}},
			[]string{"crm.probe.reminder_set"}, func() bool { return len(p.reminders) == 1 }},
		{"fire", &aidapb.Command{Body: &aidapb.Command_FireReminder{FireReminder: &aidapb.FireReminder{Name: "follow_up"}}},
			[]string{"crm.probe.reminder_fired"}, func() bool { return len(p.reminders) == 0 }},
	}
	for _, st := range steps {
		events, err := record.Decide(p.traits("probe"), st.cmd, now)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if len(events) != len(st.types) {
			t.Fatalf("%s: %d events, want %v", st.name, len(events), st.types)
		}
		for i, e := range events {
			if e.GetType() != st.types[i] {
				t.Fatalf("%s: event %d is %s, want %s", st.name, i, e.GetType(), st.types[i])
			}
			e.Id, e.Time, e.Version = "ev", timestamppb.New(now), p.version+1
			if !record.Apply(e, p.traits("probe")) {
				t.Fatalf("%s: Apply(%s) = false", st.name, e.GetType())
			}
			if p.version != e.GetVersion() || !p.updatedAt.AsTime().Equal(now) {
				t.Fatalf("%s: version %d, updated %v", st.name, p.version, p.updatedAt)
			}
		}
		if !st.check() {
			t.Fatalf("%s: state after %+v", st.name, p)
		}
	}

	long := &aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "a note longer than twenty"}}}
	if _, err := record.Decide(p.traits("probe"), long, now); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("a note past the kind's limit: %v, want Invalid", err)
	}
	own := &aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{}}}
	if _, err := record.Decide(p.traits("probe"), own, now); fault.CodeOf(err) != fault.Internal {
		t.Errorf("a kind's own command: %v, want Internal", err)
	}
}

func TestApplyIgnoresOwnEvents(t *testing.T) {
	p := &probe{level: 2, version: 3}
	before := *p
	for _, e := range []*aidapb.Event{
		{Version: 9, Data: &aidapb.Event_DealUpdated{DealUpdated: &aidapb.DealUpdated{}}},
		{Version: 9},
	} {
		if record.Apply(e, p.traits("deal")) {
			t.Errorf("Apply(%T) = true", e.GetData())
		}
	}
	if p.version != before.version || p.level != before.level || p.updatedAt != nil {
		t.Errorf("an own event changed the state: %+v", p)
	}
}

func TestApplyNoteCopies(t *testing.T) {
	p := &probe{}
	e := &aidapb.Event{Id: "ev-2", Version: 1, Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{Note: &aidapb.Note{Text: "second"}}}}
	record.Apply(e, p.traits("lead"))
	if len(p.notes) != 1 || !proto.Equal(p.notes[0], &aidapb.Note{Id: "ev-2", Text: "second"}) {
		t.Fatalf("notes %v", p.notes)
	}
	e.GetNoteAdded().GetNote().Text = "changed"
	if p.notes[0].GetText() != "second" {
		t.Error("the applied note shares memory with its event")
	}
}
