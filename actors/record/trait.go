package record

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// TypeAutonomyChanged is the event type of an autonomy change, the same for every kind.
const TypeAutonomyChanged = "crm.autonomy.level_changed"

// Traits is an entity as the shared rules see it: its kind, the limits it holds shared text
// to, who its work goes to and how it is reached, and pointers to the fields every kind's state
// has. Decide reads through the pointers; Apply writes through them. A kind returns the Traits of
// a state that exists (lead.Traits, deal.Traits, account.Traits).
type Traits struct {
	Kind   string // lead, deal, account: event types are crm.<kind>.<what>
	Limits Limits
	Owner  string // default assignee of tasks
	Email  string // default recipient of an email draft
	Phone  string // default recipient of an SMS draft

	Level      *int32
	Notes      *[]*aidapb.Note
	Work       **aidapb.Work
	Engagement **aidapb.Engagement
	Reminders  *[]*aidapb.ReminderRef
	UpdatedAt  **timestamppb.Timestamp
	Version    *int64
}

// Entity is what the work rules need of t.
func (t Traits) Entity() Entity {
	return Entity{Kind: t.Kind, Level: *t.Level, Owner: t.Owner, Email: t.Email, Phone: t.Phone, Work: *t.Work}
}

// IsShared reports whether cmd is one every kind takes the same way: get, set_autonomy,
// add_note, the work commands (IsWork), record_signal, record_ai_call and the reminder commands. The entity
// shell decides these for every kind; a kind's Decide never sees them.
func IsShared(cmd *aidapb.Command) bool {
	switch cmd.GetBody().(type) {
	case *aidapb.Command_Get, *aidapb.Command_SetAutonomy, *aidapb.Command_AddNote, *aidapb.Command_RecordSignal,
		*aidapb.Command_ScheduleReminder, *aidapb.Command_CancelReminder, *aidapb.Command_FireReminder,
		*aidapb.Command_RecordAiCall:
		return true
	}
	return IsWork(cmd)
}

// Decide returns the events a shared command (IsShared) produces for the entity t at now:
// get changes nothing; set_autonomy, add_note, the work commands, record_signal,
// schedule_reminder and cancel_reminder follow DecideAutonomy, DecideNote, DecideWork,
// DecideSignal and DecideReminder; fire_reminder records that the reminder fired (the caller
// checked that its token is still pending). It is pure: it reads through t and changes nothing.
func Decide(t Traits, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	if IsWork(cmd) {
		return DecideWork(t.Entity(), cmd, now)
	}
	switch b := cmd.GetBody().(type) {
	case *aidapb.Command_Get:
		return nil, nil
	case *aidapb.Command_SetAutonomy:
		return DecideAutonomy(TypeAutonomyChanged, *t.Level, b.SetAutonomy, t.Limits)
	case *aidapb.Command_AddNote:
		return DecideNote("crm."+t.Kind+".note_added", b.AddNote, cmd.GetActor(), t.Limits)
	case *aidapb.Command_RecordSignal:
		return DecideSignal(t.Kind, *t.Engagement, b.RecordSignal, now)
	case *aidapb.Command_ScheduleReminder, *aidapb.Command_CancelReminder:
		return DecideReminder(t.Kind, *t.Reminders, cmd)
	case *aidapb.Command_FireReminder:
		return []*aidapb.Event{Fired(t.Kind, b.FireReminder)}, nil
	case *aidapb.Command_RecordAiCall:
		return DecideAICall(t.Kind, b.RecordAiCall.GetCall())
	}
	return nil, fault.New(fault.Internal, "%s is not a command every kind takes", CommandName(cmd))
}

// Apply folds a shared event into the entity t points into and stamps it: UpdatedAt from e's
// time, Version from e's version. The shared events are an autonomy change, a note, a signal,
// the reminder events and the work events (ApplyWork); a kind's own commands may produce them
// too (a sequence sets a reminder, a closed deal clears its flags). Apply reports whether e was
// one; any other event changes nothing. It keeps no pointer into e.
func Apply(e *aidapb.Event, t Traits) bool {
	switch d := e.GetData().(type) {
	case *aidapb.Event_AutonomyChanged:
		*t.Level = d.AutonomyChanged.GetTo()
	case *aidapb.Event_NoteAdded:
		*t.Notes = append(*t.Notes, Note(e))
	case *aidapb.Event_SignalReceived:
		ApplySignal(e, t.Engagement)
	case *aidapb.Event_ReminderSet, *aidapb.Event_ReminderCancelled, *aidapb.Event_ReminderFired:
		ApplyReminder(e, t.Reminders)
	case *aidapb.Event_AiCalled: // journaled; the state keeps nothing of it
	default:
		if !ApplyWork(e, t.Work) {
			return false
		}
	}
	*t.UpdatedAt = Stamp(e)
	*t.Version = e.GetVersion()
	return true
}
