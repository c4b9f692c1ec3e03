package account

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

// DimInitial is the one dimension of an initial health: the reference's starting score.
const DimInitial = "initial"

// initialHealth returns the health of account a at now while it is a customer just won, and
// false once it is not. The reference starts an onboarded customer at 70, +10 for a deal of the
// high tier (above 50 000), +5 for a deal above 25 000 (reference §4.7, Onboarding, "Initial
// health"), so 70, 75 or 85: good. Its health formula would call the same customer poor for want
// of messages (engagement 0, recency 0.3), which says nothing about a customer who signed
// yesterday. So the initial health holds from the onboarding's start until the first contact
// recorded after it, or until the plan's duration has passed with none; then ComputeHealth's
// formula applies, and a customer not heard from in a whole onboarding does look at risk.
//
// The deal is the onboarding's, valued as the account lists it (0 when it does not). Churn
// follows the reference's rule with no risk factor counted yet: 10 %, −10 % above a score of 80,
// at least 5 %.
func initialHealth(a *aidapb.Account, now time.Time) (*aidapb.Health, bool) {
	o := a.GetOnboarding()
	if o == nil || o.GetStartedAt() == nil {
		return nil, false
	}
	start := o.GetStartedAt().AsTime()
	until := start.AddDate(0, 0, int(o.GetDurationDays()))
	if !now.Before(until) {
		return nil, false
	}
	if last := a.GetEngagement().GetLastContactAt(); last != nil && !last.AsTime().Before(start) {
		return nil, false
	}
	value := decimal.Zero
	for _, d := range a.GetDeals() {
		if d.GetDealId() == o.GetDealId() {
			if v, err := decimal.NewFromString(d.GetValue()); err == nil {
				value = v
			}
		}
	}
	score, why := int64(700), fmt.Sprintf("onboarding from deal %s (value %s): 70", o.GetDealId(), value.StringFixed(2))
	if value.GreaterThan(decimal.NewFromInt(50000)) {
		score += 100
		why += " +10 high tier"
	}
	if value.GreaterThan(decimal.NewFromInt(25000)) {
		score += 50
		why += " +5 value above 25 000"
	}
	why += fmt.Sprintf("; held until the first contact or %s", until.UTC().Format("2006-01-02"))
	churn := int64(100)
	if score > 800 {
		churn -= 100
	}
	churn = max(50, churn)
	return &aidapb.Health{
		Score:            int32(score),
		Category:         category(ratio{score, 1}),
		Dimensions:       []*aidapb.Dimension{{Name: DimInitial, Score: int32(score), Weight: 100, Reason: why}},
		ChurnProbability: int32(churn),
		RiskLevel:        riskLevel(churn),
		CalculatedAt:     timestamppb.New(now),
	}, true
}
