package bus

import "errors"

// ErrNoStoreDir: an embedded server needs a directory for its JetStream file store.
var ErrNoStoreDir = errors.New("embedded nats: no store dir")

// ErrStart: the embedded server failed to start, for example because its client port is taken.
var ErrStart = errors.New("embedded nats: start failed")

// ErrNotReady: the embedded server did not accept connections within its start timeout.
var ErrNotReady = errors.New("embedded nats: not ready")

// ErrDisconnected: the bus has no live connection to NATS right now (it keeps reconnecting).
var ErrDisconnected = errors.New("nats disconnected")

// ErrBadEventData: a journal entry's Data is not the protojson of an aidapb.Event.
var ErrBadEventData = errors.New("bad event data")
