package bus

import "errors"

// ErrNoStoreDir: an embedded server needs a directory for its JetStream file store.
var ErrNoStoreDir = errors.New("embedded nats: no store dir")

// ErrNotReady: the embedded server did not accept connections within its start timeout.
var ErrNotReady = errors.New("embedded nats: not ready")

// ErrPortInUse: the embedded server's client port is taken by another process.
var ErrPortInUse = errors.New("embedded nats: port in use")

// ErrDisconnected: the bus has no live connection to NATS right now (it keeps reconnecting).
var ErrDisconnected = errors.New("nats disconnected")

// ErrBadEventData: a journal entry's Data is not the protojson of an aidapb.Event.
var ErrBadEventData = errors.New("bad event data")
