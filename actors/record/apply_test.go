package record_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

func TestApply(t *testing.T) {
	old := &aidapb.Note{Id: "ev-1", Text: "first"}
	tests := []struct {
		name    string
		e       *aidapb.Event
		applied bool
		level   int32
		notes   []*aidapb.Note
	}{
		{"autonomy change", &aidapb.Event{Data: &aidapb.Event_AutonomyChanged{AutonomyChanged: &aidapb.AutonomyChanged{From: 2, To: 4}}},
			true, 4, []*aidapb.Note{old}},
		{"note", &aidapb.Event{Id: "ev-2", Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{Note: &aidapb.Note{Text: "second"}}}},
			true, 2, []*aidapb.Note{old, {Id: "ev-2", Text: "second"}}},
		{"a kind's own event", &aidapb.Event{Data: &aidapb.Event_DealUpdated{DealUpdated: &aidapb.DealUpdated{}}},
			false, 2, []*aidapb.Note{old}},
		{"no data", &aidapb.Event{}, false, 2, []*aidapb.Note{old}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			level, notes := int32(2), []*aidapb.Note{old}
			if got := record.Apply(tt.e, &level, &notes); got != tt.applied {
				t.Errorf("Apply = %v, want %v", got, tt.applied)
			}
			if level != tt.level {
				t.Errorf("level %d, want %d", level, tt.level)
			}
			if len(notes) != len(tt.notes) {
				t.Fatalf("notes %v, want %v", notes, tt.notes)
			}
			for i := range notes {
				if !proto.Equal(notes[i], tt.notes[i]) {
					t.Errorf("note %d = %v, want %v", i, notes[i], tt.notes[i])
				}
			}
		})
	}
}
