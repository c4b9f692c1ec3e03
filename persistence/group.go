package persistence

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// Group defaults.
const (
	// DefaultGroupQueue is how many appends may wait for a writer before Append refuses more.
	DefaultGroupQueue = 4096
	// DefaultGroupBatch is the most appends one writer hands to Store.Append at once.
	DefaultGroupBatch = 256
	// DefaultGroupWriters is the number of writers; one suits SQLite (one writer at a time).
	DefaultGroupWriters = 1
	// DefaultGroupTimeout bounds a batch whose callers all came without a deadline.
	DefaultGroupTimeout = 30 * time.Second
)

// Group is a group-commit writer: it queues the appends of many concurrent callers, hands them to
// the store in batches (one Store.Append, hence one transaction, per batch) and answers each
// caller with the error of its own item.
//
// Guarantees and limits:
//   - The queue is bounded (DefaultGroupQueue). When it is full, Append fails at once with an
//     error wrapping ErrUnavailable instead of blocking; the caller may retry or shed load.
//   - A caller whose ctx ends before its batch is written gets ctx.Err(). Its item may still be
//     committed (it may already be in a batch on its way to the store): reload to find out.
//   - A batch runs with the latest deadline of its callers (DefaultGroupTimeout when one of them
//     has none), so it does not outlive every caller waiting for it.
//   - Stop refuses new appends (ErrClosed), writes everything already queued and waits for the
//     writers to return.
type Group struct {
	store   Committer
	cfg     groupConfig
	queue   chan *groupCall
	wg      sync.WaitGroup
	metrics *groupMetrics

	mu      sync.RWMutex // guards started and closed; held for reading while sending to queue
	started bool
	closed  bool
}

type groupCall struct {
	ctx   context.Context
	item  Append
	start time.Time
	done  chan error // buffered: a writer never blocks on a caller that left
}

// Committer commits a batch of appends, one error per item: the entities role of Store.Append,
// the only method a Group calls.
type Committer interface {
	Append(ctx context.Context, batch []Append) []error
}

var _ Committer = Store(nil)

// NewGroup returns a group writing to store; call Start before Append and Stop when done.
func NewGroup(store Committer, opts ...GroupOption) *Group {
	cfg := groupConfig{
		queue:   DefaultGroupQueue,
		batch:   DefaultGroupBatch,
		writers: DefaultGroupWriters,
		timeout: DefaultGroupTimeout,
		now:     time.Now,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	g := &Group{store: store, cfg: cfg, queue: make(chan *groupCall, cfg.queue)}
	if cfg.registerer != nil {
		g.metrics = newGroupMetrics(cfg.registerer)
	}
	return g
}

// Start starts the writers. Calling it again, or after Stop, does nothing.
func (g *Group) Start() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.started || g.closed {
		return
	}
	g.started = true
	for range g.cfg.writers {
		g.wg.Add(1)
		go g.write()
	}
}

// Stop refuses new appends, writes the queued ones and waits for the writers to return.
// Appends queued on a group that was never started fail with ErrClosed.
func (g *Group) Stop() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		g.wg.Wait()
		return
	}
	g.closed = true
	close(g.queue)
	started := g.started
	g.mu.Unlock()
	if !started {
		for c := range g.queue {
			c.done <- fmt.Errorf("group append: %w", ErrClosed)
		}
	}
	g.wg.Wait()
}

// Append queues one entity's append and waits for the result of its batch: nil once it is
// durable, ErrConflict or *UniqueError for this item alone, an error wrapping ErrUnavailable when
// the queue is full or the store is unreachable, ErrClosed after Stop, ctx.Err() when ctx ends
// first (the item may still commit).
func (g *Group) Append(ctx context.Context, a Append) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := &groupCall{ctx: ctx, item: a, start: g.cfg.now(), done: make(chan error, 1)}
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		return fmt.Errorf("group append: %w", ErrClosed)
	}
	select {
	case g.queue <- c:
		g.mu.RUnlock()
	default:
		g.mu.RUnlock()
		return fmt.Errorf("group append: queue full (%d): %w", g.cfg.queue, ErrUnavailable)
	}
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Pending is the number of appends waiting in the queue for a writer.
func (g *Group) Pending() int { return len(g.queue) }

// write is one writer: it takes a call, drains more up to the batch size, and writes them.
func (g *Group) write() {
	defer g.wg.Done()
	batch := make([]*groupCall, 0, g.cfg.batch)
	for c := range g.queue {
		batch = append(batch[:0], c)
	drain:
		for len(batch) < g.cfg.batch {
			select {
			case c, ok := <-g.queue:
				if !ok {
					break drain
				}
				batch = append(batch, c)
			default:
				break drain
			}
		}
		g.commit(batch)
		clear(batch)
	}
}

// commit writes one batch and answers its callers.
func (g *Group) commit(batch []*groupCall) {
	live := batch[:0:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.done <- err
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := g.batchContext(live)
	defer cancel()
	items := make([]Append, len(live))
	for i, c := range live {
		items[i] = c.item
	}
	errs := g.store.Append(ctx, items)
	end := g.cfg.now()
	for i, c := range live {
		var err error
		switch {
		case i < len(errs):
			err = errs[i]
		default:
			err = errors.New("group append: store returned too few results")
		}
		c.done <- err
		if g.metrics != nil {
			g.metrics.latency.Observe(end.Sub(c.start).Seconds())
		}
	}
	if g.metrics != nil {
		g.metrics.size.Observe(float64(len(live)))
	}
}

// batchContext gives a batch the latest deadline of its callers, or the group timeout when one
// of them has none. Cancelling a caller does not cancel the batch of the others.
func (g *Group) batchContext(calls []*groupCall) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, c := range calls {
		d, ok := c.ctx.Deadline()
		if !ok {
			return context.WithTimeout(context.Background(), g.cfg.timeout)
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.Background(), latest)
}

// groupMetrics are the optional prometheus metrics of a group.
type groupMetrics struct {
	latency prometheus.Histogram
	size    prometheus.Histogram
}

func newGroupMetrics(reg prometheus.Registerer) *groupMetrics {
	// Two groups on one registry share the metrics; a failed registration is not logged (a
	// Group has no logger) and leaves the histogram unregistered.
	return &groupMetrics{
		latency: metric.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "aida_store_append_seconds",
			Help:    "Time from queueing an append in the group to its answer.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}), nil),
		size: metric.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "aida_store_batch_size",
			Help:    "Appends written per store transaction by the group.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}), nil),
	}
}
