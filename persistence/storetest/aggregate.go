package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aidacrm/aida/persistence"
)

// aggregate runs Aggregate and fails the test on error.
func aggregate(t *testing.T, h *harness, kind string) []persistence.Tally {
	t.Helper()
	got, err := h.s.Aggregate(ctx(t), kind)
	if err != nil {
		t.Fatalf("aggregate %s: %v", kind, err)
	}
	return got
}

// testAggregate checks the tallies of one store as it fills: counts per status and level, exact
// sums, then updates moving entities between tallies.
func testAggregate(t *testing.T, h *harness) {
	for _, st := range []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"Counts", testAggregateCounts},
		{"ExactSums", testAggregateExactSums},
		{"FollowsUpdates", testAggregateFollowsUpdates},
	} {
		t.Run(st.name, func(t *testing.T) { st.run(t, h) })
	}
}

func testAggregateCounts(t *testing.T, h *harness) {
	if got := aggregate(t, h, "lead"); len(got) != 0 {
		t.Fatalf("empty store: %+v, want no tallies", got)
	}
	seed := []struct {
		status string
		level  int32
		n      int
	}{
		{"new", 2, 3}, {"new", 4, 1}, {"contacted", 2, 2}, {"qualified", 5, 1}, {"", 0, 2}, {"new", 0, 1},
	}
	for i, s := range seed {
		for j := range s.n {
			ix := persistence.Index{Status: s.status, Level: s.level, Score: int32(100 * j), Source: "web"}
			h.mustAppend(t, h.change("lead", fmt.Sprintf("l%d-%d", i, j), 0, 1, ix))
		}
	}
	h.mustAppend(t, h.change("account", "a1", 0, 1, persistence.Index{Status: "new", Level: 2}))
	want := []persistence.Tally{
		{Status: "", Level: 0, Count: 2, Amount: "0.00", Weighted: "0.00"},
		{Status: "contacted", Level: 2, Count: 2, Amount: "0.00", Weighted: "0.00"},
		{Status: "new", Level: 0, Count: 1, Amount: "0.00", Weighted: "0.00"},
		{Status: "new", Level: 2, Count: 3, Amount: "0.00", Weighted: "0.00"},
		{Status: "new", Level: 4, Count: 1, Amount: "0.00", Weighted: "0.00"},
		{Status: "qualified", Level: 5, Count: 1, Amount: "0.00", Weighted: "0.00"},
	}
	if got := aggregate(t, h, "lead"); !slices.Equal(got, want) {
		t.Fatalf("leads:\n got %+v\nwant %+v", got, want)
	}
	if got := aggregate(t, h, "account"); !slices.Equal(got, []persistence.Tally{{Status: "new", Level: 2, Count: 1, Amount: "0.00", Weighted: "0.00"}}) {
		t.Fatalf("accounts: %+v", got)
	}
	if got := aggregate(t, h, "deal"); len(got) != 0 {
		t.Fatalf("deals: %+v, want none", got)
	}
}

// testAggregateExactSums sums amounts a float64 cannot add exactly (three times the largest
// numeric(15,2), 0.10 + 0.20) and weights that leave four decimals.
func testAggregateExactSums(t *testing.T, h *harness) {
	const big = "9999999999999.99"
	seed := []struct {
		id, status string
		level      int32
		amount     string
		score      int32
	}{
		{"d1", "open", 2, big, 33},
		{"d2", "open", 2, big, 33},
		{"d3", "open", 2, big, 100},
		{"d4", "open", 2, "0.10", 33},
		{"d5", "open", 2, "0.2", 67},
		{"d6", "open", 3, "", 50},         // no amount: counted, adds nothing
		{"d7", "open", 3, "12500.00", -1}, // no score: weighs nothing
		{"d8", "won", 2, "1000000000000.01", 100},
		{"d9", "", 0, "0.01", 1},
	}
	for _, s := range seed {
		h.mustAppend(t, h.change("deal", s.id, 0, 1, persistence.Index{Status: s.status, Level: s.level, Amount: s.amount, Score: s.score}))
	}
	want := []persistence.Tally{
		{Status: "", Level: 0, Count: 1, Amount: "0.01", Weighted: "0.0001"},
		// 3 × 9999999999999.99 + 0.10 + 0.20; (big × 33 × 2 + big × 100 + 0.10 × 33 + 0.20 × 67) / 100
		{Status: "open", Level: 2, Count: 5, Amount: "30000000000000.27", Weighted: "16600000000000.1504"},
		{Status: "open", Level: 3, Count: 2, Amount: "12500.00", Weighted: "0.00"},
		{Status: "won", Level: 2, Count: 1, Amount: "1000000000000.01", Weighted: "1000000000000.01"},
	}
	if got := aggregate(t, h, "deal"); !slices.Equal(got, want) {
		t.Fatalf("deals:\n got %+v\nwant %+v", got, want)
	}
}

// testAggregateFollowsUpdates: a change of status, level or amount moves a deal of
// testAggregateExactSums between tallies, and a tally left empty disappears.
func testAggregateFollowsUpdates(t *testing.T, h *harness) {
	h.mustAppend(t, h.change("deal", "d7", 1, 1, persistence.Index{Status: "won", Level: 2, Amount: "120.50", Score: 50}))
	h.mustAppend(t, h.change("deal", "d9", 1, 1, persistence.Index{Status: "open", Level: 3, Amount: "0.01", Score: 1}))
	want := []persistence.Tally{
		{Status: "open", Level: 2, Count: 5, Amount: "30000000000000.27", Weighted: "16600000000000.1504"},
		{Status: "open", Level: 3, Count: 2, Amount: "0.01", Weighted: "0.0001"},
		{Status: "won", Level: 2, Count: 2, Amount: "1000000000120.51", Weighted: "1000000000060.26"},
	}
	if got := aggregate(t, h, "deal"); !slices.Equal(got, want) {
		t.Fatalf("after updates:\n got %+v\nwant %+v", got, want)
	}
}
