package deal_test

import (
	"errors"
	"testing"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/aidapb"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"12500", "12500.00", nil},
		{"12500.5", "12500.50", nil},
		{" 0.10 ", "0.10", nil},
		{"0", "0.00", nil},
		{"007.00", "7.00", nil},
		{"9999999999999.99", "9999999999999.99", nil}, // 15 digits
		{"0000000000000000001.00", "1.00", nil},       // leading zeros are not digits that count
		{"10000000000000", "", deal.ErrMoneyTooLarge}, // 14 + 2 = 16 digits
		{"-1", "", deal.ErrMoneySyntax},
		{"NaN", "", deal.ErrMoneySyntax},
		{"Inf", "", deal.ErrMoneySyntax},
		{"1e5", "", deal.ErrMoneySyntax},
		{"1.005", "", deal.ErrMoneySyntax},
		{"1.", "", deal.ErrMoneySyntax},
		{".5", "", deal.ErrMoneySyntax},
		{"1,000", "", deal.ErrMoneySyntax},
		{"", "", deal.ErrMoneySyntax},
		{"+5", "", deal.ErrMoneySyntax},
	}
	for _, tt := range tests {
		got, err := deal.ParseMoney(tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ParseMoney(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestWeightedValue(t *testing.T) {
	tests := []struct {
		value string
		prob  int32
		want  string
	}{
		{"12500.00", 25, "3125.00"},
		{"0.10", 33, "0.03"}, // 0.033 rounds down
		{"0.50", 33, "0.17"}, // 0.165: half rounds away from zero
		{"0.50", 31, "0.16"}, // 0.155 → 0.16
		{"9999999999999.99", 100, "9999999999999.99"},
		{"9999999999999.99", 1, "100000000000.00"}, // 99999999999.9999 → exact, then rounded
		{"1000.00", 0, "0.00"},
		{"", 50, "0.00"},
		{"garbage", 50, "0.00"},
	}
	for _, tt := range tests {
		got := deal.WeightedValue(&aidapb.Deal{Value: tt.value, Probability: tt.prob})
		if got != tt.want {
			t.Errorf("WeightedValue(%s × %d%%) = %s, want %s", tt.value, tt.prob, got, tt.want)
		}
	}
}

func TestSumMoney(t *testing.T) {
	if got := deal.SumMoney("0.10", "0.20", "bad", "9999999999999.99"); got != "10000000000000.29" {
		t.Errorf("SumMoney = %s", got)
	}
	if got := deal.SumMoney(); got != "0.00" {
		t.Errorf("SumMoney() = %s", got)
	}
}
