package entity

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Behavior is what the shell needs from a domain package for one kind. S is the state message
// (*aidapb.Lead …); its nil value means "does not exist yet". The kind brings its own rules; the
// shell decides and applies the commands every kind shares (record.IsShared) itself, over the
// state's Traits.
type Behavior[S proto.Message] struct {
	Kind string
	// Decide returns the events one of the kind's own commands produces for s at now. Pure.
	Decide func(s S, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error)
	// Apply folds one of the kind's own events into s and returns the new state; it may mutate s.
	Apply func(s S, e *aidapb.Event) S
	// Traits returns s (never nil) as the shared rules see it: pointers to the fields every
	// kind's state has, its limits and contact details.
	Traits func(s S) record.Traits
	// Follow, when set, returns the events a shared command decided for s followed by what they
	// mean for the kind (a lead re-scores after an autonomy change). It is called with at least
	// one event, and not for the reminder commands, which are the shell's bookkeeping. Pure.
	Follow func(s S, cmd *aidapb.Command, events []*aidapb.Event, now time.Time) []*aidapb.Event
	// Touch, when set, is called after the shell applied a shared event to s (a deal records
	// activity).
	Touch func(s S, e *aidapb.Event)
	// Index returns the columns the store lists s by.
	Index func(s S) record.Index
	// View wraps s in a reply.
	View func(s S) *aidapb.Reply
}

// decide returns the events cmd produces for s at now. The kind's own commands go to Decide.
// A shared command is the shell's: it needs an entity that exists, is decided by record.Decide
// over s's Traits, and Follow adds what it means for the kind. A delivery of a reminder the
// entity no longer has (replaced, cancelled, or already fired) is stale: nothing is decided.
func (b *Behavior[S]) decide(s S, id string, cmd *aidapb.Command, now time.Time) (events []*aidapb.Event, stale bool, err error) {
	if !record.IsShared(cmd) {
		events, err = b.Decide(s, cmd, now)
		return events, false, err
	}
	exists := s.ProtoReflect().IsValid()
	reminder := false
	switch body := cmd.GetBody().(type) {
	case *aidapb.Command_FireReminder:
		fr := body.FireReminder
		if !exists || fr.GetToken() == "" || record.PendingToken(*b.Traits(s).Reminders, fr.GetName()) != fr.GetToken() {
			return nil, true, nil
		}
		reminder = true
	case *aidapb.Command_ScheduleReminder, *aidapb.Command_CancelReminder:
		reminder = true
	}
	if !exists {
		return nil, false, fault.New(fault.NotFound, "no %s with id %s", b.Kind, id)
	}
	events, err = record.Decide(b.Traits(s), cmd, now)
	if err != nil || len(events) == 0 || reminder || b.Follow == nil {
		return events, false, err
	}
	return b.Follow(s, cmd, events, now), false, nil
}

// apply folds e into s: a shared event through record.Apply over s's Traits (then Touch), any
// other through the kind's Apply.
func (b *Behavior[S]) apply(s S, e *aidapb.Event) S {
	if s.ProtoReflect().IsValid() && record.Apply(e, b.Traits(s)) {
		if b.Touch != nil {
			b.Touch(s, e)
		}
		return s
	}
	return b.Apply(s, e)
}
