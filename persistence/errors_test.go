package persistence_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aidacrm/aida/persistence"
)

func TestUnavailable(t *testing.T) {
	wrapped := fmt.Errorf("ping: %w", persistence.ErrUnavailable)
	tests := []struct {
		name string
		err  error
		same bool // returned as is
	}{
		{"context error", context.DeadlineExceeded, false},
		{"driver error", errors.New("connection refused"), false},
		{"already unavailable", wrapped, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := persistence.Unavailable(tc.err)
			if !errors.Is(got, persistence.ErrUnavailable) || !errors.Is(got, tc.err) {
				t.Fatalf("got %v, want it to wrap ErrUnavailable and %v", got, tc.err)
			}
			if (got == tc.err) != tc.same {
				t.Fatalf("returned as is: %v, want %v", got == tc.err, tc.same)
			}
		})
	}
}
