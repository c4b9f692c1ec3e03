package stream

import (
	"context"
	"encoding/json"
)

// Snapshots gives the current views a subscribe starts from. The lead engineer's
// implementation reads the store; the hub calls it from the subscribing client's goroutine,
// with a deadline.
type Snapshots interface {
	// Recent returns up to n entities of kind matching filter, most recently updated first.
	Recent(ctx context.Context, kind string, filter Filter, n int) ([]Item, error)
	// Get returns the current view of (kind, id); false when there is no such entity.
	Get(ctx context.Context, kind, id string) (Item, bool, error)
}

// Item is the current REST view of one entity (rest.Lead, rest.Deal or rest.Account as JSON).
type Item struct {
	Kind    string
	ID      string
	Version int64
	View    json.RawMessage
}

// Filter narrows a kind subscription to entities whose view has these values; an empty field
// matches any. Status is a lead's status, a deal's stage or an account's lifecycle.
type Filter struct {
	Status string `json:"status,omitempty"`
	Owner  string `json:"owner,omitempty"`
}

// Match reports whether an entity with status and owner passes f.
func (f Filter) Match(status, owner string) bool {
	return (f.Status == "" || f.Status == status) && (f.Owner == "" || f.Owner == owner)
}
