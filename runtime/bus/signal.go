package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidacrm/aida/api/event"
)

// ErrBadSubject: PublishSignal was given a subject outside crm.inbound.>, or one that is not a
// valid literal NATS subject.
var ErrBadSubject = errors.New("bad subject")

// PublishSignal publishes data on subject to the stream and waits for JetStream's ack. msgID
// becomes the Nats-Msg-Id header: JetStream drops a repeated ID within the stream's duplicate
// window ("" publishes without one). subject must be a literal subject under crm.inbound.
// (event.InboundPrefix), else the error wraps ErrBadSubject.
func (b *Bus) PublishSignal(ctx context.Context, subject string, msgID string, data []byte) error {
	rest, ok := strings.CutPrefix(subject, event.InboundPrefix)
	if !ok || rest == "" {
		return fmt.Errorf("publish signal %q: %w: not under %s", subject, ErrBadSubject, event.InboundPrefix)
	}
	for tok := range strings.SplitSeq(rest, ".") {
		if !validToken(tok) {
			return fmt.Errorf("publish signal %q: %w", subject, ErrBadSubject)
		}
	}
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	if _, err := b.js.Publish(ctx, subject, data, opts...); err != nil {
		return fmt.Errorf("publish signal %s: %w", subject, err)
	}
	return nil
}
