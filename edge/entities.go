package edge

import "github.com/aidacrm/aida/edge/operation"

// Entities is what the edge needs from the actor layer: the operation table's Entities.
// Errors are *fault.Error (api/fault) or wrap one; anything else is a 500 (logged with the
// request id, never leaked).
type Entities = operation.Entities
