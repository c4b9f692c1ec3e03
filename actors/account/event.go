package account

import "github.com/aidacrm/aida/actors/record"

// The CloudEvents types of the events an account produces.
const (
	TypeCreated          = "crm.account.created"
	TypeUpdated          = "crm.account.updated"
	TypeDealAttached     = "crm.account.deal_attached"
	TypeHealthChanged    = "crm.account.health_changed"
	TypeLifecycleChanged = "crm.account.lifecycle_changed"
	TypeNoteAdded        = "crm.account.note_added"
	TypeAutonomyChanged  = record.TypeAutonomyChanged
)
