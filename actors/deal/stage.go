package deal

import "slices"

// The stages of a deal, in pipeline order.
const (
	Prospect    = "prospect"
	Qualified   = "qualified"
	Proposal    = "proposal"
	Negotiation = "negotiation"
	ClosedWon   = "closed_won"
	ClosedLost  = "closed_lost"
)

// The forecast categories a stage puts a deal in.
const (
	ForecastPipeline = "pipeline"
	ForecastBestCase = "best_case"
	ForecastCommit   = "commit"
	ForecastClosed   = "closed"
	ForecastOmitted  = "omitted"
)

// stageInfo is one row of the stage table (reference §2.5 and §4.5).
type stageInfo struct {
	name        string
	probability int32
	forecast    string
	next        []string
}

// stageTable returns the transition table (a fresh copy: no package state). closed_lost →
// qualified reopens a lost deal; closed_won is terminal.
func stageTable() []stageInfo {
	return []stageInfo{
		{Prospect, 10, ForecastPipeline, []string{Qualified, ClosedLost}},
		{Qualified, 25, ForecastPipeline, []string{Proposal, ClosedLost}},
		{Proposal, 50, ForecastBestCase, []string{Negotiation, Qualified, ClosedLost}},
		{Negotiation, 75, ForecastCommit, []string{ClosedWon, Proposal, ClosedLost}},
		{ClosedWon, 100, ForecastClosed, nil},
		{ClosedLost, 0, ForecastOmitted, []string{Qualified}},
	}
}

func lookup(stage string) (stageInfo, bool) {
	for _, s := range stageTable() {
		if s.name == stage {
			return s, true
		}
	}
	return stageInfo{}, false
}

// Stages returns every stage in pipeline order.
func Stages() []string {
	table := stageTable()
	out := make([]string, len(table))
	for i, s := range table {
		out[i] = s.name
	}
	return out
}

// Next returns the stages a deal in stage may move to (none for closed_won or an unknown stage).
func Next(stage string) []string {
	s, _ := lookup(stage)
	return s.next
}

// ValidStage reports whether stage is one of the six stages.
func ValidStage(stage string) bool {
	_, ok := lookup(stage)
	return ok
}

// CanMove reports whether a deal may move from one stage to another.
func CanMove(from, to string) bool {
	return slices.Contains(Next(from), to)
}

// IsClosed reports whether stage is closed_won or closed_lost.
func IsClosed(stage string) bool { return stage == ClosedWon || stage == ClosedLost }

// Probability returns the default win probability (percent) of a stage; -1 for an unknown one.
func Probability(stage string) int32 {
	s, ok := lookup(stage)
	if !ok {
		return -1
	}
	return s.probability
}

// Forecast returns the forecast category of a stage; "" for an unknown one.
func Forecast(stage string) string {
	s, _ := lookup(stage)
	return s.forecast
}
