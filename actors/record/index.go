package record

import "github.com/aidacrm/aida/api/listing"

// Index is what the store lists an entity by, as a kind computes it from its state
// (api/listing; persistence.Index is the same type).
type Index = listing.Index
