// Package inbound routes inbound signals (replies, opens, bounces, opt-outs that other services
// publish on crm.inbound.<channel>.<what>) from JetStream to the entity they are about, as a
// record_signal command. Delivery is at least once; the entity remembers the signal IDs it
// applied, so each signal takes effect once.
//
// A signal is a JSON object, either a CloudEvents 1.0 envelope
//
//	{"specversion":"1.0","id":"<message id>","source":"mailer","type":"crm.inbound.email.replied",
//	 "subject":"lead/<id>","time":"2026-11-26T10:00:00Z","data":{"from":"…","subject":"Re: …","text":"…"}}
//
// or a flat object naming the entity with lead_id, deal_id or account_id:
//
//	{"id":"<message id>","lead_id":"<id>","at":"2026-11-26T10:00:00Z","from":"…","subject":"Re: …","text":"…"}
//
// The signal's type is the NATS subject after crm.inbound. (email.replied …). Its ID is the
// Nats-Msg-Id header, else the object's id; a signal with neither is refused (dropped and
// logged), since nothing could keep it from taking effect twice.
package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/runtime/consumer"
)

// Subject is the subject filter of inbound signals.
const Subject = "crm.inbound.>"

// Durable is the name of the router's JetStream consumer.
const Durable = "aida-inbound"

// ErrBadSignal means a message on crm.inbound.> cannot be read as a signal; it is dropped.
var ErrBadSignal = errors.New("bad inbound signal")

// Sender delivers a command to an entity; *entity.Gateway is one.
type Sender interface {
	Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
}

// Consumer runs a handler on a durable JetStream consumer; *bus.Bus is one.
type Consumer interface {
	Consume(ctx context.Context, cfg consumer.Config, h consumer.Handler) error
}

// Router turns inbound messages into record_signal commands.
type Router struct {
	entities Sender
	timeout  time.Duration
	log      *slog.Logger
}

// NewRouter returns a router to entities; each command waits at most timeout (default 10 s).
func NewRouter(entities Sender, timeout time.Duration, log *slog.Logger) *Router {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Router{entities: entities, timeout: timeout, log: log}
}

// Run consumes crm.inbound.> until ctx ends, restarting the consumer after a backoff if it stops.
func (r *Router) Run(ctx context.Context, c Consumer, cfg consumer.Config) error {
	cfg.Durable, cfg.Filters = Durable, []string{Subject}
	backoff := time.Second
	for {
		err := c.Consume(ctx, cfg, r.Handle)
		if ctx.Err() != nil {
			return nil
		}
		r.log.Warn("inbound consumer stopped; restarting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// Handle routes one message. An unreadable message, or one for an entity that does not exist or
// refuses it, is dropped (logged at warn); a transient failure is returned, so the message is
// redelivered.
func (r *Router) Handle(ctx context.Context, m consumer.Message) error {
	kind, id, cmd, err := Parse(m)
	if err != nil {
		r.log.Warn("inbound signal dropped", "subject", m.Subject, "seq", m.StreamSeq, "err", err)
		return fmt.Errorf("%w: %w", consumer.ErrPoison, err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, err = r.entities.Send(ctx, kind, id, cmd)
	if err == nil {
		return nil
	}
	switch fault.CodeOf(err) {
	case fault.Unavailable, fault.Conflict, fault.Internal:
		return err
	default:
		r.log.Warn("inbound signal refused", "subject", m.Subject, "entity", kind+"/"+id, "err", err)
		return fmt.Errorf("%w: %w", consumer.ErrPoison, err)
	}
}

// message is both accepted shapes of a signal.
type message struct {
	SpecVersion string          `json:"specversion"`
	ID          string          `json:"id"`
	Subject     string          `json:"subject"`
	Time        *time.Time      `json:"time"`
	Data        json.RawMessage `json:"data"`
	LeadID      string          `json:"lead_id"`
	DealID      string          `json:"deal_id"`
	AccountID   string          `json:"account_id"`
	At          *time.Time      `json:"at"`
	From        string          `json:"from"`
	Text        string          `json:"text"`
}

type content struct {
	From    string `json:"from"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// Parse reads an inbound message: the entity it is about and the record_signal command for it.
// Errors wrap ErrBadSignal.
func Parse(m consumer.Message) (kind, id string, cmd *aidapb.Command, err error) {
	typ, ok := strings.CutPrefix(m.Subject, event.InboundPrefix)
	if !ok || typ == "" {
		return "", "", nil, fmt.Errorf("%w: subject %q is not under %s>", ErrBadSignal, m.Subject, event.InboundPrefix)
	}
	var msg message
	if err := json.Unmarshal(m.Data, &msg); err != nil {
		return "", "", nil, fmt.Errorf("%w: not a JSON object: %w", ErrBadSignal, err)
	}
	sig := &aidapb.RecordSignal{Type: typ, SignalId: m.MsgID}
	if sig.SignalId == "" {
		sig.SignalId = msg.ID
	}
	if sig.SignalId == "" {
		return "", "", nil, fmt.Errorf("%w: no ID (set the Nats-Msg-Id header or the body's id): "+
			"a signal without one could take effect twice", ErrBadSignal)
	}
	at := msg.At
	if msg.SpecVersion != "" {
		var ok bool
		if kind, id, ok = strings.Cut(msg.Subject, "/"); !ok {
			return "", "", nil, fmt.Errorf("%w: subject %q is not <kind>/<id>", ErrBadSignal, msg.Subject)
		}
		var c content
		if len(msg.Data) > 0 && string(msg.Data) != "null" {
			if err := json.Unmarshal(msg.Data, &c); err != nil {
				return "", "", nil, fmt.Errorf("%w: data: %w", ErrBadSignal, err)
			}
		}
		sig.From, sig.Subject, sig.Text = c.From, c.Subject, c.Text
		at = msg.Time
	} else {
		switch {
		case msg.LeadID != "":
			kind, id = "lead", msg.LeadID
		case msg.DealID != "":
			kind, id = "deal", msg.DealID
		case msg.AccountID != "":
			kind, id = "account", msg.AccountID
		default:
			return "", "", nil, fmt.Errorf("%w: names no entity (lead_id, deal_id or account_id)", ErrBadSignal)
		}
		sig.From, sig.Subject, sig.Text = msg.From, msg.Subject, msg.Text
	}
	if kind == "" || id == "" {
		return "", "", nil, fmt.Errorf("%w: names no entity", ErrBadSignal)
	}
	if at != nil {
		sig.At = timestamppb.New(*at)
	}
	return kind, id, &aidapb.Command{Actor: "inbound:" + typ, Body: &aidapb.Command_RecordSignal{RecordSignal: sig}}, nil
}
