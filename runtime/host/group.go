package host

import (
	"context"
	"errors"
	"sync"
)

// Group owns goroutines: Go starts one, Stop cancels the context they all run under and waits
// until every one has returned. A component starts its goroutines in a Group and stops the
// Group in its Stop, so no goroutine outlives the component that started it.
type Group struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex
	errs []error // what the goroutines returned, in the order they returned
}

// NewGroup returns an empty group. Its context ends only when Stop is called: a component's
// goroutines stop when the host stops that component, not when the process is told to stop.
func NewGroup() *Group {
	ctx, cancel := context.WithCancel(context.Background())
	return &Group{ctx: ctx, cancel: cancel}
}

// Go runs f in a new goroutine of a new group and returns the group.
func Go(f func(ctx context.Context) error) *Group {
	g := NewGroup()
	g.Go(f)
	return g
}

// Go runs f in a new goroutine of the group. f must return once its context ends.
func (g *Group) Go(f func(ctx context.Context) error) {
	g.wg.Go(func() {
		if err := f(g.ctx); err != nil {
			g.mu.Lock()
			g.errs = append(g.errs, err)
			g.mu.Unlock()
		}
	})
}

// Stop cancels the group's context, waits until every goroutine has returned and returns
// their errors joined. Calling it again returns the same errors.
func (g *Group) Stop() error {
	g.cancel()
	return g.Wait()
}

// Wait waits until every goroutine has returned, without cancelling them, and returns their
// errors joined.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return errors.Join(g.errs...)
}
