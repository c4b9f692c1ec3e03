package persistence_test

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/aidacrm/aida/persistence"
)

func TestSums(t *testing.T) {
	tests := []struct {
		amount, scored         string
		wantAmount, wantWeight string
	}{
		{"0", "0", "0.00", "0.00"},
		{"12500", "312500", "12500.00", "3125.00"},
		{"0.10", "3.30", "0.10", "0.033"},  // 0.10 at 33 %: kept exact, not rounded
		{"0.5", "16.5", "0.50", "0.165"},   // 0.50 at 33 %
		{"0.01", "0.33", "0.01", "0.0033"}, // the smallest cent at 33 %
		{"9999999999999.99", "999999999999999", "9999999999999.99", "9999999999999.99"},
		{"123456789012345678.99", "12345678901234567899", "123456789012345678.99", "123456789012345678.99"},
	}
	for _, tc := range tests {
		a, w := persistence.Sums(decimal.RequireFromString(tc.amount), decimal.RequireFromString(tc.scored))
		if a != tc.wantAmount || w != tc.wantWeight {
			t.Errorf("Sums(%s, %s) = %s, %s; want %s, %s", tc.amount, tc.scored, a, w, tc.wantAmount, tc.wantWeight)
		}
	}
}

func TestSortTallies(t *testing.T) {
	ts := []persistence.Tally{{Status: "new", Level: 3}, {Status: "", Level: 2}, {Status: "new", Level: 1}, {Status: "contacted", Level: 5}}
	persistence.SortTallies(ts)
	var got []string
	for _, tl := range ts {
		got = append(got, tl.Status+"/"+string(rune('0'+tl.Level)))
	}
	if want := []string{"/2", "contacted/5", "new/1", "new/3"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
