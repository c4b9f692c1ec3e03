package reminder

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// Store is what the scheduler needs of persistence.Store.
type Store interface {
	DueReminders(ctx context.Context, now time.Time, limit int) ([]persistence.Reminder, error)
	NextReminder(ctx context.Context) (time.Time, error)
	RetryReminder(ctx context.Context, kind, id, name, token string, next time.Time) error
	DeleteReminder(ctx context.Context, kind, id, name, token string) error
}

var _ Store = persistence.Store(nil)

// key names one reminder.
type key struct{ kind, id, name string }

func keyOf(r persistence.Reminder) key { return key{r.Kind, r.ID, r.Name} }

// Scheduler delivers due reminders; see the package documentation for its guarantees.
type Scheduler struct {
	store   Store
	deliver Deliver
	cfg     config
	m       metrics
	kick    chan struct{} // Kick: a new earlier reminder may exist
	done    chan struct{} // a delivery ended
	running atomic.Bool

	mu       sync.Mutex
	inflight map[key]struct{} // handed to a worker and not yet settled
	settled  map[key]struct{} // settled since the current page was read: the page may be stale for them
}

// New returns a scheduler reading store and handing due reminders to deliver.
func New(store Store, deliver Deliver, opts ...Option) *Scheduler {
	cfg := defaults()
	for _, opt := range opts {
		opt(&cfg)
	}
	cfg.pageSize = max(cfg.pageSize, 2*cfg.concurrency)
	return &Scheduler{
		store: store, deliver: deliver, cfg: cfg, m: newMetrics(cfg.registerer, cfg.log),
		kick: make(chan struct{}, 1), done: make(chan struct{}, 1),
		inflight: make(map[key]struct{}), settled: make(map[key]struct{}),
	}
}

// Kick wakes a sleeping Run: call it after setting a reminder that may be due before the one the
// scheduler waits for. It never blocks.
func (s *Scheduler) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run delivers reminders until ctx ends, then waits for the deliveries under way (their context
// is ctx: they end too) and returns nil. It sleeps until the earliest reminder is due, the poll
// interval passes, Kick is called or a delivery ends, then reads the due reminders page by page
// and hands them to at most the configured number of concurrent deliveries. A failing store read
// is logged and retried after the poll interval. Run fails with ErrRunning if already running.
func (s *Scheduler) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer s.running.Store(false)
	work := make(chan persistence.Reminder)
	var wg sync.WaitGroup
	for range s.cfg.concurrency {
		wg.Go(func() { s.work(ctx, work) })
	}
	defer func() {
		close(work)
		wg.Wait()
	}()
	for {
		handed, err := s.round(ctx, work)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.cfg.log.Warn("read due reminders", "err", err)
		}
		if handed > 0 && err == nil {
			continue // more may have fallen due meanwhile
		}
		wait := s.cfg.poll
		if err == nil {
			wait = s.untilNext(ctx)
		}
		if wait <= 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.kick:
		case <-s.done:
		case <-s.cfg.clock.After(wait):
		}
	}
}

// untilNext is how long to sleep before the next round: until the earliest reminder, at most
// the poll interval. A reminder already due is in flight (a settling delivery wakes Run) unless
// none is: then it was set since the last read, and the next round starts at once.
func (s *Scheduler) untilNext(ctx context.Context) time.Duration {
	next, err := s.store.NextReminder(ctx)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return s.cfg.poll
	case err != nil:
		if ctx.Err() == nil {
			s.cfg.log.Warn("read next reminder", "err", err)
		}
		return s.cfg.poll
	}
	d := next.Sub(s.cfg.clock.Now())
	if d > 0 {
		return min(d, s.cfg.poll)
	}
	s.mu.Lock()
	idle := len(s.inflight) == 0
	s.mu.Unlock()
	if idle {
		return 0
	}
	return s.cfg.poll
}

// round reads the due reminders page by page and hands those not in flight to the workers. It
// returns how many it handed out.
func (s *Scheduler) round(ctx context.Context, work chan<- persistence.Reminder) (int, error) {
	handed := 0
	for {
		s.mu.Lock()
		clear(s.settled)
		s.mu.Unlock()
		page, err := s.store.DueReminders(ctx, s.cfg.clock.Now(), s.cfg.pageSize)
		if err != nil {
			return handed, err
		}
		s.m.due.Set(float64(len(page)))
		claimed := 0
		for _, r := range page {
			if !s.claim(r) {
				continue
			}
			select {
			case work <- r:
				claimed++
			case <-ctx.Done():
				s.unclaim(r)
				return handed + claimed, nil
			}
		}
		handed += claimed
		if len(page) < s.cfg.pageSize || claimed == 0 {
			return handed, nil
		}
	}
}

// claim marks r in flight unless it is, or it settled after its page was read.
func (s *Scheduler) claim(r persistence.Reminder) bool {
	k := keyOf(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.inflight[k]; ok {
		return false
	}
	if _, ok := s.settled[k]; ok {
		return false
	}
	s.inflight[k] = struct{}{}
	return true
}

// unclaim takes back a claim that was never handed out.
func (s *Scheduler) unclaim(r persistence.Reminder) {
	s.mu.Lock()
	delete(s.inflight, keyOf(r))
	s.mu.Unlock()
}

// settle ends r's flight once the store reflects its delivery, and wakes Run.
func (s *Scheduler) settle(r persistence.Reminder) {
	k := keyOf(r)
	s.mu.Lock()
	delete(s.inflight, k)
	s.settled[k] = struct{}{}
	s.mu.Unlock()
	select {
	case s.done <- struct{}{}:
	default:
	}
}
