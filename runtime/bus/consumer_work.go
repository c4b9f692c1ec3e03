package bus

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidacrm/aida/runtime/consumer"
)

// route returns the worker of key.
func route(key string, workers int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(workers))
}

// work runs the handler on the messages of q, one at a time, until q is closed. Once ctx ended,
// it naks what is left for immediate redelivery.
func (c *durable) work(ctx context.Context, q <-chan delivery) {
	for d := range q {
		if ctx.Err() != nil {
			_ = d.jm.Nak()
			continue
		}
		c.handle(ctx, d.jm, d.m)
	}
}

// handle runs the handler on m and answers the server: ack, nak with delay, or term.
func (c *durable) handle(ctx context.Context, jm jetstream.Msg, m consumer.Message) {
	err := c.call(ctx, m)
	log := c.log.With("subject", m.Subject, "msg_id", m.MsgID, "seq", m.StreamSeq, "delivered", m.Delivered)
	var answer error
	switch {
	case err == nil:
		answer = jm.Ack()
		c.metrics.ack.Inc()
	case errors.Is(err, consumer.ErrPoison):
		answer = jm.TermWithReason(err.Error())
		c.metrics.term.Inc()
		log.Warn("poison message terminated", "err", err)
	case ctx.Err() != nil: // stopping: let another consumer take it at once
		answer = jm.Nak()
		c.metrics.nak.Inc()
	default:
		d := retryDelay(c.cfg.RetryMin, c.cfg.RetryMax, m.Delivered)
		answer = jm.NakWithDelay(d)
		c.metrics.nak.Inc()
		log.Info("handler failed; redelivering", "err", err, "retry_in", d.String())
	}
	if answer != nil {
		log.Debug("answer to the server lost; redelivered after AckWait", "err", answer)
	}
}

// call runs the handler, turning a panic into an error.
func (c *durable) call(ctx context.Context, m consumer.Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v", p)
		}
	}()
	return c.h(ctx, m)
}

// delivery is a message on its way to a worker.
type delivery struct {
	jm jetstream.Msg
	m  consumer.Message // with its Key
}

// newMessage returns the Message of a JetStream delivery.
func newMessage(jm jetstream.Msg) consumer.Message {
	m := consumer.Message{Subject: jm.Subject(), Data: jm.Data(), Headers: consumer.Header(jm.Headers())}
	m.MsgID = m.Headers.Get(jetstream.MsgIDHeader)
	if md, err := jm.Metadata(); err == nil {
		m.StreamSeq, m.Delivered, m.Time = md.Sequence.Stream, md.NumDelivered, md.Timestamp
	}
	return m
}

// retryDelay returns the nak delay after delivery number delivered failed: first, doubling
// with each delivery, at most longest.
func retryDelay(first, longest time.Duration, delivered uint64) time.Duration {
	return backoff(first, longest, int(min(delivered, 64)))
}

// backoff returns first doubled n-1 times, at most longest.
func backoff(first, longest time.Duration, n int) time.Duration {
	d := first
	for i := 1; i < n && d < longest; i++ {
		if d > longest/2 {
			return longest
		}
		d *= 2
	}
	return min(d, longest)
}
