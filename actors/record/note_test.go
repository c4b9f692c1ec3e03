package record_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

func TestDecideNote(t *testing.T) {
	lim := record.Limits{Note: 10, Author: 8, Reason: 50}
	tests := []struct {
		name     string
		cmd      *aidapb.AddNote
		actor    string
		want     *aidapb.Note
		problems []string
	}{
		{name: "text and author trimmed", cmd: &aidapb.AddNote{Text: "  called \n", Author: " user:bo "}, actor: "agent:x",
			want: &aidapb.Note{Text: "called", Author: "user:bo"}},
		{name: "author defaults to the actor", cmd: &aidapb.AddNote{Text: "called", Author: "  "}, actor: "agent:x",
			want: &aidapb.Note{Text: "called", Author: "agent:x"}},
		{name: "text may span lines", cmd: &aidapb.AddNote{Text: "a\nb"}, actor: "user:ann",
			want: &aidapb.Note{Text: "a\nb", Author: "user:ann"}},
		{name: "text at the limit, in characters", cmd: &aidapb.AddNote{Text: strings.Repeat("é", 10)}, actor: "u",
			want: &aidapb.Note{Text: strings.Repeat("é", 10), Author: "u"}},
		{name: "empty text", cmd: &aidapb.AddNote{Text: " \t "}, actor: "u",
			problems: []string{"text: is required"}},
		{name: "nil command", cmd: nil, actor: "u",
			problems: []string{"text: is required"}},
		{name: "long text and author", cmd: &aidapb.AddNote{Text: strings.Repeat("x", 11), Author: "user:anna"}, actor: "u",
			problems: []string{"text: must be at most 10 characters", "author: must be at most 8 characters"}},
		{name: "author on two lines", cmd: &aidapb.AddNote{Text: "hi", Author: "user\nx"}, actor: "u",
			problems: []string{"author: must be one line of text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := record.DecideNote("crm.test.note_added", tt.cmd, tt.actor, lim)
			e := decided(t, evs, err, "crm.test.note_added", tt.problems)
			if !proto.Equal(e.GetNoteAdded().GetNote(), tt.want) {
				t.Errorf("note %v, want %v", e.GetNoteAdded().GetNote(), tt.want)
			}
		})
	}
}

func TestNote(t *testing.T) {
	at := timestamppb.New(time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC))
	tests := []struct {
		name string
		e    *aidapb.Event
		want *aidapb.Note
	}{
		{"note", &aidapb.Event{Id: "ev-7", Time: at, Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{
			Note: &aidapb.Note{Id: "ignored", Text: "hi", Author: "user:ann"}}}},
			&aidapb.Note{Id: "ev-7", Text: "hi", Author: "user:ann", CreatedAt: at}},
		{"event without a note", &aidapb.Event{Id: "ev-8", Time: at, Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{}}},
			&aidapb.Note{Id: "ev-8", CreatedAt: at}},
		{"event without a time", &aidapb.Event{Id: "ev-9", Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{
			Note: &aidapb.Note{Text: "hi"}}}},
			&aidapb.Note{Id: "ev-9", Text: "hi"}},
		{"another event", &aidapb.Event{Id: "ev-1", Data: &aidapb.Event_AutonomyChanged{AutonomyChanged: &aidapb.AutonomyChanged{To: 2}}}, nil},
		{"nil event", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := proto.Clone(tt.e)
			got := record.Note(tt.e)
			if tt.want == nil {
				if got != nil {
					t.Fatalf("Note = %v, want nil", got)
				}
				return
			}
			if !proto.Equal(got, tt.want) {
				t.Fatalf("Note = %v, want %v", got, tt.want)
			}
			// The note is a copy: changing it leaves the event as it was.
			got.Text += "!"
			if got.CreatedAt != nil {
				got.CreatedAt.Seconds++
			}
			if !proto.Equal(tt.e, before) {
				t.Errorf("changing the note changed its event: %v, was %v", tt.e, before)
			}
		})
	}
}

func TestStamp(t *testing.T) {
	at := timestamppb.New(time.Date(2025, 3, 10, 9, 30, 0, 5, time.UTC))
	if got := record.Stamp(&aidapb.Event{}); got != nil {
		t.Errorf("Stamp without a time = %v, want nil", got)
	}
	if got := record.Stamp(nil); got != nil {
		t.Errorf("Stamp(nil) = %v, want nil", got)
	}
	e := &aidapb.Event{Time: at}
	got := record.Stamp(e)
	if !proto.Equal(got, at) || got == at {
		t.Fatalf("Stamp = %v (same pointer %v), want a copy of %v", got, got == at, at)
	}
}

func ExampleDecideNote() {
	evs, _ := record.DecideNote("crm.deal.note_added", &aidapb.AddNote{Text: "  sent the quote "}, "user:ann",
		record.Limits{Note: 5000, Author: 200, Reason: 500})
	e := evs[0]
	e.Id, e.Time = "ev-2", timestamppb.New(time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC))
	n := record.Note(e)
	fmt.Println(e.GetType(), n.GetId(), n.GetAuthor(), n.GetText(), n.GetCreatedAt().AsTime().Format(time.DateOnly))
	// Output: crm.deal.note_added ev-2 user:ann sent the quote 2025-03-10
}
