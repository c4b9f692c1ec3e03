package persistence_test

import (
	"errors"
	"testing"

	"github.com/aidacrm/aida/persistence"
)

func TestOrderOf(t *testing.T) {
	tests := []struct {
		sort string
		want persistence.Order
	}{
		{"", persistence.Order{Name: "-created_at", Key: "created_at", Desc: true}},
		{"-created_at", persistence.Order{Name: "-created_at", Key: "created_at", Desc: true}},
		{"created_at", persistence.Order{Name: "created_at", Key: "created_at"}},
		{"updated_at", persistence.Order{Name: "updated_at", Key: "updated_at"}},
		{"-updated_at", persistence.Order{Name: "-updated_at", Key: "updated_at", Desc: true}},
		{"-score", persistence.Order{Name: "-score", Key: "score", Desc: true}},
		{"-amount", persistence.Order{Name: "-amount", Key: "amount", Desc: true}},
	}
	for _, tc := range tests {
		got, err := persistence.OrderOf(tc.sort)
		if err != nil || got != tc.want {
			t.Errorf("OrderOf(%q) = %+v, %v; want %+v", tc.sort, got, err, tc.want)
		}
	}
	if len(tests) != len(persistence.Sorts()) {
		t.Errorf("%d sorts tested, Sorts() has %d", len(tests), len(persistence.Sorts()))
	}
	for _, bad := range []string{"score", "amount", "-id", "created", "Created_at", " -score", "--score"} {
		if _, err := persistence.OrderOf(bad); !errors.Is(err, persistence.ErrBadSort) {
			t.Errorf("OrderOf(%q): got %v, want ErrBadSort", bad, err)
		}
	}
}
