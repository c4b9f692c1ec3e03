package account_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/api/aidapb"
)

// Reference §4.7, Onboarding: "Initial health = 70, +10 for a high tier, +5 when value > 25000",
// the high tier being a deal above 50000. It holds from the onboarding's start until the first
// contact after it, or the plan's end; then the health formula applies (docs/decisions.md §30).
func TestInitialHealth(t *testing.T) {
	onboarded := func(value string, eng *aidapb.Engagement) *aidapb.Account {
		return &aidapb.Account{
			Deals:      []*aidapb.AccountDeal{{DealId: "d1", Stage: "closed_won", Value: value}},
			Onboarding: &aidapb.Onboarding{DealId: "d1", DurationDays: 30, StartedAt: timestamppb.New(t0)},
			Engagement: eng,
		}
	}
	contact := func(at int) *aidapb.Engagement {
		ts := timestamppb.New(t0.Add(time.Duration(at) * day))
		return &aidapb.Engagement{LastContactAt: ts, RecentContacts: []*timestamppb.Timestamp{ts}}
	}
	tests := []struct {
		name     string
		account  *aidapb.Account
		at       int // days after the start
		score    int32
		category string
		churn    int32
		dim      string
	}{
		{"standard tier", onboarded("10000.00", nil), 0, 700, account.Good, 100, account.DimInitial},
		{"exactly 25 000: no +5", onboarded("25000.00", nil), 1, 700, account.Good, 100, account.DimInitial},
		{"above 25 000: +5", onboarded("30000.00", nil), 1, 750, account.Good, 100, account.DimInitial},
		{"exactly 50 000: not the high tier", onboarded("50000.00", nil), 1, 750, account.Good, 100, account.DimInitial},
		{"high tier: +10 +5", onboarded("60000.00", nil), 1, 850, account.Good, 50, account.DimInitial},
		{"deal not listed: 70", &aidapb.Account{Onboarding: &aidapb.Onboarding{DealId: "d9", DurationDays: 30,
			StartedAt: timestamppb.New(t0)}}, 1, 700, account.Good, 100, account.DimInitial},
		{"a contact before the start does not end it", onboarded("10000.00", contact(-3)), 1, 700, account.Good, 100, account.DimInitial},
		// (25×200 + 20×1000 + 20×1000 + 20×800 + 15×500) / 100 = 685; churn 10 % + 20 % low engagement
		{"the first contact ends it", onboarded("30000.00", contact(2)), 2, 685, account.Fair, 300, account.DimEngagement},
		// (0 + 20×1000 + 20×300 + 20×800 + 15×500) / 100 = 495: the reference's formula, poor
		{"the plan's end with no contact ends it", onboarded("30000.00", nil), 30, 495, account.Poor, 500, account.DimEngagement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := account.ComputeHealth(tt.account, t0.Add(time.Duration(tt.at)*day))
			if h.GetScore() != tt.score || h.GetCategory() != tt.category || h.GetChurnProbability() != tt.churn ||
				h.GetDimensions()[0].GetName() != tt.dim {
				t.Errorf("health %d %s churn %d (%s: %s), want %d %s churn %d (%s)", h.GetScore(), h.GetCategory(),
					h.GetChurnProbability(), h.GetDimensions()[0].GetName(), h.GetDimensions()[0].GetReason(),
					tt.score, tt.category, tt.churn, tt.dim)
			}
		})
	}
}
