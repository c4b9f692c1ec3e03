package record

// Index holds the columns an entity is listed and filtered by, beside its state. A kind's Index
// function fills it; the entity shell hands it to the store (persistence.Index has the same
// fields), so the domain packages need not import the store. Empty strings are stored as NULL.
type Index struct {
	Status    string // lead status, deal stage, account lifecycle
	Source    string
	Owner     string
	UniqueKey string // unique per kind when not empty: a lead's email, an account's company
	Score     int32  // lead score, deal probability, account health (thousandths or percent); -1: none
	Amount    string // a decimal (deal value) with at most 2 places, "" for none
	Level     int32  // the autonomy level, 1..5; 0 for none
}
