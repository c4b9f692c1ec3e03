// Package host starts AIDA's components in order and stops them in reverse order.
//
// Each component is a pair of functions: Start returns once the component serves (or fails);
// Stop returns once it has released everything it started. Run starts them one by one, waits
// for its context to end or for a component to report a fatal error, then stops those that
// started, last first, each within the stop timeout. A component that runs goroutines starts
// them in a Group and stops the Group in its Stop.
package host

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Component is one part of the process.
type Component struct {
	Name  string
	Start func(ctx context.Context) error
	Stop  func(ctx context.Context) error
}

// Host runs components.
type Host struct {
	logger      *slog.Logger
	stopTimeout time.Duration
	components  []Component
	started     int // how many components, from the first, have started
	fatal       chan error
}

// New returns a host that gives each component stopTimeout to stop.
func New(logger *slog.Logger, stopTimeout time.Duration) *Host {
	return &Host{logger: logger, stopTimeout: stopTimeout, fatal: make(chan error, 1)}
}

// Add appends a component; components start in the order they were added.
func (h *Host) Add(c Component) { h.components = append(h.components, c) }

// Fail reports a fatal error from a running component (a server that stopped serving); Run
// then stops everything and returns it. Only the first report counts.
func (h *Host) Fail(err error) {
	select {
	case h.fatal <- err:
	default:
	}
}

// Start starts every component in order. When one fails, it stops those that started and
// returns the error.
func (h *Host) Start(ctx context.Context) error {
	for _, c := range h.components {
		if c.Start != nil {
			t := time.Now()
			if err := c.Start(ctx); err != nil {
				return errors.Join(fmt.Errorf("start %s: %w", c.Name, err), h.Stop())
			}
			h.logger.Debug("started", "component", c.Name, "took", time.Since(t).String())
		}
		h.started++
	}
	return nil
}

// Stop stops the started components, last first, each within the stop timeout, and returns
// their errors joined.
func (h *Host) Stop() error {
	var errs []error
	for ; h.started > 0; h.started-- {
		c := h.components[h.started-1]
		if c.Stop == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), h.stopTimeout)
		if err := c.Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", c.Name, err))
		}
		cancel()
		h.logger.Debug("stopped", "component", c.Name)
	}
	return errors.Join(errs...)
}

// Run starts every component, blocks until ctx ends or a component fails, then stops the
// started components in reverse order. It returns the first start or run error, joined with
// any stop errors.
func (h *Host) Run(ctx context.Context) error {
	if err := h.Start(ctx); err != nil {
		return err
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-h.fatal:
	}
	return errors.Join(runErr, h.Stop())
}
