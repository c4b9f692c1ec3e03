package deal_test

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/aidapb"
)

// A deal is created, moved forward and won; each command's events are applied the way the
// entity shell does it.
func Example() {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	var d *aidapb.Deal
	run := func(body *aidapb.Command) {
		evs, err := deal.Decide(d, body, now)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		for _, e := range evs {
			e.Id, e.Actor, e.Time, e.Version = "ev", body.GetActor(), timestamppb.New(now), d.GetVersion()+1
			d = deal.Apply(d, e)
			fmt.Printf("%s → %s %d%% %s, weighted %s\n", e.GetType(), d.GetStage(), d.GetProbability(),
				d.GetForecastCategory(), deal.WeightedValue(d))
		}
	}
	stage := func(s string) *aidapb.Command {
		return &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_ChangeDealStage{
			ChangeDealStage: &aidapb.ChangeDealStage{Stage: s}}}
	}
	run(&aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_CreateDeal{
		CreateDeal: &aidapb.CreateDeal{Title: "Acme renewal", Value: "12500", Stage: "qualified"}}})
	run(stage("negotiation"))
	run(stage("proposal"))
	run(stage("negotiation"))
	run(stage("closed_won"))
	run(stage("qualified"))
	fmt.Println("next from closed_lost:", deal.Next("closed_lost"))
	// Output:
	// crm.deal.created → qualified 25% pipeline, weighted 3125.00
	// error: deal is qualified: it cannot move to negotiation; allowed: proposal, closed_lost
	// crm.deal.stage_changed → proposal 50% best_case, weighted 6250.00
	// crm.deal.stage_changed → negotiation 75% commit, weighted 9375.00
	// crm.deal.won → closed_won 100% closed, weighted 12500.00
	// error: deal is closed_won: no stage change is allowed
	// next from closed_lost: [qualified]
}
