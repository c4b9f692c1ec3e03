package ratelimit

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a hand-moved clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) move(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// step is one Allow of a scenario, after moving the clock by wait.
type step struct {
	wait      time.Duration
	key       string
	allowed   bool
	remaining int
	retry     time.Duration
}

func TestAllow(t *testing.T) {
	tests := []struct {
		name      string
		perSecond float64
		burst     int
		steps     []step
	}{
		{"burst then refused, then refilled", 1, 3, []step{
			{0, "a", true, 2, 0}, {0, "a", true, 1, 0}, {0, "a", true, 0, 0},
			{0, "a", false, 0, time.Second},
			{500 * time.Millisecond, "a", false, 0, 500 * time.Millisecond},
			{500 * time.Millisecond, "a", true, 0, 0},
			{time.Hour, "a", true, 2, 0}, // never more than the burst
		}},
		{"keys are independent", 1, 1, []step{
			{0, "a", true, 0, 0}, {0, "a", false, 0, time.Second},
			{0, "b", true, 0, 0}, {0, "b", false, 0, time.Second},
			{time.Second, "a", true, 0, 0},
		}},
		{"fractional rate", 0.5, 1, []step{
			{0, "a", true, 0, 0}, {time.Second, "a", false, 0, time.Second}, {time.Second, "a", true, 0, 0},
		}},
		{"a burst below 1 is 1", 10, 0, []step{{0, "a", true, 0, 0}, {0, "a", false, 0, 100 * time.Millisecond}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			l := New(WithClock(clk.now))
			for i, s := range tt.steps {
				clk.move(s.wait)
				d := l.Allow(s.key, tt.perSecond, tt.burst)
				if d.Allowed != s.allowed || d.Remaining != s.remaining || d.RetryAfter.Round(time.Millisecond) != s.retry {
					t.Fatalf("step %d (%s): %+v; want allowed %v, remaining %d, retry after %v",
						i, s.key, d, s.allowed, s.remaining, s.retry)
				}
			}
		})
	}
}

func TestAllowReportsWindowAndReset(t *testing.T) {
	clk := newClock()
	l := New(WithClock(clk.now))
	d := l.Allow("a", 2, 10) // 10 at once, 2 a second: empty to full in 5 s
	if d.Limit != 10 || d.Window != 5*time.Second || d.Remaining != 9 || d.Reset != 500*time.Millisecond {
		t.Fatalf("decision %+v; want limit 10, window 5s, remaining 9, reset 500ms", d)
	}
	if d := l.Allow("free", 0, 5); !d.Allowed || d.Limit != 0 {
		t.Fatalf("rate 0: %+v; want allowed without a limit", d)
	}
}

func TestAllowFollowsChangedLimits(t *testing.T) {
	clk := newClock()
	l := New(WithClock(clk.now))
	l.Allow("a", 1, 1)
	if d := l.Allow("a", 1, 1); d.Allowed {
		t.Fatal("second request of burst 1 allowed")
	}
	// 0.1 s at 1/s gave 0.1 token; at the new 10/s the other 0.9 take 90 ms, not 900 ms.
	clk.move(100 * time.Millisecond)
	if d := l.Allow("a", 10, 1); d.Allowed || d.RetryAfter.Round(time.Millisecond) != 90*time.Millisecond {
		t.Fatalf("after the rate rose: %+v; want refused, retry after 90ms", d)
	}
}

func TestEviction(t *testing.T) {
	clk := newClock()
	l := New(WithClock(clk.now), WithMaxKeys(3))
	for i := range 5 {
		l.Allow(fmt.Sprint("k", i), 0.001, 1) // slow: none fills again in this test
		if n := l.Len(); n > 3 {
			t.Fatalf("after %d keys: %d buckets, cap 3", i+1, n)
		}
	}
	// k0 and k1 were the least recently used: forgotten, so they start full again.
	if d := l.Allow("k0", 0.001, 1); !d.Allowed {
		t.Fatal("k0 was not forgotten")
	}
	if d := l.Allow("k4", 0.001, 1); d.Allowed {
		t.Fatal("k4, recently used, was forgotten")
	}
	// Buckets that filled up again are forgotten without the cap.
	l = New(WithClock(clk.now))
	for i := range 100 {
		l.Allow(fmt.Sprint("ip", i), 1, 5)
	}
	clk.move(5 * time.Second)
	l.Allow("fresh", 1, 5)
	if n := l.Len(); n != 1 {
		t.Fatalf("%d buckets after all but one filled up; want 1", n)
	}
}

// TestConcurrentAllow: many goroutines on one frozen bucket take exactly its burst.
func TestConcurrentAllow(t *testing.T) {
	clk := newClock()
	l := New(WithClock(clk.now), WithMaxKeys(16))
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				if l.Allow("hot", 1, 50).Allowed {
					allowed.Add(1)
				}
				l.Allow(fmt.Sprint("g", g, "-", i), 1, 1) // churn the LRU beside it
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 50 {
		t.Fatalf("%d requests allowed, want the burst 50", n)
	}
	if n := l.Len(); n > 16 {
		t.Fatalf("%d buckets, cap 16", n)
	}
}

func BenchmarkAllow(b *testing.B) {
	b.Run("one hot key", func(b *testing.B) {
		l := New()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Allow("key:hot", 1e9, 1000)
			}
		})
	})
	b.Run("many keys", func(b *testing.B) {
		l := New()
		keys := make([]string, 50_000)
		for i := range keys {
			keys[i] = fmt.Sprint("ip:10.0.", i/256, ".", i%256)
		}
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Allow(keys[int(n.Add(1))%len(keys)], 10, 20)
			}
		})
	})
}
