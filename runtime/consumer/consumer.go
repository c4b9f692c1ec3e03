// Package consumer is the contract between the event stream and the code that reads it: the
// Message a Handler gets, the Handler, the Config of a durable consumer, and ErrPoison.
// runtime/bus runs it on JetStream (Bus.Consume, where its guarantees are written down); the
// agents and the inbound router depend on this package only, not on NATS.
package consumer

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ErrPoison: a Handler returns an error wrapping ErrPoison for a message it can never handle
// (malformed, unknown version). The consumer terminates the message: it is never redelivered.
var ErrPoison = errors.New("poison message")

// Handler handles one message. Returning nil acks it. Returning an error naks it with a delay:
// it is redelivered later, the delay doubling with each delivery from RetryMin up to RetryMax.
// An error wrapping ErrPoison terminates it: it is never redelivered, and the consumer logs it
// at warn level and counts it. ctx is the context the consumer runs with.
type Handler func(ctx context.Context, m Message) error

// Message is one delivery of a stream message.
type Message struct {
	Subject   string
	Data      []byte
	Headers   Header
	MsgID     string    // the Nats-Msg-Id header (the event ID of relayed events), or ""
	StreamSeq uint64    // the message's sequence number in the stream
	Delivered uint64    // deliveries so far, this one included: 1 the first time
	Time      time.Time // when the stream stored the message
	Key       string    // Config.KeyFunc of the message; set before the handler runs
}

// Header holds a message's headers; keys are case-sensitive.
type Header map[string][]string

// Get returns the first value of key, or "".
func (h Header) Get(key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Defaults of Config.
const (
	DefaultAckWait       = 30 * time.Second
	DefaultMaxAckPending = 256
	DefaultRetryMin      = time.Second
	DefaultRetryMax      = time.Minute
	DefaultInfoInterval  = 5 * time.Second
)

// Config configures a durable consumer. Zero fields take their defaults.
type Config struct {
	Durable       string        // durable consumer name, required (e.g. "agent-nurture")
	Filters       []string      // subject filters, required (e.g. "crm.lead.captured")
	DeliverNew    bool          // on creation: start with messages stored from now on, not the first one
	AckWait       time.Duration // redelivery of an unanswered message after; default 30 s
	MaxAckPending int           // delivered messages without answer at most; default 256
	RetryMin      time.Duration // delay of the first redelivery after a handler error; default 1 s
	RetryMax      time.Duration // longest redelivery delay; default 1 min
	MaxDeliver    int           // deliveries of one message at most; default -1: no limit
	Concurrency   int           // handlers running at once; default 1 (in stream order)
	// KeyFunc returns the key of a message: messages with equal keys never run at once and are
	// handled in delivery order. Default: the subject.
	KeyFunc      func(Message) string
	InfoInterval time.Duration         // refresh period of the pending gauge; default 5 s
	Registerer   prometheus.Registerer // registers aida_bus_consumer_*; nil: not registered
	Logger       *slog.Logger          // default: the consumer's owner's logger
}
