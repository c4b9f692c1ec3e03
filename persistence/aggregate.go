package persistence

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"
)

// Sums formats the sums of a Tally from exact sums a backend computed: amount is the sum of the
// amounts, scored the sum of amount × score. It returns Tally.Amount (2 decimals) and
// Tally.Weighted (scored / 100, exact, with at least 2 decimals).
func Sums(amount, scored decimal.Decimal) (string, string) {
	return amount.StringFixed(2), exact(scored.Shift(-2))
}

// exact writes d with at least 2 decimals and as many more as it holds: 12.5 is "12.50",
// 0.1234 is "0.1234".
func exact(d decimal.Decimal) string {
	if d.Equal(d.Truncate(2)) {
		return d.StringFixed(2)
	}
	return d.String()
}

// SortTallies orders tallies by status, then level, as Store.Aggregate returns them.
func SortTallies(ts []Tally) {
	slices.SortFunc(ts, func(a, b Tally) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(a.Level, b.Level))
	})
}
