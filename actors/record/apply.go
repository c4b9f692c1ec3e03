package record

import "github.com/aidacrm/aida/api/aidapb"

// Apply folds an event every kind takes into the state fields it changes: AutonomyChanged sets
// *level to its new level, NoteAdded appends its note (see Note) to *notes. It reports whether
// e was one of those; any other event changes nothing. Stamping UpdatedAt and Version stays
// with the kind's own Apply, which does it for every event it folds.
func Apply(e *aidapb.Event, level *int32, notes *[]*aidapb.Note) bool {
	switch data := e.GetData().(type) {
	case *aidapb.Event_AutonomyChanged:
		*level = data.AutonomyChanged.GetTo()
	case *aidapb.Event_NoteAdded:
		*notes = append(*notes, Note(e))
	default:
		return false
	}
	return true
}
