package record

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func TestApplyReminder(t *testing.T) {
	due := timestamppb.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	set := func(name, token string) *aidapb.Event {
		return &aidapb.Event{Data: &aidapb.Event_ReminderSet{ReminderSet: &aidapb.ReminderSet{Name: name, Token: token, DueAt: due}}}
	}
	var refs []*aidapb.ReminderRef
	steps := []struct {
		e    *aidapb.Event
		want map[string]string // name → token after the step
	}{
		{set("a", "t1"), map[string]string{"a": "t1"}},
		{set("b", "t2"), map[string]string{"a": "t1", "b": "t2"}},
		{set("a", "t3"), map[string]string{"a": "t3", "b": "t2"}},
		{&aidapb.Event{Data: &aidapb.Event_ReminderCancelled{ReminderCancelled: &aidapb.ReminderCancelled{Name: "b"}}}, map[string]string{"a": "t3"}},
		{&aidapb.Event{Data: &aidapb.Event_ReminderFired{ReminderFired: &aidapb.ReminderFired{Name: "a", Token: "t3"}}}, map[string]string{}},
	}
	for i, st := range steps {
		if !ApplyReminder(st.e, &refs) {
			t.Fatalf("step %d: not a reminder event", i)
		}
		if len(refs) != len(st.want) {
			t.Fatalf("step %d: refs %v, want %v", i, refs, st.want)
		}
		for name, token := range st.want {
			if got := PendingToken(refs, name); got != token {
				t.Fatalf("step %d: token of %s = %q, want %q", i, name, got, token)
			}
		}
	}
	if ApplyReminder(&aidapb.Event{Data: &aidapb.Event_NoteAdded{}}, &refs) {
		t.Fatal("a note is not a reminder event")
	}
}

func TestDecideReminder(t *testing.T) {
	due := timestamppb.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	pending := []*aidapb.ReminderRef{{Name: "follow_up", Token: "t"}}
	tests := []struct {
		name     string
		cmd      *aidapb.Command
		wantType string // "" for no event
		wantCode fault.Code
	}{
		{"schedule", &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{Name: "x", DueAt: due}}}, "crm.lead.reminder_set", 0},
		{"schedule without due", &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{Name: "x"}}}, "", fault.Invalid},
		{"schedule without name", &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{DueAt: due}}}, "", fault.Invalid},
		{"cancel pending", &aidapb.Command{Body: &aidapb.Command_CancelReminder{CancelReminder: &aidapb.CancelReminder{Name: "follow_up"}}}, "crm.lead.reminder_cancelled", 0},
		{"cancel unknown changes nothing", &aidapb.Command{Body: &aidapb.Command_CancelReminder{CancelReminder: &aidapb.CancelReminder{Name: "other"}}}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := DecideReminder("lead", pending, tt.cmd)
			if tt.wantCode != 0 {
				if fault.CodeOf(err) != tt.wantCode {
					t.Fatalf("err = %v, want code %v", err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantType == "" {
				if len(evs) != 0 {
					t.Fatalf("events %v, want none", evs)
				}
				return
			}
			if len(evs) != 1 || evs[0].GetType() != tt.wantType {
				t.Fatalf("events %v, want one %s", evs, tt.wantType)
			}
		})
	}
}
