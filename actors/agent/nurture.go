package agent

import (
	"context"
	"fmt"
	"strings"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// nurture handles the events of the nurture agent: a captured lead enters the welcome sequence,
// a qualified lead the nurture sequence, and each step falls due on the lead's sequence
// reminder, when the agent drafts the step's message (an offline template until the AI issue
// brings an LLM).
func (a *Agent) nurture(ctx context.Context, ev Event) error {
	switch ev.Type {
	case lead.TypeCaptured:
		return a.enroll(ctx, ev.ID, lead.SequenceWelcome, "a new lead was captured")
	case lead.TypeStatusChanged:
		var d aidapb.LeadStatusChanged
		if err := ev.payload(&d); err != nil {
			return err
		}
		if d.GetTo() != lead.StatusQualified {
			return nil
		}
		return a.enroll(ctx, ev.ID, lead.SequenceNurture, "the lead was qualified")
	case "crm.lead.reminder_fired":
		var d aidapb.ReminderFired
		if err := ev.payload(&d); err != nil {
			return err
		}
		if d.GetName() != lead.SequenceReminder {
			return nil
		}
		return a.draftStep(ctx, ev.ID)
	}
	return nil
}

func (a *Agent) enroll(ctx context.Context, id, typ, why string) error {
	_, err := a.send(ctx, lead.Kind, id, &aidapb.Command{Body: &aidapb.Command_StartSequence{
		StartSequence: &aidapb.StartSequence{Type: typ, Reason: why}}})
	return err
}

// draftStep drafts the next step of the lead's active sequence. The lead ignores a step that is
// not the next one, so a redelivered reminder event drafts nothing twice.
func (a *Agent) draftStep(ctx context.Context, id string) error {
	r, err := a.get(ctx, lead.Kind, id)
	if err != nil {
		return err
	}
	l := r.GetLead()
	seq := l.GetSequence()
	if !lead.Active(l) || seq.GetStep() >= seq.GetSteps() {
		return nil
	}
	step := int(seq.GetStep()) + 1
	spec, ok := lead.SequenceOf(seq.GetType())
	if !ok || step > len(spec.Steps) {
		return nil
	}
	subject, body := Compose(l, spec, step)
	_, err = a.send(ctx, lead.Kind, id, &aidapb.Command{Body: &aidapb.Command_AdvanceSequence{AdvanceSequence: &aidapb.AdvanceSequence{
		SequenceId: seq.GetId(), Step: int32(step),
		Draft: &aidapb.DraftMessage{Channel: record.DraftEmail, Subject: subject, Body: body,
			Reason: fmt.Sprintf("step %d of %d of the %s sequence", step, len(spec.Steps), spec.Type)},
	}}})
	return err
}

// Compose writes the offline message of step (from 1) of sequence spec for lead l: the subject
// is "<title> - AIDA-CRM" (the reference's fallback) and the body a short template for the
// step's type, addressed by first name and naming the company when known.
func Compose(l *aidapb.Lead, spec lead.SequenceSpec, step int) (subject, body string) {
	s := spec.Steps[step-1]
	name := strings.TrimSpace(l.GetFirstName())
	if name == "" {
		name = "there"
	}
	company := strings.TrimSpace(l.GetCompany())
	at := ""
	if company != "" {
		at = " at " + company
	}
	line, ok := stepLines()[s.Type]
	if !ok {
		line = stepLines()["welcome"]
	}
	body = fmt.Sprintf("Hi %s,\n\n%s\n\nBest regards,\nThe AIDA team", name, strings.ReplaceAll(line, "{at}", at))
	return s.Title + " - AIDA-CRM", body
}

// stepLines holds one paragraph per step type of the catalogue; {at} becomes " at <company>".
func stepLines() map[string]string {
	return map[string]string{
		"welcome":           "Thank you for your interest in AIDA. We help sales teams{at} work their pipeline with agents they can trust, and we are glad you are here.",
		"value_proposition": "Teams like yours{at} use AIDA to qualify every lead within seconds and to follow up on time, every time, without adding headcount.",
		"social_proof":      "Customers tell us the biggest win is focus: their people spend the day on conversations, while agents keep the records and the follow-ups in order.",
		"call_to_action":    "Would a 20-minute call this week help? Reply with a time that suits you and we will set it up.",
		"educational":       "We put together a short guide on how leading sales teams measure pipeline health. It might be useful for the team{at}.",
		"case_study":        "Here is how a team similar to yours cut its response time to new leads from days to minutes, and what it changed in their win rate.",
		"demo_offer":        "Would you like to see AIDA working on a pipeline like yours{at}? A live demo takes 30 minutes.",
		"consultation":      "We offer a free consultation to map your sales process and where automation would help most. Just reply to book it.",
		"check_in":          "It has been a while, so we wanted to check in: is improving your sales pipeline still a priority{at}?",
		"new_features":      "A lot has changed since we last spoke: AIDA now drafts follow-ups, flags stale deals and plans customer onboarding on its own.",
		"special_offer":     "As a thank-you for your interest, we can extend a trial to 60 days for your team{at}. Reply and we will set it up.",
		"final_touch":       "This is our last note for now. If the timing is not right, no problem: reply any time and we will pick it up from there.",
	}
}
