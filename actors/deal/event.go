package deal

import "github.com/aidacrm/aida/actors/record"

// Kind is the entity kind of deals, in actor addresses and store rows.
const Kind = "deal"

// The CloudEvents types of the events a deal produces.
const (
	TypeCreated         = "crm.deal.created"
	TypeUpdated         = "crm.deal.updated"
	TypeStageChanged    = "crm.deal.stage_changed" // moves between open stages, and reopening
	TypeWon             = "crm.deal.won"           // a move to closed_won
	TypeLost            = "crm.deal.lost"          // a move to closed_lost
	TypeNoteAdded       = "crm.deal.note_added"
	TypeAutonomyChanged = record.TypeAutonomyChanged
)

// stageEventType is the type of the event that moves a deal to stage to.
func stageEventType(to string) string {
	switch to {
	case ClosedWon:
		return TypeWon
	case ClosedLost:
		return TypeLost
	default:
		return TypeStageChanged
	}
}
