package lead

import "github.com/aidacrm/aida/actors/record"

// Kind is the entity kind of leads, in actor addresses and store rows.
const Kind = "lead"

// Event types (the CloudEvents type of each journaled event).
const (
	TypeCaptured        = "crm.lead.captured"
	TypeUpdated         = "crm.lead.updated"
	TypeStatusChanged   = "crm.lead.status_changed"
	TypeArchived        = "crm.lead.archived"
	TypeRestored        = "crm.lead.restored"
	TypeConverted       = "crm.lead.converted"
	TypeQualified       = "crm.lead.qualified"
	TypeAssessed        = "crm.lead.assessed"
	TypeAutonomyChanged = record.TypeAutonomyChanged
	TypeNoteAdded       = "crm.lead.note_added"
)
