package account_test

import (
	"testing"
	"time"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/api/aidapb"
)

var t0 = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

func deals(spec ...string) []*aidapb.AccountDeal {
	// spec is pairs: stage, value.
	var out []*aidapb.AccountDeal
	for i := 0; i+1 < len(spec); i += 2 {
		out = append(out, &aidapb.AccountDeal{DealId: spec[i] + spec[i+1], Stage: spec[i], Value: spec[i+1]})
	}
	return out
}

// TestComputeHealth checks examples worked by hand. With no communications, engagement is 0
// and recency 300, so score = (20×perf + 20×300 + 20×value + 15×growth) / 100.
func TestComputeHealth(t *testing.T) {
	tests := []struct {
		name     string
		deals    []*aidapb.AccountDeal
		dims     [5]int32 // engagement, deal_performance, recency, value, growth
		score    int32
		category string
		churn    int32
		risk     string
	}{
		// (20×500 + 6000 + 20×400 + 15×500)/100 = 31500/100 = 315.
		// churn: 100 + 200 (low engagement) + 200 (score < 500) = 500 → medium (not > 500).
		{"no deals", nil, [5]int32{0, 500, 300, 400, 500}, 315, "poor", 500, "medium"},
		// (20×1000 + 6000 + 20×800 + 15×500)/100 = 49500/100 = 495.
		{"one won deal of 30000", deals("closed_won", "30000.00"), [5]int32{0, 1000, 300, 800, 500}, 495, "poor", 500, "medium"},
		// 1 of 2 won, 40000 in all: (20×500 + 6000 + 20×800 + 15×800)/100 = 44000/100 = 440.
		{"two deals, one won", deals("closed_won", "30000.00", "proposal", "10000.00"),
			[5]int32{0, 500, 300, 800, 800}, 440, "poor", 500, "medium"},
		// Both won, 10000 in all: (20000 + 6000 + 20×600 + 12000)/100 = 50000/100 = 500: exactly fair,
		// and churn loses its +200 (score not < 500): 300 → medium.
		{"exactly on the fair threshold", deals("closed_won", "4000.00", "closed_won", "6000.00"),
			[5]int32{0, 1000, 300, 600, 800}, 500, "fair", 300, "medium"},
		// 5000.00 is not above 5000: value 400, (20000 + 6000 + 8000 + 12000)/100 = 460.
		{"value exactly 5000", deals("closed_won", "4999.99", "closed_won", "0.01"),
			[5]int32{0, 1000, 300, 400, 800}, 460, "poor", 500, "medium"},
		// One cent more crosses both thresholds.
		{"value 5000.01", deals("closed_won", "5000.00", "closed_won", "0.01"),
			[5]int32{0, 1000, 300, 600, 800}, 500, "fair", 300, "medium"},
		// (0 + 6000 + 8000 + 7500)/100 = 215 → critical. churn 100 + 200 + 200 (poor deal
		// history) + 300 (score < 300) = 800 → high (not > 800).
		{"one lost deal", deals("closed_lost", "1000.00"), [5]int32{0, 0, 300, 400, 500}, 215, "critical", 800, "high"},
		// 1 of 3 won: (26000×3 + 20000×1)/300 = 326.67 → 326 (truncated).
		// churn 100 + 200 + 200 (1/3 < 1/2) + 200 = 700 → high.
		{"one of three won", deals("closed_won", "0.00", "closed_lost", "0.00", "prospect", "0.00"),
			[5]int32{0, 333, 300, 400, 800}, 326, "poor", 700, "high"},
		// 2 of 3 won, 150000: (38000×3 + 20000×2)/300 = 513.33 → 513.
		{"two of three won", deals("closed_won", "100000.00", "closed_won", "40000.00", "closed_lost", "10000.00"),
			[5]int32{0, 666, 300, 1000, 800}, 513, "fair", 300, "medium"},
		// Exactly 100000 is not above it: value 800.
		{"value exactly 100000", deals("closed_won", "100000.00"), [5]int32{0, 1000, 300, 800, 500}, 495, "poor", 500, "medium"},
		{"value 100000.01", deals("closed_won", "100000.01"), [5]int32{0, 1000, 300, 1000, 500}, 535, "fair", 300, "medium"},
	}
	names := []string{"engagement", "deal_performance", "recency", "value", "growth"}
	weights := []int32{25, 20, 20, 20, 15}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := account.ComputeHealth(&aidapb.Account{Deals: tt.deals}, t0)
			if h.GetScore() != tt.score || h.GetCategory() != tt.category {
				t.Errorf("score %d %s, want %d %s", h.GetScore(), h.GetCategory(), tt.score, tt.category)
			}
			if h.GetChurnProbability() != tt.churn || h.GetRiskLevel() != tt.risk {
				t.Errorf("churn %d %s, want %d %s", h.GetChurnProbability(), h.GetRiskLevel(), tt.churn, tt.risk)
			}
			if len(h.GetDimensions()) != 5 {
				t.Fatalf("dimensions %v", h.GetDimensions())
			}
			for i, d := range h.GetDimensions() {
				if d.GetName() != names[i] || d.GetScore() != tt.dims[i] || d.GetWeight() != weights[i] || d.GetReason() == "" {
					t.Errorf("dimension %d = %v, want %s %d weight %d", i, d, names[i], tt.dims[i], weights[i])
				}
			}
			if h.GetDimensions()[0].GetReason() != "no communications recorded yet" {
				t.Errorf("engagement reason %q", h.GetDimensions()[0].GetReason())
			}
			if !h.GetCalculatedAt().AsTime().Equal(t0) {
				t.Errorf("calculated_at %v", h.GetCalculatedAt().AsTime())
			}
		})
	}
}
