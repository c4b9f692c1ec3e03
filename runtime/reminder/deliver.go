package reminder

import (
	"context"
	"fmt"

	"github.com/aidacrm/aida/persistence"
)

// Outcome is what the entity made of a delivered reminder.
type Outcome int

const (
	// Done: the entity applied the reminder and cancelled or replaced it in its own append,
	// before answering. The scheduler does nothing more: the store no longer holds it as due.
	Done Outcome = iota + 1
	// Stale: the entity no longer wants this reminder (its token is not the one it holds). The
	// scheduler deletes it, if its token is still the delivered one.
	Stale
)

// String names the outcome as the metrics do.
func (o Outcome) String() string {
	switch o {
	case Done:
		return labelDone
	case Stale:
		return labelStale
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Deliver hands a due reminder to its entity. An error (or an unknown Outcome) means the
// delivery failed: the scheduler retries it later with backoff.
type Deliver func(ctx context.Context, r persistence.Reminder) (Outcome, error)

// work delivers the reminders it receives until work is closed.
func (s *Scheduler) work(ctx context.Context, work <-chan persistence.Reminder) {
	for r := range work {
		s.deliverOne(ctx, r)
		s.settle(r)
	}
}

// deliverOne delivers r and applies the outcome to the store.
func (s *Scheduler) deliverOne(ctx context.Context, r persistence.Reminder) {
	start := s.cfg.clock.Now()
	s.m.lateness.Observe(max(start.Sub(r.DueAt).Seconds(), 0))
	outcome, err := s.deliver(ctx, r)
	if err == nil && outcome != Done && outcome != Stale {
		err = fmt.Errorf("%w: %v", errOutcome, outcome)
	}
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopping: the reminder stays due and is delivered again after the next start.
	case err != nil:
		next := s.cfg.clock.Now().Add(backoff(s.cfg.backoffBase, s.cfg.backoffMax, r.Attempts, s.cfg.rand()))
		s.m.fired.WithLabelValues(labelRetry).Inc()
		s.cfg.log.Debug("reminder delivery failed", "kind", r.Kind, "id", r.ID, "name", r.Name,
			"attempts", r.Attempts+1, "next", next, "err", err)
		if err := s.store.RetryReminder(ctx, r.Kind, r.ID, r.Name, r.Token, next); err != nil {
			s.cfg.log.Warn("reschedule reminder", "kind", r.Kind, "id", r.ID, "name", r.Name, "err", err)
		}
	case outcome == Stale:
		s.m.fired.WithLabelValues(labelStale).Inc()
		if err := s.store.DeleteReminder(ctx, r.Kind, r.ID, r.Name, r.Token); err != nil {
			s.cfg.log.Warn("delete stale reminder", "kind", r.Kind, "id", r.ID, "name", r.Name, "err", err)
		}
	default:
		s.m.fired.WithLabelValues(labelDone).Inc()
	}
}
