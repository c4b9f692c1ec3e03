package stream

import "errors"

// ErrStopped: the hub has stopped (its Run returned); it takes no new clients or subscriptions.
var ErrStopped = errors.New("stream hub stopped")

// ErrRunning: Run was called on a hub that runs, or ran, already.
var ErrRunning = errors.New("stream hub already running")

// ErrTooManySubscriptions: a client asked for a new subscription while it holds the limit.
var ErrTooManySubscriptions = errors.New("too many subscriptions")

// ErrNoSubscription: a client unsubscribed from a subscription it does not have.
var ErrNoSubscription = errors.New("no such subscription")
