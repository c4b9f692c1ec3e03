package deal_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/fault"
)

// TestStageMatrix tries all 36 (from, to) pairs through Decide against the table of
// reference §4.5 step 2, reopening included.
func TestStageMatrix(t *testing.T) {
	allowed := map[[2]string]bool{
		{deal.Prospect, deal.Qualified}:     true,
		{deal.Prospect, deal.ClosedLost}:    true,
		{deal.Qualified, deal.Proposal}:     true,
		{deal.Qualified, deal.ClosedLost}:   true,
		{deal.Proposal, deal.Negotiation}:   true,
		{deal.Proposal, deal.Qualified}:     true,
		{deal.Proposal, deal.ClosedLost}:    true,
		{deal.Negotiation, deal.ClosedWon}:  true,
		{deal.Negotiation, deal.Proposal}:   true,
		{deal.Negotiation, deal.ClosedLost}: true,
		{deal.ClosedLost, deal.Qualified}:   true,
	}
	wantType := map[string]string{
		deal.Prospect: deal.TypeStageChanged, deal.Qualified: deal.TypeStageChanged,
		deal.Proposal: deal.TypeStageChanged, deal.Negotiation: deal.TypeStageChanged,
		deal.ClosedWon: deal.TypeWon, deal.ClosedLost: deal.TypeLost,
	}
	stages := deal.Stages()
	if len(stages) != 6 {
		t.Fatalf("Stages() = %v", stages)
	}
	for _, from := range stages {
		for _, to := range stages {
			t.Run(from+"->"+to, func(t *testing.T) {
				s := dealAt(t, from)
				if got := deal.CanMove(from, to); got != allowed[[2]string{from, to}] {
					t.Fatalf("CanMove = %v", got)
				}
				got, evs, err := step(s, moveTo(to, "because"), t0)
				if !allowed[[2]string{from, to}] {
					fe := wantCode(t, err, fault.Transition)
					if !strings.Contains(fe.Message, from) {
						t.Errorf("message %q does not name the current stage", fe.Message)
					}
					for _, n := range deal.Next(from) {
						if to != from && !strings.Contains(fe.Message, n) {
							t.Errorf("message %q does not name allowed stage %s", fe.Message, n)
						}
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if len(evs) != 1 || evs[0].GetType() != wantType[to] {
					t.Fatalf("events %v, want one %s", evs, wantType[to])
				}
				c := evs[0].GetDealStageChanged()
				if c.GetFrom() != from || c.GetTo() != to || c.GetReason() != "because" {
					t.Errorf("event data %v", c)
				}
				if got.GetStage() != to || got.GetProbability() != deal.Probability(to) ||
					got.GetForecastCategory() != deal.Forecast(to) {
					t.Errorf("state stage %s prob %d forecast %s", got.GetStage(), got.GetProbability(), got.GetForecastCategory())
				}
				last := got.GetStageHistory()[len(got.GetStageHistory())-1]
				if last.GetFrom() != from || last.GetTo() != to || last.GetActor() != "user:ann" ||
					last.GetReason() != "because" || !last.GetAt().AsTime().Equal(t0) {
					t.Errorf("history entry %v", last)
				}
			})
		}
	}
}

func TestStageDefaults(t *testing.T) {
	tests := []struct {
		stage    string
		prob     int32
		forecast string
		next     []string
	}{
		{deal.Prospect, 10, "pipeline", []string{"qualified", "closed_lost"}},
		{deal.Qualified, 25, "pipeline", []string{"proposal", "closed_lost"}},
		{deal.Proposal, 50, "best_case", []string{"negotiation", "qualified", "closed_lost"}},
		{deal.Negotiation, 75, "commit", []string{"closed_won", "proposal", "closed_lost"}},
		{deal.ClosedWon, 100, "closed", nil},
		{deal.ClosedLost, 0, "omitted", []string{"qualified"}},
		{"archived", -1, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.stage, func(t *testing.T) {
			if got := deal.Probability(tt.stage); got != tt.prob {
				t.Errorf("Probability = %d, want %d", got, tt.prob)
			}
			if got := deal.Forecast(tt.stage); got != tt.forecast {
				t.Errorf("Forecast = %q, want %q", got, tt.forecast)
			}
			if got := deal.Next(tt.stage); !slices.Equal(got, tt.next) {
				t.Errorf("Next = %v, want %v", got, tt.next)
			}
		})
	}
	// Next returns a copy: changing it leaves the table alone.
	n := deal.Next(deal.Prospect)
	n[0] = "garbage"
	if deal.Next(deal.Prospect)[0] != deal.Qualified {
		t.Fatal("Next exposes the transition table")
	}
}

func TestReopen(t *testing.T) {
	lost := dealAt(t, deal.ClosedLost)
	if lost.GetClosedAt() == nil || lost.GetProbability() != 0 || lost.GetForecastCategory() != "omitted" {
		t.Fatalf("lost deal: closed_at %v prob %d forecast %s", lost.GetClosedAt(), lost.GetProbability(), lost.GetForecastCategory())
	}
	later := t0.Add(48 * 3600e9)
	s, evs := mustStep(t, lost, moveTo(deal.Qualified, "budget approved after all"), later)
	if evs[0].GetType() != deal.TypeStageChanged {
		t.Errorf("reopen type %s", evs[0].GetType())
	}
	if s.GetStage() != deal.Qualified || s.GetProbability() != 25 || s.GetForecastCategory() != "pipeline" {
		t.Errorf("reopened: stage %s prob %d forecast %s", s.GetStage(), s.GetProbability(), s.GetForecastCategory())
	}
	if s.GetClosedAt() != nil {
		t.Errorf("closed_at still %v", s.GetClosedAt())
	}
	// And the reopened deal goes on to win.
	for _, to := range []string{deal.Proposal, deal.Negotiation, deal.ClosedWon} {
		s, evs = mustStep(t, s, moveTo(to, ""), later)
	}
	if evs[0].GetType() != deal.TypeWon || s.GetProbability() != 100 || s.GetForecastCategory() != "closed" {
		t.Errorf("won: type %s prob %d forecast %s", evs[0].GetType(), s.GetProbability(), s.GetForecastCategory())
	}
	if !s.GetClosedAt().AsTime().Equal(later) {
		t.Errorf("closed_at %v, want %v", s.GetClosedAt().AsTime(), later)
	}
}
