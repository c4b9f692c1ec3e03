package natscmd

import "errors"

// ErrStarted: Start was called on a Server that is already running.
var ErrStarted = errors.New("natscmd: already started")

// ErrDrainTimeout: Stop gave up waiting for the subscription to drain and unsubscribed; requests
// still pending in the client were dropped unanswered.
var ErrDrainTimeout = errors.New("natscmd: drain timed out")
