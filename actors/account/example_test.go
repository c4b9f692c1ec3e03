package account_test

import (
	"fmt"
	"time"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/api/aidapb"
)

// The health of an account with two won deals worth 10 000 in all sits exactly on the fair
// threshold: (20×1000 + 20×300 + 20×600 + 15×800) / 100 = 500, that is 50.0.
func ExampleComputeHealth() {
	a := &aidapb.Account{Deals: []*aidapb.AccountDeal{
		{DealId: "d1", Stage: "closed_won", Value: "4000.00"},
		{DealId: "d2", Stage: "closed_won", Value: "6000.00"},
	}}
	h := account.ComputeHealth(a, time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC))
	fmt.Printf("score %d.%d %s, churn %d‰ %s\n", h.GetScore()/10, h.GetScore()%10, h.GetCategory(),
		h.GetChurnProbability(), h.GetRiskLevel())
	for _, d := range h.GetDimensions() {
		fmt.Printf("%-16s %4d ×%d%%  %s\n", d.GetName(), d.GetScore(), d.GetWeight(), d.GetReason())
	}
	// Output:
	// score 50.0 fair, churn 300‰ medium
	// engagement          0 ×25%  no communications recorded yet
	// deal_performance 1000 ×20%  2 of 2 deals won
	// recency           300 ×20%  no communications recorded yet
	// value             600 ×20%  total deal value 10000.00
	// growth            800 ×15%  2 deals
}
