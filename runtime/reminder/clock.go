package reminder

import "time"

// Clock is the scheduler's time: tests drive it (remindertest.Clock).
type Clock interface {
	Now() time.Time
	// After sends the time once d has passed; d <= 0 sends at once.
	After(d time.Duration) <-chan time.Time
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
