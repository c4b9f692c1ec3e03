package host

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestGroupStop: Stop cancels every goroutine's context, returns only after all have returned,
// and joins their errors.
func TestGroupStop(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	g := NewGroup()
	var returned atomic.Int32
	for _, want := range []error{errA, nil, errB} {
		g.Go(func(ctx context.Context) error {
			<-ctx.Done()
			time.Sleep(10 * time.Millisecond) // a goroutine that takes a moment to finish
			returned.Add(1)
			return want
		})
	}
	err := g.Stop()
	if n := returned.Load(); n != 3 {
		t.Fatalf("Stop returned with %d of 3 goroutines done", n)
	}
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Fatalf("Stop() = %v; want a and b joined", err)
	}
	if again := g.Stop(); !errors.Is(again, errA) || !errors.Is(again, errB) {
		t.Fatalf("second Stop() = %v; want the same errors", again)
	}
}

// TestGroupWait: Wait does not cancel; it returns when the goroutines end on their own.
func TestGroupWait(t *testing.T) {
	release := make(chan struct{})
	g := Go(func(ctx context.Context) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-done:
		t.Fatalf("Wait returned %v before the goroutine ended", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Wait() = %v; want nil (not cancelled)", err)
	}
}
