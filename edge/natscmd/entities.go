package natscmd

import "github.com/aidacrm/aida/edge/operation"

// Entities is what the server needs from the actor layer: the operation table's Entities.
// Errors are *fault.Error or wrap one; persistence's sentinels map like in REST; anything else
// is a 500.
type Entities = operation.Entities
