package record

import (
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/api/fault"
)

// The inbound signal types: <channel>.<what>, as on the subject crm.inbound.<type>; api/event
// names them once for every door.
const (
	SignalEmailReplied      = event.EmailReplied
	SignalEmailOpened       = event.EmailOpened
	SignalEmailClicked      = event.EmailClicked
	SignalEmailBounced      = event.EmailBounced
	SignalEmailUnsubscribed = event.EmailUnsubscribed
	SignalSMSReplied        = event.SMSReplied
	SignalSMSOptedOut       = event.SMSOptedOut
)

// Signal bounds.
const (
	KeptSignals  = 64                // signal IDs an entity remembers to drop redeliveries
	KeptContacts = 5                 // contact times kept for the health score's engagement
	MaxSignalID  = event.MaxSignalID // characters
	MaxReplyText = 10000             // characters of a reply's text kept in the event
)

// SignalTypes returns the signal types in the order of the constants.
func SignalTypes() []string { return event.Signals() }

// IsReply reports whether a signal type is a reply on any channel.
func IsReply(typ string) bool { return event.IsReply(typ) }

// IsOptOut reports whether a signal type asks for no more messages.
func IsOptOut(typ string) bool { return event.IsOptOut(typ) }

// SignalEventType returns the event type of signal typ on kind: crm.lead.email_replied.
func SignalEventType(kind, typ string) string { return event.SignalType(kind, typ) }

// DecideSignal decides record_signal for an entity of kind with engagement eng: a signal it has
// not applied yet becomes a SignalReceived event; one whose signal_id it remembers changes
// nothing (inbound delivery is at least once). Errors are fault.Invalid for bad fields.
func DecideSignal(kind string, eng *aidapb.Engagement, c *aidapb.RecordSignal, now time.Time) ([]*aidapb.Event, error) {
	var bad fault.Fields
	id := Line(&bad, "signal_id", c.GetSignalId(), MaxSignalID)
	if id == "" {
		bad.Add("signal_id", "is required: the message ID that makes redeliveries harmless")
	}
	typ := strings.ToLower(strings.TrimSpace(c.GetType()))
	if !slices.Contains(SignalTypes(), typ) {
		bad.Add("type", "must be one of %s", strings.Join(SignalTypes(), ", "))
	}
	s := &aidapb.SignalReceived{SignalId: id, Type: typ,
		From: Line(&bad, "from", c.GetFrom(), 320), Subject: Line(&bad, "subject", c.GetSubject(), MaxTitle),
		Text: Text(&bad, "text", c.GetText(), MaxReplyText), At: timestamppb.New(now)}
	if at := c.GetAt(); at != nil {
		if at.CheckValid() != nil {
			bad.Add("at", "is not a valid time")
		} else if at.AsTime().Before(now) {
			s.At = proto.Clone(at).(*timestamppb.Timestamp) // a time in the future is taken as now
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if slices.Contains(eng.GetSignalIds(), id) {
		return nil, nil
	}
	return []*aidapb.Event{{Type: SignalEventType(kind, typ), Data: &aidapb.Event_SignalReceived{SignalReceived: s}}}, nil
}

// ApplySignal folds a SignalReceived event into *eng (allocated when nil) and reports whether e
// was one.
func ApplySignal(e *aidapb.Event, eng **aidapb.Engagement) bool {
	s := e.GetSignalReceived()
	if s == nil {
		return false
	}
	if *eng == nil {
		*eng = &aidapb.Engagement{}
	}
	g := *eng
	g.SignalIds = append(g.SignalIds, s.GetSignalId())
	if n := len(g.SignalIds); n > KeptSignals {
		g.SignalIds = slices.Delete(g.SignalIds, 0, n-KeptSignals)
	}
	at := s.GetAt()
	if at == nil {
		at = Stamp(e)
	}
	contact := false
	switch {
	case IsReply(s.GetType()):
		g.Replies++
		g.LastReplyAt = proto.Clone(at).(*timestamppb.Timestamp)
		g.EmailBounced = g.EmailBounced && s.GetType() != SignalEmailReplied
		contact = true
	case s.GetType() == SignalEmailOpened, s.GetType() == SignalEmailClicked:
		g.Opens++
		g.EmailBounced = false
		contact = true
	case s.GetType() == SignalEmailBounced:
		g.Bounces++
		g.EmailBounced = true
	case IsOptOut(s.GetType()):
		g.OptedOut = true
	}
	if contact {
		if g.LastContactAt == nil || at.AsTime().After(g.LastContactAt.AsTime()) {
			g.LastContactAt = proto.Clone(at).(*timestamppb.Timestamp)
		}
		g.RecentContacts = append(g.RecentContacts, proto.Clone(at).(*timestamppb.Timestamp))
		slices.SortFunc(g.RecentContacts, func(a, b *timestamppb.Timestamp) int { return a.AsTime().Compare(b.AsTime()) })
		if n := len(g.RecentContacts); n > KeptContacts {
			g.RecentContacts = slices.Delete(g.RecentContacts, 0, n-KeptContacts)
		}
	}
	return true
}
