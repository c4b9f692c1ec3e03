package lead

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Sequence types and statuses.
const (
	SequenceWelcome      = "welcome"
	SequenceNurture      = "nurture"
	SequenceReEngagement = "re_engagement"

	SequenceActive    = "active"
	SequenceCompleted = "completed"
	SequenceStopped   = "stopped"

	// SequenceReminder is the name of the reminder that makes a sequence's next step due.
	SequenceReminder = "sequence"
)

// Sequence event types.
const (
	TypeSequenceStarted   = "crm.lead.sequence_started"
	TypeSequenceAdvanced  = "crm.lead.sequence_step_drafted"
	TypeSequenceStopped   = "crm.lead.sequence_stopped"
	TypeSequenceCompleted = "crm.lead.sequence_completed"
)

// Step is one message of a sequence: its title, its content type and when it falls due,
// counted from the sequence's start.
type Step struct {
	Title string
	Type  string
	Delay time.Duration
}

// SequenceSpec is a sequence of the catalogue.
type SequenceSpec struct {
	Type     string
	Audience []string // who it is for, as the reference describes it
	Steps    []Step
}

const day = 24 * time.Hour

// Sequences returns the catalogue (reference §4.6): welcome over 7 days (the reference's default
// delays 0, 24, 72 and 168 hours), nurture over 14 days and re_engagement over 10 days.
func Sequences() []SequenceSpec {
	return []SequenceSpec{
		{Type: SequenceWelcome, Audience: []string{"new_leads", "website_signups"}, Steps: []Step{
			{"Welcome", "welcome", 0}, {"Our Value", "value_proposition", day},
			{"Customer Success", "social_proof", 3 * day}, {"Next Steps", "call_to_action", 7 * day}}},
		{Type: SequenceNurture, Audience: []string{"qualified_leads", "demo_requests"}, Steps: []Step{
			{"Industry Insights", "educational", 0}, {"Success Story", "case_study", 3 * day},
			{"See It In Action", "demo_offer", 7 * day}, {"Free Consultation", "consultation", 14 * day}}},
		{Type: SequenceReEngagement, Audience: []string{"inactive_leads", "cold_prospects"}, Steps: []Step{
			{"Checking In", "check_in", 0}, {"What's New", "new_features", 3 * day},
			{"Exclusive Offer", "special_offer", 7 * day}, {"Final Follow-up", "final_touch", 10 * day}}},
	}
}

// SequenceOf returns the catalogue's sequence of type typ.
func SequenceOf(typ string) (SequenceSpec, bool) {
	i := slices.IndexFunc(Sequences(), func(s SequenceSpec) bool { return s.Type == typ })
	if i < 0 {
		return SequenceSpec{}, false
	}
	return Sequences()[i], true
}

func sequenceTypes() string {
	var names []string
	for _, s := range Sequences() {
		names = append(names, s.Type)
	}
	return strings.Join(names, ", ")
}

// Active reports whether s has a sequence running.
func Active(s *aidapb.Lead) bool { return s.GetSequence().GetStatus() == SequenceActive }

// stoppable reports whether the lead's status lets a sequence run.
func stoppable(status string) bool {
	return status == StatusConverted || status == StatusUnqualified || status == StatusArchived
}

func startSequence(s *aidapb.Lead, c *aidapb.StartSequence, actor string, now time.Time) ([]*aidapb.Event, error) {
	var bad fault.Fields
	typ := strings.ToLower(strings.TrimSpace(c.GetType()))
	spec, ok := SequenceOf(typ)
	if !ok {
		bad.Add("type", "must be one of %s", sequenceTypes())
	}
	why := record.Text(&bad, "reason", c.GetReason(), record.MaxReason)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	seq := s.GetSequence()
	switch {
	case stoppable(s.GetStatus()):
		return nil, fault.New(fault.Transition, "lead is %s; a sequence runs only for a new, contacted or qualified lead", s.GetStatus())
	case s.GetEngagement().GetOptedOut():
		return nil, fault.New(fault.Transition, "the lead opted out of messages; no sequence can start")
	case Active(s) && seq.GetType() == typ:
		return nil, nil // already running
	case record.IsAgent(actor) && slices.Contains(seq.GetDone(), typ):
		return nil, nil // an agent enrolls a lead in a sequence once; a person may repeat it
	}
	var events []*aidapb.Event
	if Active(s) {
		events = append(events, stopEvent(seq.GetId(), "replaced by the "+typ+" sequence"))
	}
	if why == "" {
		why = "enrolled in the " + typ + " sequence"
	}
	events = append(events,
		&aidapb.Event{Type: TypeSequenceStarted, Data: &aidapb.Event_SequenceStarted{SequenceStarted: &aidapb.SequenceStarted{
			Sequence: &aidapb.Sequence{Type: typ, Steps: int32(len(spec.Steps)), Status: SequenceActive,
				StartedAt: timestamppb.New(now), NextAt: timestamppb.New(now), StopReason: ""}}}},
		stepReminder(typ, 1, now, why))
	return events, nil
}

func stepReminder(typ string, step int, due time.Time, why string) *aidapb.Event {
	if why == "" {
		why = "step " + strconv.Itoa(step) + " of the " + typ + " sequence is due"
	}
	return &aidapb.Event{Type: "crm.lead.reminder_set", Data: &aidapb.Event_ReminderSet{ReminderSet: &aidapb.ReminderSet{
		Name: SequenceReminder, DueAt: timestamppb.New(due), Reason: why}}}
}

func advanceSequence(s *aidapb.Lead, c *aidapb.AdvanceSequence, actor string) ([]*aidapb.Event, error) {
	seq := s.GetSequence()
	if !Active(s) || seq.GetId() != c.GetSequenceId() || c.GetStep() != seq.GetStep()+1 {
		return nil, nil // a late or repeated delivery: the sequence moved on
	}
	if record.PendingToken(s.GetReminders(), SequenceReminder) != "" {
		return nil, fault.New(fault.Transition, "step %d of the %s sequence is not due yet", c.GetStep(), seq.GetType())
	}
	spec, ok := SequenceOf(seq.GetType())
	if !ok || int(c.GetStep()) > len(spec.Steps) {
		return nil, fault.New(fault.Transition, "the %s sequence has no step %d", seq.GetType(), c.GetStep())
	}
	d := c.GetDraft()
	draft, err := Traits(s).Entity().DraftMessage(&aidapb.Draft{Kind: d.GetChannel(), To: d.GetTo(), Subject: d.GetSubject(),
		Body: d.GetBody(), Reason: d.GetReason(), Key: "sequence." + seq.GetId() + "." + strconv.Itoa(int(c.GetStep())),
		Sequence: seq.GetId(), Step: c.GetStep()}, actor)
	if err != nil {
		return nil, err
	}
	step := int(c.GetStep())
	advanced := &aidapb.SequenceAdvanced{SequenceId: seq.GetId(), Step: c.GetStep()}
	events := []*aidapb.Event{draft, {Type: TypeSequenceAdvanced, Data: &aidapb.Event_SequenceAdvanced{SequenceAdvanced: advanced}}}
	if step == len(spec.Steps) {
		return append(events, &aidapb.Event{Type: TypeSequenceCompleted, Data: &aidapb.Event_SequenceCompleted{
			SequenceCompleted: &aidapb.SequenceCompleted{SequenceId: seq.GetId()}}}), nil
	}
	next := seq.GetStartedAt().AsTime().Add(spec.Steps[step].Delay)
	advanced.NextAt = timestamppb.New(next)
	return append(events, stepReminder(seq.GetType(), step+1, next, "")), nil
}

// stopSequence returns the events that stop s's active sequence for why: nothing when none runs.
func stopSequence(s *aidapb.Lead, why string) []*aidapb.Event {
	if !Active(s) {
		return nil
	}
	events := []*aidapb.Event{stopEvent(s.GetSequence().GetId(), why)}
	if record.PendingToken(s.GetReminders(), SequenceReminder) != "" {
		events = append(events, &aidapb.Event{Type: "crm.lead.reminder_cancelled", Data: &aidapb.Event_ReminderCancelled{
			ReminderCancelled: &aidapb.ReminderCancelled{Name: SequenceReminder, Reason: why}}})
	}
	return events
}

func stopEvent(id, why string) *aidapb.Event {
	return &aidapb.Event{Type: TypeSequenceStopped, Data: &aidapb.Event_SequenceStopped{
		SequenceStopped: &aidapb.SequenceStopped{SequenceId: id, Reason: why}}}
}

// applySequence folds the sequence events into s; the started sequence takes the event's ID.
func applySequence(s *aidapb.Lead, e *aidapb.Event) {
	switch d := e.GetData().(type) {
	case *aidapb.Event_SequenceStarted:
		var done []string
		if old := s.GetSequence(); old != nil {
			done = old.GetDone()
		}
		seq := proto.Clone(d.SequenceStarted.GetSequence()).(*aidapb.Sequence)
		seq.Id = e.GetId()
		seq.Done = done
		s.Sequence = seq
	case *aidapb.Event_SequenceAdvanced:
		if seq := s.GetSequence(); seq != nil && seq.GetId() == d.SequenceAdvanced.GetSequenceId() {
			seq.Step = d.SequenceAdvanced.GetStep()
			seq.NextAt = d.SequenceAdvanced.GetNextAt()
			if seq.NextAt != nil {
				seq.NextAt = proto.Clone(seq.NextAt).(*timestamppb.Timestamp)
			}
		}
	case *aidapb.Event_SequenceStopped:
		if seq := s.GetSequence(); seq != nil && seq.GetId() == d.SequenceStopped.GetSequenceId() {
			seq.Status, seq.StopReason, seq.NextAt = SequenceStopped, d.SequenceStopped.GetReason(), nil
			seq.Done = appendOnce(seq.Done, seq.GetType())
		}
	case *aidapb.Event_SequenceCompleted:
		if seq := s.GetSequence(); seq != nil && seq.GetId() == d.SequenceCompleted.GetSequenceId() {
			seq.Status, seq.NextAt = SequenceCompleted, nil
			seq.Done = appendOnce(seq.Done, seq.GetType())
		}
	}
}

func appendOnce(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
