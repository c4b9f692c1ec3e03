package record

import (
	"slices"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// ApplyReminder folds a reminder event into an entity's pending reminders: ReminderSet adds or
// replaces the reminder of its name (its token is the event's ID), ReminderCancelled and
// ReminderFired remove it. It reports whether e was a reminder event.
func ApplyReminder(e *aidapb.Event, refs *[]*aidapb.ReminderRef) bool {
	var name string
	switch d := e.GetData().(type) {
	case *aidapb.Event_ReminderSet:
		name = d.ReminderSet.GetName()
		ref := &aidapb.ReminderRef{Name: name, Token: d.ReminderSet.GetToken()}
		if due := d.ReminderSet.GetDueAt(); due != nil {
			ref.DueAt = proto.Clone(due).(*timestamppb.Timestamp)
		}
		*refs = slices.DeleteFunc(*refs, func(r *aidapb.ReminderRef) bool { return r.GetName() == name })
		*refs = append(*refs, ref)
		return true
	case *aidapb.Event_ReminderCancelled:
		name = d.ReminderCancelled.GetName()
	case *aidapb.Event_ReminderFired:
		name = d.ReminderFired.GetName()
	default:
		return false
	}
	*refs = slices.DeleteFunc(*refs, func(r *aidapb.ReminderRef) bool { return r.GetName() == name })
	return true
}

// PendingToken returns the token of the pending reminder called name, or "".
func PendingToken(refs []*aidapb.ReminderRef, name string) string {
	for _, r := range refs {
		if r.GetName() == name {
			return r.GetToken()
		}
	}
	return ""
}

// MaxReminderName is the longest reminder name, in characters.
const MaxReminderName = 100

// DecideReminder decides schedule_reminder and cancel_reminder for an entity of kind with the
// pending reminders refs: a schedule becomes a ReminderSet event (crm.<kind>.reminder_set; the
// shell gives it its token), a cancel of a pending reminder a ReminderCancelled event
// (crm.<kind>.reminder_cancelled); cancelling a reminder the entity does not have changes nothing.
func DecideReminder(kind string, refs []*aidapb.ReminderRef, cmd *aidapb.Command) ([]*aidapb.Event, error) {
	var bad fault.Fields
	switch b := cmd.GetBody().(type) {
	case *aidapb.Command_ScheduleReminder:
		c := b.ScheduleReminder
		name := Line(&bad, "name", c.GetName(), MaxReminderName)
		if name == "" {
			bad.Add("name", "is required")
		}
		if c.GetDueAt() == nil {
			bad.Add("due_at", "is required")
		}
		reason := Line(&bad, "reason", c.GetReason(), 500)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		return []*aidapb.Event{{Type: "crm." + kind + ".reminder_set", Data: &aidapb.Event_ReminderSet{
			ReminderSet: &aidapb.ReminderSet{Name: name, DueAt: c.GetDueAt(), Payload: c.GetPayload(), Reason: reason}}}}, nil
	case *aidapb.Command_CancelReminder:
		c := b.CancelReminder
		name := Line(&bad, "name", c.GetName(), MaxReminderName)
		reason := Line(&bad, "reason", c.GetReason(), 500)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if PendingToken(refs, name) == "" {
			return nil, nil
		}
		return []*aidapb.Event{{Type: "crm." + kind + ".reminder_cancelled", Data: &aidapb.Event_ReminderCancelled{
			ReminderCancelled: &aidapb.ReminderCancelled{Name: name, Reason: reason}}}}, nil
	}
	return nil, fault.New(fault.Internal, "DecideReminder got %s", CommandName(cmd))
}

// Fired is the event recording that the reminder fr delivered was applied.
func Fired(kind string, fr *aidapb.FireReminder) *aidapb.Event {
	return &aidapb.Event{Type: "crm." + kind + ".reminder_fired", Data: &aidapb.Event_ReminderFired{
		ReminderFired: &aidapb.ReminderFired{Name: fr.GetName(), Token: fr.GetToken(), DueAt: fr.GetDueAt()}}}
}
