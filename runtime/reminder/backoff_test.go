package reminder

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		r        float64
		want     time.Duration
	}{
		{0, 0, 500 * time.Millisecond},
		{0, 0.5, 750 * time.Millisecond},
		{1, 0.5, 1500 * time.Millisecond},
		{2, 0, 2 * time.Second},
		{8, 0, 128 * time.Second},
		{9, 0, 150 * time.Second}, // 256 s capped at 300 s
		{9, 0.999999, 300*time.Second - 150*time.Microsecond},
		{1000, 0.5, 225 * time.Second},
	}
	for _, tc := range tests {
		if got := backoff(time.Second, 5*time.Minute, tc.attempts, tc.r); got != tc.want {
			t.Errorf("backoff(attempts %d, r %v) = %v, want %v", tc.attempts, tc.r, got, tc.want)
		}
	}
}
