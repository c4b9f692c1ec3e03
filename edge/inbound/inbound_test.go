package inbound_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge/inbound"
	"github.com/aidacrm/aida/runtime/consumer"
)

const cloudEvent = `{"specversion":"1.0","id":"msg-1","source":"mailer","type":"crm.inbound.email.replied",
 "subject":"lead/l1","time":"2026-11-26T10:00:00Z","data":{"from":"ada@acme.test","subject":"Re: hello","text":"Yes please"}}`

const flat = `{"id":"msg-2","lead_id":"l2","at":"2026-11-26T11:00:00+01:00","from":"bob@acme.test","subject":"Re: hi","text":"Call me"}`

func msg(subject, data string) consumer.Message {
	return consumer.Message{Subject: subject, Data: []byte(data), StreamSeq: 42, Delivered: 1}
}

func TestParseCloudEvent(t *testing.T) {
	kind, id, cmd, err := inbound.Parse(msg("crm.inbound.email.replied", cloudEvent))
	if err != nil {
		t.Fatal(err)
	}
	if kind != "lead" || id != "l1" {
		t.Errorf("entity = %s/%s, want lead/l1", kind, id)
	}
	if cmd.GetActor() != "inbound:email.replied" {
		t.Errorf("actor = %q", cmd.GetActor())
	}
	s := cmd.GetRecordSignal()
	if s.GetType() != "email.replied" || s.GetSignalId() != "msg-1" || s.GetFrom() != "ada@acme.test" ||
		s.GetSubject() != "Re: hello" || s.GetText() != "Yes please" {
		t.Errorf("signal = %v", s)
	}
	if at := s.GetAt().AsTime(); !at.Equal(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("at = %s, want the event's time", at)
	}
}

func TestParseFlat(t *testing.T) {
	tests := []struct {
		name, data string
		kind, id   string
	}{
		{"lead", flat, "lead", "l2"},
		{"deal", `{"id":"m","deal_id":"d1"}`, "deal", "d1"},
		{"account", `{"id":"m","account_id":"a1"}`, "account", "a1"},
		{"lead before deal", `{"id":"m","deal_id":"d1","lead_id":"l1","account_id":"a1"}`, "lead", "l1"},
		{"deal before account", `{"id":"m","account_id":"a1","deal_id":"d1"}`, "deal", "d1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, id, cmd, err := inbound.Parse(msg("crm.inbound.sms.opt_out", tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if kind != tt.kind || id != tt.id {
				t.Errorf("entity = %s/%s, want %s/%s", kind, id, tt.kind, tt.id)
			}
			if cmd.GetActor() != "inbound:sms.opt_out" || cmd.GetRecordSignal().GetType() != "sms.opt_out" {
				t.Errorf("command = %v", cmd)
			}
		})
	}
	_, _, cmd, err := inbound.Parse(msg("crm.inbound.email.replied", flat))
	if err != nil {
		t.Fatal(err)
	}
	s := cmd.GetRecordSignal()
	if s.GetSignalId() != "msg-2" || s.GetFrom() != "bob@acme.test" || s.GetSubject() != "Re: hi" || s.GetText() != "Call me" {
		t.Errorf("signal = %v", s)
	}
	if at := s.GetAt().AsTime(); !at.Equal(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("at = %s, want 10:00 UTC", at)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		name, data string
		at         time.Time // zero: none
	}{
		{"flat without at", `{"id":"m","lead_id":"l1"}`, time.Time{}},
		{"flat reads at, not time", `{"id":"m","lead_id":"l1","time":"2026-01-01T00:00:00Z"}`, time.Time{}},
		{"cloud event without time", `{"id":"m","specversion":"1.0","subject":"lead/l1"}`, time.Time{}},
		{"cloud event reads time, not at", `{"id":"m","specversion":"1.0","subject":"lead/l1","at":"2026-01-01T00:00:00Z"}`, time.Time{}},
		{"cloud event time", `{"id":"m","specversion":"1.0","subject":"lead/l1","time":"2026-01-02T03:04:05.5Z"}`,
			time.Date(2026, 1, 2, 3, 4, 5, 5e8, time.UTC)},
	}
	for _, tt := range tests {
		_, _, cmd, err := inbound.Parse(msg("crm.inbound.email.opened", tt.data))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		at := cmd.GetRecordSignal().GetAt()
		switch {
		case tt.at.IsZero() && at != nil:
			t.Errorf("%s: at = %s, want none", tt.name, at.AsTime())
		case !tt.at.IsZero() && !at.AsTime().Equal(tt.at):
			t.Errorf("%s: at = %v, want %s", tt.name, at, tt.at)
		}
	}
}

func TestParseCloudEventWithoutData(t *testing.T) {
	for _, data := range []string{`{"id":"m","specversion":"1.0","subject":"deal/d1"}`, `{"id":"m","specversion":"1.0","subject":"deal/d1","data":null}`,
		`{"id":"m","specversion":"1.0","subject":"deal/d1","data":{}}`} {
		kind, id, cmd, err := inbound.Parse(msg("crm.inbound.email.bounced", data))
		if err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		s := cmd.GetRecordSignal()
		if kind != "deal" || id != "d1" || s.GetFrom() != "" || s.GetSubject() != "" || s.GetText() != "" {
			t.Errorf("%s: %s/%s %v", data, kind, id, s)
		}
	}
}

func TestParseSignalID(t *testing.T) {
	tests := []struct {
		name, msgID, data, want string
	}{
		{"header first", "hdr-1", cloudEvent, "hdr-1"},
		{"header first, flat", "hdr-2", flat, "hdr-2"},
		{"then the id", "", cloudEvent, "msg-1"},
		{"then the flat id", "", flat, "msg-2"},
	}
	for _, tt := range tests {
		m := msg("crm.inbound.email.replied", tt.data)
		m.MsgID = tt.msgID
		_, _, cmd, err := inbound.Parse(m)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := cmd.GetRecordSignal().GetSignalId(); got != tt.want {
			t.Errorf("%s: signal ID = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestParseRefusesSignalWithoutID: without a Nats-Msg-Id and an id in the body nothing could
// keep a signal from taking effect twice, so it is refused.
func TestParseRefusesSignalWithoutID(t *testing.T) {
	for _, data := range []string{`{"lead_id":"l1"}`, `{"id":"","specversion":"1.0","subject":"lead/l1"}`} {
		if _, _, _, err := inbound.Parse(msg("crm.inbound.email.replied", data)); !errors.Is(err, inbound.ErrBadSignal) ||
			!strings.Contains(err.Error(), "Nats-Msg-Id") {
			t.Errorf("%s: %v, want ErrBadSignal saying how to give an ID", data, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, subject, data string
	}{
		{"not inbound", "crm.lead.captured", flat},
		{"no type", "crm.inbound.", flat},
		{"no prefix", "inbound.email.replied", flat},
		{"empty", "crm.inbound.email.replied", ""},
		{"not JSON", "crm.inbound.email.replied", "hello"},
		{"array", "crm.inbound.email.replied", `[{"lead_id":"l1"}]`},
		{"string", "crm.inbound.email.replied", `"lead/l1"`},
		{"null", "crm.inbound.email.replied", "null"},
		{"no entity", "crm.inbound.email.replied", `{"id":"x","from":"a@b.co"}`},
		{"empty ids", "crm.inbound.email.replied", `{"lead_id":"","deal_id":"","account_id":""}`},
		{"id not a string", "crm.inbound.email.replied", `{"id":5,"lead_id":"l1"}`},
		{"at not a time", "crm.inbound.email.replied", `{"lead_id":"l1","at":"yesterday"}`},
		{"time not a time", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"lead/l1","time":12}`},
		{"subject not kind/id", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"lead"}`},
		{"subject without kind", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"/l1"}`},
		{"subject without id", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"lead/"}`},
		{"no subject", "crm.inbound.email.replied", `{"specversion":"1.0","lead_id":"l1"}`},
		{"data a string", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"lead/l1","data":"hi"}`},
		{"data an array", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"lead/l1","data":[1]}`},
		{"data of the wrong types", "crm.inbound.email.replied", `{"specversion":"1.0","subject":"lead/l1","data":{"from":5}}`},
	}
	for _, tt := range tests {
		kind, id, cmd, err := inbound.Parse(msg(tt.subject, tt.data))
		if !errors.Is(err, inbound.ErrBadSignal) {
			t.Errorf("%s: Parse = %s/%s %v, %v; want an error wrapping ErrBadSignal", tt.name, kind, id, cmd, err)
		}
	}
}

// fakeSender is a Sender that records its calls and answers with send.
type fakeSender struct {
	send func(kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)

	mu    sync.Mutex
	calls []string
	until []time.Duration // time left before each call's deadline, or -1 for none
}

var _ inbound.Sender = (*fakeSender)(nil)

func (f *fakeSender) Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	left := time.Duration(-1)
	if dl, ok := ctx.Deadline(); ok {
		left = time.Until(dl)
	}
	f.mu.Lock()
	f.calls = append(f.calls, fmt.Sprintf("%s/%s %s %s", kind, id, cmd.GetActor(), cmd.GetRecordSignal().GetSignalId()))
	f.until = append(f.until, left)
	f.mu.Unlock()
	if f.send == nil {
		return &aidapb.Reply{}, nil
	}
	return f.send(kind, id, cmd)
}

func TestHandle(t *testing.T) {
	f := &fakeSender{}
	r := inbound.NewRouter(f, 3*time.Second, nil)
	m := msg("crm.inbound.email.replied", cloudEvent)
	if err := r.Handle(context.Background(), m); err != nil {
		t.Fatalf("Handle = %v", err)
	}
	if got := strings.Join(f.calls, "\n"); got != "lead/l1 inbound:email.replied msg-1" {
		t.Errorf("calls = %q", got)
	}
	if left := f.until[0]; left <= 0 || left > 3*time.Second {
		t.Errorf("the command had %s before its deadline, want at most the router's 3 s", left)
	}

	f = &fakeSender{}
	if err := inbound.NewRouter(f, 0, nil).Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if left := f.until[0]; left <= 3*time.Second || left > 10*time.Second {
		t.Errorf("the command had %s before its deadline, want the default 10 s", left)
	}
}

func TestHandleBadSignalIsPoison(t *testing.T) {
	f := &fakeSender{}
	err := inbound.NewRouter(f, 0, nil).Handle(context.Background(), msg("crm.inbound.email.replied", `{"from":"a@b.co"}`))
	if !errors.Is(err, consumer.ErrPoison) || !errors.Is(err, inbound.ErrBadSignal) {
		t.Fatalf("Handle = %v, want ErrPoison and ErrBadSignal", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("calls = %q, want none", f.calls)
	}
}

func TestHandleEntityErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		poison bool
	}{
		{"unavailable", fault.New(fault.Unavailable, "down"), false},
		{"conflict", fault.New(fault.Conflict, "race"), false},
		{"internal", fault.New(fault.Internal, "bug"), false},
		{"not a fault", errors.New("connection reset"), false},
		{"deadline", context.DeadlineExceeded, false},
		{"not found", fault.New(fault.NotFound, "no lead l1"), true},
		{"invalid", fault.New(fault.Invalid, "bad from"), true},
		{"transition", fault.New(fault.Transition, "archived"), true},
		{"duplicate", fault.New(fault.Duplicate, "taken"), true},
		{"wrapped not found", fmt.Errorf("send: %w", fault.New(fault.NotFound, "x")), true},
	}
	for _, tt := range tests {
		f := &fakeSender{send: func(string, string, *aidapb.Command) (*aidapb.Reply, error) { return nil, tt.err }}
		err := inbound.NewRouter(f, 0, nil).Handle(context.Background(), msg("crm.inbound.email.replied", flat))
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: Handle = %v, want it to wrap %v", tt.name, err, tt.err)
		}
		if errors.Is(err, consumer.ErrPoison) != tt.poison {
			t.Errorf("%s: Handle = %v, poison: %v, want %v", tt.name, err, errors.Is(err, consumer.ErrPoison), tt.poison)
		}
	}
}

// fakeConsumer is a Consumer whose Consume calls consume.
type fakeConsumer struct {
	consume func(ctx context.Context, cfg consumer.Config, h consumer.Handler) error
}

func (c fakeConsumer) Consume(ctx context.Context, cfg consumer.Config, h consumer.Handler) error {
	return c.consume(ctx, cfg, h)
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &fakeSender{}
	var got consumer.Config
	calls := 0
	c := fakeConsumer{consume: func(ctx context.Context, cfg consumer.Config, h consumer.Handler) error {
		calls++
		got = cfg
		if err := h(ctx, msg("crm.inbound.email.replied", flat)); err != nil {
			t.Errorf("handler: %v", err)
		}
		cancel()
		return errors.New("stopped")
	}}
	err := inbound.NewRouter(f, 0, nil).Run(ctx, c, consumer.Config{Durable: "other", Filters: []string{"crm.>"}, Concurrency: 3})
	if err != nil {
		t.Fatalf("Run = %v, want nil after ctx ended", err)
	}
	if calls != 1 || got.Durable != inbound.Durable || strings.Join(got.Filters, " ") != inbound.Subject || got.Concurrency != 3 {
		t.Errorf("%d calls, config %+v", calls, got)
	}
	if len(f.calls) != 1 {
		t.Errorf("calls = %q, want one", f.calls)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("crm.inbound.email.replied", []byte(cloudEvent), "", uint64(1))
	f.Add("crm.inbound.sms.opt_out", []byte(flat), "hdr", uint64(2))
	f.Add("crm.inbound.x", []byte(`{"specversion":"1.0","subject":"a/b/c","data":null}`), "", uint64(0))
	f.Add("crm.inbound.x", []byte(`{"account_id":"a","time":"2026-01-01T00:00:00Z"}`), "", uint64(3))
	f.Add("crm.lead.captured", []byte("{}"), "", uint64(0))
	f.Add("crm.inbound.", []byte("\x00"), "", uint64(0))
	f.Fuzz(func(t *testing.T, subject string, data []byte, msgID string, seq uint64) {
		kind, id, cmd, err := inbound.Parse(consumer.Message{Subject: subject, Data: data, MsgID: msgID, StreamSeq: seq})
		if err != nil {
			if !errors.Is(err, inbound.ErrBadSignal) {
				t.Fatalf("Parse error %v does not wrap ErrBadSignal", err)
			}
			if kind != "" || id != "" || cmd != nil {
				t.Fatalf("Parse failed with results %q %q %v", kind, id, cmd)
			}
			return
		}
		typ := strings.TrimPrefix(subject, "crm.inbound.")
		s := cmd.GetRecordSignal()
		if kind == "" || id == "" || typ == "" || s.GetType() != typ || cmd.GetActor() != "inbound:"+typ || s.GetSignalId() == "" {
			t.Fatalf("Parse = %q %q %v", kind, id, cmd)
		}
		if msgID != "" && s.GetSignalId() != msgID {
			t.Fatalf("signal ID %q, want the header %q", s.GetSignalId(), msgID)
		}
		if s.GetAt() != nil {
			if err := s.GetAt().CheckValid(); err != nil {
				t.Fatalf("at %v: %v", s.GetAt(), err)
			}
		}
	})
}
