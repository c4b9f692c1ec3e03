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

// ErrStreamMissing: the events stream does not exist and could not be created again.
var ErrStreamMissing = errors.New("events stream missing")

// ErrStreamRecreated: the events stream was missing and has been created again; events published
// before are gone from it, and the relay goes on with what the journal has not yet published.
var ErrStreamRecreated = errors.New("events stream recreated")

// ErrConsumerMissing: a durable consumer of this process was deleted and is not created again yet.
var ErrConsumerMissing = errors.New("durable consumer missing")

// ErrBadCredentials: the stored credentials of the embedded server lack a user or a password.
var ErrBadCredentials = errors.New("bad nats credentials")
