package deal_test

import (
	"testing"

	"github.com/aidacrm/aida/actors/deal"
)

// Reference §4.5, Create from lead: "Probability = min(20 + int(60 × (0.4 intent + 0.3 urgency
// + 0.3 fit)), 95); the fallback gives 51", with urgency low 0.3, medium 0.6, high 0.9.
func TestConvertedProbability(t *testing.T) {
	tests := []struct {
		name                 string
		intent, urgency, fit int32
		want                 int32
	}{
		{"the reference's fallback 0.5/0.5/0.6", 500, 500, 600, 51},
		{"nothing", 0, 0, 0, 20},
		{"medium urgency, base fit", 500, 600, 500, 51},
		{"low urgency", 500, 300, 500, 46},
		{"high urgency, fit 0.9", 800, 900, 900, 71},
		{"all 1.0: 80, so the cap of 95 never binds", 1000, 1000, 1000, 80},
		{"exact product 0.5 → 30", 500, 500, 500, 50},
		{"out of range is clamped", 5000, -1, 1000, 62},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := deal.ConvertedProbability(deal.Signals{Intent: tt.intent, Urgency: tt.urgency, Fit: tt.fit})
			if got != tt.want {
				t.Errorf("probability %d, want %d", got, tt.want)
			}
		})
	}
}
