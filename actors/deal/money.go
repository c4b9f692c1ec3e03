package deal

import (
	"errors"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/aidacrm/aida/api/aidapb"
)

// MaxMoneyDigits is the most digits a money amount may have, counting the two decimals
// (numeric(15,2): up to 9 999 999 999 999.99).
const MaxMoneyDigits = 15

// The reasons ParseMoney rejects an amount.
var (
	// ErrMoneySyntax: not a plain non-negative decimal with at most two decimals
	// (negatives, exponents, NaN and infinities are rejected here).
	ErrMoneySyntax = errors.New("must be a non-negative decimal with at most 2 decimal places, like 12500.00")
	// ErrMoneyTooLarge: more than MaxMoneyDigits digits.
	ErrMoneyTooLarge = errors.New("must have at most 15 digits")
)

// ParseMoney parses an amount such as "12500", "12500.5" or "12500.00" and returns it with
// exactly two decimals ("12500.00"). Surrounding spaces are ignored.
func ParseMoney(s string) (string, error) {
	d, err := parseMoney(s)
	if err != nil {
		return "", err
	}
	return d.StringFixed(2), nil
}

func parseMoney(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !digitsOnly(intPart) || !digitsOnly(frac) || len(frac) > 2 || (hasDot && frac == "") {
		return decimal.Decimal{}, ErrMoneySyntax
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart)+2 > MaxMoneyDigits {
		return decimal.Decimal{}, ErrMoneyTooLarge
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, ErrMoneySyntax
	}
	return d, nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// SumMoney adds amounts that ParseMoney accepts and returns the total with two decimals.
// Amounts it cannot parse count as zero.
func SumMoney(amounts ...string) string {
	total := decimal.Zero
	for _, a := range amounts {
		if d, err := parseMoney(a); err == nil {
			total = total.Add(d)
		}
	}
	return total.StringFixed(2)
}

// WeightedValue is the deal's value × probability / 100 with two decimals, computed exactly
// and rounded half away from zero ("0.10" at 33 % is 0.033 → "0.03"; "0.50" at 33 % is
// 0.165 → "0.17"). A value that does not parse counts as zero.
func WeightedValue(d *aidapb.Deal) string {
	v, err := parseMoney(d.GetValue())
	if err != nil {
		return "0.00"
	}
	return v.Mul(decimal.NewFromInt32(d.GetProbability())).Div(decimal.NewFromInt(100)).StringFixed(2)
}
