package entity

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// Behavior is what the shell needs from a domain package for one kind. S is the state message
// (*aidapb.Lead …); its nil value means "does not exist yet".
type Behavior[S proto.Message] struct {
	Kind string
	// Decide returns the events cmd produces for s at now. Pure.
	Decide func(s S, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error)
	// Apply folds e into s and returns the new state; it may mutate s.
	Apply func(s S, e *aidapb.Event) S
	// Index returns the columns the store lists s by.
	Index func(s S) record.Index
	// View wraps s in a reply.
	View func(s S) *aidapb.Reply
	// Reminders returns the reminders s has pending.
	Reminders func(s S) []*aidapb.ReminderRef
}

// Leads, Deals and Accounts are the view wrappers of the three kinds.
func leadView(s *aidapb.Lead) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: s}}
}

func dealView(s *aidapb.Deal) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Deal{Deal: s}}
}

func accountView(s *aidapb.Account) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Account{Account: s}}
}
