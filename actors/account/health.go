package account

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/aidapb"
)

// Health categories, from best to worst.
const (
	Excellent = "excellent" // score ≥ 90.0
	Good      = "good"      // ≥ 70.0
	Fair      = "fair"      // ≥ 50.0
	Poor      = "poor"      // ≥ 30.0
	Critical  = "critical"  // below
)

// Risk levels, by churn probability.
const (
	RiskLow      = "low"      // ≤ 20 %
	RiskMedium   = "medium"   // > 20 %
	RiskHigh     = "high"     // > 50 %
	RiskCritical = "critical" // > 80 %
)

// The health dimensions and their weights (hundredths of the score), reference §4.7.
const (
	DimEngagement      = "engagement"
	DimDealPerformance = "deal_performance"
	DimRecency         = "recency"
	DimValue           = "value"
	DimGrowth          = "growth"

	weightEngagement      = 25
	weightDealPerformance = 20
	weightRecency         = 20
	weightValue           = 20
	weightGrowth          = 15
)

// ratio is a non-negative fraction num/den (den > 0), compared exactly. The numbers stay far
// from overflow: num ≤ 100 000 × den and den ≤ 100 × the number of deals.
type ratio struct{ num, den int64 }

func (r ratio) lt(v int64) bool { return r.num < v*r.den }
func (r ratio) gt(v int64) bool { return r.num > v*r.den }

// floor returns the fraction rounded down to an integer.
func (r ratio) floor() int64 { return r.num / r.den }

// ComputeHealth scores account a at now from its deals (reference §4.7). Every number is an
// integer in thousandths: a dimension of 800 is 0.8, a score of 495 is 49.5 out of 100, a churn
// probability of 500 is 50 %.
//
// Communications are the replies and opens inbound signals recorded (Engagement): engagement is
// min(1, contacts in the 30 days before now / 5), recency max(0, 1 − days since the last contact
// / 90), or 300 with no contact on record (the reference's value without communications).
// deal_performance is won deals / all deals (500 with none); value is 1000, 800, 600 or 400 for
// a total deal value above 100 000, above 25 000, above 5 000, or less (amounts are summed
// whatever their currency); growth is 800 with more than one deal, else 500.
//
// A customer just won has the reference's initial health instead (initialHealth) until its
// first contact or the end of its onboarding plan.
//
// The score is the weighted mean, computed exactly and truncated to a thousandth, so a
// category read from the score is the category of the exact mean; category and churn rules
// compare the exact mean.
func ComputeHealth(a *aidapb.Account, now time.Time) *aidapb.Health {
	if h, ok := initialHealth(a, now); ok {
		return h
	}
	deals := a.GetDeals()
	total := int64(len(deals))
	var won int64
	values := make([]string, 0, len(deals))
	for _, d := range deals {
		if d.GetStage() == deal.ClosedWon {
			won++
		}
		values = append(values, d.GetValue())
	}
	engagement, engagementReason, recency, recencyReason := contactScores(a.GetEngagement(), now)
	value, valueReason := valueScore(deal.SumMoney(values...))
	growth, growthReason := int64(500), "one deal or none"
	if total > 1 {
		growth, growthReason = 800, fmt.Sprintf("%d deals", total)
	}

	// performance is won/total; with no deals it is 1/2.
	performance, perfReason := ratio{1, 2}, "no deals yet"
	if total > 0 {
		performance, perfReason = ratio{won, total}, fmt.Sprintf("%d of %d deals won", won, total)
	}
	fixed := weightEngagement*engagement + weightRecency*recency + weightValue*value + weightGrowth*growth
	// score = (fixed + 20 × 1000 × performance) / 100
	score := ratio{
		num: fixed*performance.den + weightDealPerformance*1000*performance.num,
		den: 100 * performance.den,
	}
	if score.gt(1000) {
		score = ratio{1000, 1}
	}

	h := &aidapb.Health{
		Score:    int32(score.floor()),
		Category: category(score),
		Dimensions: []*aidapb.Dimension{
			{Name: DimEngagement, Score: int32(engagement), Weight: weightEngagement, Reason: engagementReason},
			{Name: DimDealPerformance, Score: int32(ratio{1000 * performance.num, performance.den}.floor()),
				Weight: weightDealPerformance, Reason: perfReason},
			{Name: DimRecency, Score: int32(recency), Weight: weightRecency, Reason: recencyReason},
			{Name: DimValue, Score: int32(value), Weight: weightValue, Reason: valueReason},
			{Name: DimGrowth, Score: int32(growth), Weight: weightGrowth, Reason: growthReason},
		},
		CalculatedAt: timestamppb.New(now),
	}

	// Churn: 10 % + 20 % per risk factor, moved by the score, clamped to 5..95 %.
	churn := int64(100)
	if engagement < 300 { // low_engagement
		churn += 200
	}
	if recency < 200 { // no_recent_contact
		churn += 200
	}
	if 2*performance.num < performance.den { // poor_deal_history: < 0.5
		churn += 200
	}
	switch {
	case score.lt(300):
		churn += 300
	case score.lt(500):
		churn += 200
	case score.gt(800):
		churn -= 100
	}
	churn = max(50, min(950, churn))
	h.ChurnProbability = int32(churn)
	h.RiskLevel = riskLevel(churn)
	return h
}

// contactScores returns the engagement and recency dimensions from the contacts on record.
func contactScores(g *aidapb.Engagement, now time.Time) (engagement int64, er string, recency int64, rr string) {
	const noComms = "no communications recorded yet"
	if g.GetLastContactAt() == nil {
		return 0, noComms, 300, noComms
	}
	recent := int64(0)
	for _, t := range g.GetRecentContacts() {
		if age := now.Sub(t.AsTime()); age >= 0 && age <= 30*24*time.Hour {
			recent++
		}
	}
	engagement = min(1000, recent*200)
	er = fmt.Sprintf("%d contacts in the last 30 days", recent)
	days := int64(max(0, now.Sub(g.GetLastContactAt().AsTime())) / (24 * time.Hour))
	recency = max(0, 1000-days*1000/90)
	rr = fmt.Sprintf("last contact %d days ago", days)
	return engagement, er, recency, rr
}

// valueScore maps the total deal value to the value dimension.
func valueScore(totalValue string) (int64, string) {
	v, err := decimal.NewFromString(totalValue)
	if err != nil { // SumMoney always gives a decimal; count anything else as nothing
		v = decimal.Zero
	}
	reason := "total deal value " + totalValue
	switch {
	case v.GreaterThan(decimal.NewFromInt(100000)):
		return 1000, reason
	case v.GreaterThan(decimal.NewFromInt(25000)):
		return 800, reason
	case v.GreaterThan(decimal.NewFromInt(5000)):
		return 600, reason
	default:
		return 400, reason
	}
}

func category(score ratio) string {
	switch {
	case !score.lt(900):
		return Excellent
	case !score.lt(700):
		return Good
	case !score.lt(500):
		return Fair
	case !score.lt(300):
		return Poor
	default:
		return Critical
	}
}

func riskLevel(churn int64) string {
	switch {
	case churn > 800:
		return RiskCritical
	case churn > 500:
		return RiskHigh
	case churn > 200:
		return RiskMedium
	default:
		return RiskLow
	}
}
