package record

import (
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"google.golang.org/protobuf/proto"
)

// DecideNote returns the event of type typ that adds the note c describes. The text is trimmed,
// required and at most lim.Note characters; the author is one trimmed line of at most
// lim.Author characters and defaults to actor, the command's actor. A bad text or author
// returns a fault.Invalid error naming "text" and "author".
func DecideNote(typ string, c *aidapb.AddNote, actor string, lim Limits) ([]*aidapb.Event, error) {
	var bad fault.Fields
	text := Text(&bad, "text", c.GetText(), lim.Note)
	if text == "" {
		bad.Add("text", "is required")
	}
	author := Line(&bad, "author", c.GetAuthor(), lim.Author)
	if author == "" {
		author = actor
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return []*aidapb.Event{{
		Type: typ,
		Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{
			Note: &aidapb.Note{Text: text, Author: author},
		}},
	}}, nil
}

// Note returns a copy of the note a NoteAdded event carries, with its Id and CreatedAt taken
// from the event's id and time; nil when e is not a NoteAdded event. It keeps no pointer into
// e.
func Note(e *aidapb.Event) *aidapb.Note {
	added := e.GetNoteAdded()
	if added == nil {
		return nil
	}
	n := &aidapb.Note{}
	if added.GetNote() != nil {
		n = proto.Clone(added.GetNote()).(*aidapb.Note)
	}
	n.Id = e.GetId()
	n.CreatedAt = Stamp(e)
	return n
}
