package reminder

import "errors"

// ErrRunning: Run was called while the scheduler was already running.
var ErrRunning = errors.New("reminder scheduler already running")

// errOutcome: Deliver returned no error and no known Outcome; the delivery counts as failed.
var errOutcome = errors.New("delivery without outcome")
