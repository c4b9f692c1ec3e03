// Package listing holds the columns an entity is listed and filtered by beside its state: the
// contract between a kind, which computes them from its state, and the store, which indexes
// them. It depends on nothing, so the domain packages can return it without linking a store.
package listing

// Index is what the store lists an entity by. Empty strings are stored as NULL.
type Index struct {
	Status    string // lead status, deal stage, account lifecycle
	Source    string
	Owner     string
	UniqueKey string // unique per kind when not empty: a lead's email, an account's company
	Score     int32  // lead score, deal probability, account health (thousandths or percent); -1: none
	Amount    string // a decimal (deal value) with at most 2 places, "" for none
	Level     int32  // the autonomy level, 1..5; 0 for none
}
