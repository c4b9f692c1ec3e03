package lead

import (
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// Traits returns lead s (not nil) as the shared rules see it: its limits, its owner, email and
// phone, and pointers to the fields every kind has.
func Traits(s *aidapb.Lead) record.Traits {
	return record.Traits{Kind: Kind, Limits: limits(), Owner: s.GetOwner(), Email: s.GetEmail(), Phone: s.GetPhone(),
		Level: &s.AutonomyLevel, Notes: &s.Notes, Work: &s.Work, Engagement: &s.Engagement, Reminders: &s.Reminders,
		UpdatedAt: &s.UpdatedAt, Version: &s.Version}
}

// Follow returns the events a shared command decided for lead s, followed by what they mean for
// a lead. An autonomy change re-scores it (LeadQualified with the next actions the new level
// allows), except a converted lead, which is no longer qualified. A reply stops its sequence
// (stop on reply) and moves a new lead to contacted; a bounce or an opt-out stops the sequence
// too. Follow is pure.
func Follow(s *aidapb.Lead, _ *aidapb.Command, events []*aidapb.Event, now time.Time) []*aidapb.Event {
	for _, e := range events {
		switch d := e.GetData().(type) {
		case *aidapb.Event_AutonomyChanged:
			if s.GetStatus() != StatusConverted {
				next := clone(s)
				next.AutonomyLevel = d.AutonomyChanged.GetTo()
				return append(events, qualified(next, now))
			}
		case *aidapb.Event_SignalReceived:
			return append(events, signalled(s, d.SignalReceived.GetType())...)
		}
	}
	return events
}

// signalled returns the events a signal of type typ brings about on lead s.
func signalled(s *aidapb.Lead, typ string) []*aidapb.Event {
	switch {
	case record.IsReply(typ):
		events := stopSequence(s, "the lead replied ("+typ+")")
		if s.GetStatus() == StatusNew {
			events = append(events, &aidapb.Event{Type: TypeStatusChanged, Data: &aidapb.Event_LeadStatusChanged{
				LeadStatusChanged: &aidapb.LeadStatusChanged{From: StatusNew, To: StatusContacted, Reason: "the lead replied"}}})
		}
		return events
	case typ == record.SignalEmailBounced:
		return stopSequence(s, "an email to the lead bounced")
	case record.IsOptOut(typ):
		return stopSequence(s, "the lead opted out ("+typ+")")
	}
	return nil
}
