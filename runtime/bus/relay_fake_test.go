package bus

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/aidacrm/aida/persistence"
)

// fakeOutbox is an Outbox over a slice of entries.
type fakeOutbox struct {
	entries []persistence.Entry
	marked  []string
}

func (f *fakeOutbox) Unpublished(_ context.Context, limit int) ([]persistence.Entry, error) {
	return f.entries[:min(limit, len(f.entries))], nil
}

func (f *fakeOutbox) MarkPublished(_ context.Context, ids []string) error {
	f.marked = append(f.marked, ids...)
	return nil
}

// fakePublisher is a Publisher whose acks are a function of the message.
type fakePublisher struct {
	down bool
	ack  func(msg *nats.Msg) error // nil error: acknowledged
	sent []*nats.Msg
}

func (p *fakePublisher) Connected() bool { return !p.down }

func (p *fakePublisher) PublishAsync(msg *nats.Msg) (jetstream.PubAckFuture, error) {
	p.sent = append(p.sent, msg)
	f := &future{msg: msg, ok: make(chan *jetstream.PubAck, 1), err: make(chan error, 1)}
	if err := p.ack(msg); err != nil {
		f.err <- err
	} else {
		f.ok <- &jetstream.PubAck{Stream: DefaultStreamName}
	}
	return f, nil
}

type future struct {
	msg *nats.Msg
	ok  chan *jetstream.PubAck
	err chan error
}

func (f *future) Ok() <-chan *jetstream.PubAck { return f.ok }
func (f *future) Err() <-chan error            { return f.err }
func (f *future) Msg() *nats.Msg               { return f.msg }

func fakeEntries(ids ...string) []persistence.Entry {
	out := make([]persistence.Entry, len(ids))
	for i, id := range ids {
		out[i] = persistence.Entry{Kind: "lead", ID: "l1", Version: int64(i + 1), EventID: id, Type: "crm.lead.note_added",
			Time: time.Unix(1, 0), Data: []byte(`{"note_added":{"note":{"id":"n"}}}`)}
	}
	return out
}

// TestRelayRoundMarksTheAckedPrefix: without NATS, a round publishes the rows in order, each on
// its type's subject with its event ID and its predecessor's, and marks only the rows before the
// first refused ack.
func TestRelayRoundMarksTheAckedPrefix(t *testing.T) {
	out := &fakeOutbox{entries: fakeEntries("e1", "e2", "e3", "e4")}
	pub := &fakePublisher{ack: func(msg *nats.Msg) error {
		if msg.Header.Get(jetstream.MsgIDHeader) == "e3" {
			return errors.New("wrong last msg id")
		}
		return nil
	}}
	r := NewRelay(out, pub)
	res, err := r.round(t.Context())
	if err == nil || res.marked != 2 || !slices.Equal(out.marked, []string{"e1", "e2"}) {
		t.Fatalf("round = %+v, %v; marked %q", res, err, out.marked)
	}
	for i, msg := range pub.sent {
		prev := ""
		if i > 0 {
			prev = out.entries[i-1].EventID
		}
		if msg.Subject != "crm.lead.note_added" || msg.Header.Get(jetstream.MsgIDHeader) != out.entries[i].EventID ||
			msg.Header.Get(jetstream.ExpectedLastMsgIDHeader) != prev {
			t.Errorf("message %d: subject %s, headers %v", i, msg.Subject, msg.Header)
		}
	}
	if got := testutil.ToFloat64(r.metrics.errors.WithLabelValues(stageAck)); got != 1 {
		t.Errorf("ack errors %v, want 1", got)
	}
}

// TestRelayRoundWhileDisconnected: nothing is sent or marked, and the round says why.
func TestRelayRoundWhileDisconnected(t *testing.T) {
	out := &fakeOutbox{entries: fakeEntries("e1")}
	pub := &fakePublisher{down: true}
	r := NewRelay(out, pub)
	if res, err := r.round(t.Context()); !errors.Is(err, ErrDisconnected) || res.marked != 0 || len(pub.sent) != 0 || len(out.marked) != 0 {
		t.Fatalf("round = %+v, %v; sent %d, marked %q", res, err, len(pub.sent), out.marked)
	}
	if got := testutil.ToFloat64(r.metrics.errors.WithLabelValues(stagePublish)); got != 1 {
		t.Errorf("publish errors %v, want 1", got)
	}
}
