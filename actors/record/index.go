package record

// Index is what the store lists an entity by, as a kind computes it from its state; the entity
// shell hands it to the store as persistence.Index, which has the same fields.
type Index struct {
	Status    string // lead status, deal stage, account lifecycle
	Source    string
	Owner     string
	UniqueKey string // unique per kind when not empty: a lead's email, an account's company
	Score     int32  // lead score, deal probability, account health (thousandths or percent); -1: none
	Amount    string // a decimal (deal value) with at most 2 places, "" for none
	Level     int32  // the autonomy level, 1..5; 0 for none
}
