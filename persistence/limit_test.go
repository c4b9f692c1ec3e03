package persistence_test

import (
	"testing"

	"github.com/aidacrm/aida/persistence"
)

func TestPageSize(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{0, 50}, {-3, 1}, {1, 1}, {49, 49}, {500, 500}, {501, 500}, {1 << 30, 500},
	} {
		if got := persistence.PageSize(tc.in); got != tc.want {
			t.Errorf("PageSize(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestEntryLimit(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{0, 500}, {-1, 500}, {1, 1}, {500, 500}, {10000, 10000},
	} {
		if got := persistence.EntryLimit(tc.in); got != tc.want {
			t.Errorf("EntryLimit(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
