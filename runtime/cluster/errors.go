package cluster

import "errors"

// ErrTimeout: the actor did not answer before the caller's deadline. The message may or may not
// have been processed.
var ErrTimeout = errors.New("actor did not answer in time")

// ErrUnknownKind: no kind of that name was registered with Start.
var ErrUnknownKind = errors.New("unknown actor kind")

// ErrStopped: the member has been stopped.
var ErrStopped = errors.New("cluster member stopped")
