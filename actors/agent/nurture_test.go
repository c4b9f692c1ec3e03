package agent

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func TestNurtureEnrollsCapturedLead(t *testing.T) {
	f := &fakeEntities{}
	a := byName("nurture", f, testConfig())
	m := message(t, lead.TypeCaptured, "lead/l1", &aidapb.LeadCaptured{Lead: &aidapb.Lead{Id: "l1", Email: "a@b.co"}})
	if err := a.Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.summary(t), lines("lead/l1 start_sequence"))
	c := f.only(t, "start_sequence")
	if c.cmd.GetActor() != "agent:nurture" {
		t.Errorf("actor = %q, want agent:nurture", c.cmd.GetActor())
	}
	if s := c.cmd.GetStartSequence(); s.GetType() != lead.SequenceWelcome || s.GetReason() == "" {
		t.Errorf("start_sequence = %v, want the welcome sequence with a reason", s)
	}
}

func TestNurtureStatusChanged(t *testing.T) {
	tests := []struct {
		to   string
		want []string
	}{
		{lead.StatusQualified, lines("lead/l1 start_sequence")},
		{lead.StatusContacted, nil},
		{lead.StatusUnqualified, nil},
		{lead.StatusConverted, nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			f := &fakeEntities{}
			a := byName("nurture", f, testConfig())
			m := message(t, lead.TypeStatusChanged, "lead/l1", &aidapb.LeadStatusChanged{From: lead.StatusNew, To: tt.to, Reason: "r"})
			if err := a.Handle(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.summary(t), tt.want)
			if tt.want == nil {
				return
			}
			c := f.only(t, "start_sequence")
			if c.cmd.GetStartSequence().GetType() != lead.SequenceNurture || c.cmd.GetActor() != "agent:nurture" {
				t.Errorf("command = %v, want start_sequence nurture by agent:nurture", c.cmd)
			}
		})
	}
}

// leadIn returns a lead with an active sequence of typ at step (of steps).
func leadIn(typ string, step, steps int32) *aidapb.Lead {
	return &aidapb.Lead{Id: "l1", Email: "ada@acme.test", FirstName: "Ada", Company: "Acme", Status: lead.StatusNew,
		Sequence: &aidapb.Sequence{Id: "seq-1", Type: typ, Step: step, Steps: steps, Status: lead.SequenceActive,
			StartedAt: ts(now)}}
}

func leadReply(l *aidapb.Lead) func(kind, id string) (*aidapb.Reply, error) {
	return func(kind, id string) (*aidapb.Reply, error) {
		if kind != lead.Kind || id != "l1" {
			return nil, fault.New(fault.NotFound, "%s/%s", kind, id)
		}
		return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: l}}, nil
	}
}

func TestNurtureDraftsNextStep(t *testing.T) {
	f := &fakeEntities{get: leadReply(leadIn(lead.SequenceWelcome, 1, 4))}
	a := byName("nurture", f, testConfig())
	m := message(t, "crm.lead.reminder_fired", "lead/l1", reminderFired(lead.SequenceReminder, now))
	if err := a.Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.summary(t), lines("lead/l1 get", "lead/l1 advance_sequence"))
	c := f.only(t, "advance_sequence")
	if c.cmd.GetActor() != "agent:nurture" {
		t.Errorf("actor = %q", c.cmd.GetActor())
	}
	adv := c.cmd.GetAdvanceSequence()
	if adv.GetSequenceId() != "seq-1" || adv.GetStep() != 2 {
		t.Errorf("advance = sequence %q step %d, want seq-1 step 2", adv.GetSequenceId(), adv.GetStep())
	}
	d := adv.GetDraft()
	if d.GetChannel() != record.DraftEmail {
		t.Errorf("channel = %q, want email", d.GetChannel())
	}
	if d.GetSubject() != "Our Value - AIDA-CRM" {
		t.Errorf("subject = %q, want %q", d.GetSubject(), "Our Value - AIDA-CRM")
	}
	if !strings.HasPrefix(d.GetBody(), "Hi Ada,\n\n") || !strings.Contains(d.GetBody(), "Teams like yours at Acme use AIDA") {
		t.Errorf("body = %q, want it addressed to Ada and naming Acme", d.GetBody())
	}
	if d.GetReason() != "step 2 of 4 of the welcome sequence" {
		t.Errorf("reason = %q", d.GetReason())
	}
}

func TestNurtureDraftFirstNameFallback(t *testing.T) {
	for _, first := range []string{"", "   "} {
		l := leadIn(lead.SequenceNurture, 0, 4)
		l.FirstName, l.Company = first, ""
		f := &fakeEntities{get: leadReply(l)}
		if err := byName("nurture", f, testConfig()).Handle(context.Background(),
			message(t, "crm.lead.reminder_fired", "lead/l1", reminderFired(lead.SequenceReminder, now))); err != nil {
			t.Fatal(err)
		}
		d := f.only(t, "advance_sequence").cmd.GetAdvanceSequence()
		if d.GetStep() != 1 || d.GetDraft().GetSubject() != "Industry Insights - AIDA-CRM" {
			t.Errorf("step %d subject %q, want step 1 Industry Insights", d.GetStep(), d.GetDraft().GetSubject())
		}
		if body := d.GetDraft().GetBody(); !strings.HasPrefix(body, "Hi there,\n\n") || !strings.Contains(body, "for the team.") {
			t.Errorf("first name %q: body = %q, want 'Hi there,' and no company", first, body)
		}
	}
}

func TestNurtureDraftsNothing(t *testing.T) {
	stopped := leadIn(lead.SequenceWelcome, 1, 4)
	stopped.Sequence.Status = lead.SequenceStopped
	completed := leadIn(lead.SequenceWelcome, 4, 4)
	completed.Sequence.Status = lead.SequenceCompleted
	unknown := leadIn("cold_call", 0, 4)
	tooFar := leadIn(lead.SequenceWelcome, 4, 9) // steps says 9, the catalogue has 4
	noSequence := &aidapb.Lead{Id: "l1"}
	tests := []struct {
		name string
		lead *aidapb.Lead
	}{
		{"stopped", stopped},
		{"completed", completed},
		{"last step done", leadIn(lead.SequenceWelcome, 4, 4)},
		{"past the steps", leadIn(lead.SequenceWelcome, 5, 4)},
		{"unknown sequence", unknown},
		{"past the catalogue", tooFar},
		{"no sequence", noSequence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEntities{get: leadReply(tt.lead)}
			err := byName("nurture", f, testConfig()).Handle(context.Background(),
				message(t, "crm.lead.reminder_fired", "lead/l1", reminderFired(lead.SequenceReminder, now)))
			if err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.summary(t), lines("lead/l1 get"))
		})
	}
}

func TestNurtureIgnoresOtherReminders(t *testing.T) {
	for _, name := range []string{"", "follow_up", "pipeline", "sequence.1"} {
		f := &fakeEntities{get: leadReply(leadIn(lead.SequenceWelcome, 0, 4))}
		err := byName("nurture", f, testConfig()).Handle(context.Background(),
			message(t, "crm.lead.reminder_fired", "lead/l1", reminderFired(name, now)))
		if err != nil {
			t.Fatal(err)
		}
		equalLines(t, f.summary(t), nil)
	}
}

func TestNurtureDraftGetFails(t *testing.T) {
	down := fault.New(fault.Unavailable, "down")
	f := &fakeEntities{get: func(kind, id string) (*aidapb.Reply, error) { return nil, down }}
	m := message(t, "crm.lead.reminder_fired", "lead/l1", reminderFired(lead.SequenceReminder, now))
	if err := byName("nurture", f, testConfig()).Handle(context.Background(), m); !errors.Is(err, down) {
		t.Fatalf("Handle = %v, want %v (retry)", err, down)
	}
	f = &fakeEntities{} // get: NotFound
	if err := byName("nurture", f, testConfig()).Handle(context.Background(), m); err != nil {
		t.Fatalf("Handle for a lead that is gone = %v, want nil", err)
	}
	equalLines(t, f.summary(t), lines("lead/l1 get"))
}

func TestComposeEveryStep(t *testing.T) {
	seen := map[string]bool{}
	for _, spec := range lead.Sequences() {
		for i, s := range spec.Steps {
			step := i + 1
			line, ok := stepLines()[s.Type]
			if !ok {
				t.Errorf("%s step %d: step type %q has no line of its own", spec.Type, step, s.Type)
			}
			for _, company := range []string{"Acme", "  Acme  ", "", "   "} {
				l := &aidapb.Lead{FirstName: " Ada ", Company: company}
				subject, body := Compose(l, spec, step)
				if subject != s.Title+" - AIDA-CRM" {
					t.Errorf("%s step %d: subject = %q", spec.Type, step, subject)
				}
				if !strings.HasPrefix(body, "Hi Ada,\n\n") || !strings.HasSuffix(body, "\n\nBest regards,\nThe AIDA team") {
					t.Errorf("%s step %d: body = %q, want greeting and signature", spec.Type, step, body)
				}
				if strings.ContainsAny(body, "{}") {
					t.Errorf("%s step %d: body = %q has a placeholder left", spec.Type, step, body)
				}
				named := strings.Contains(body, " at Acme")
				if strings.TrimSpace(company) != "" && named != strings.Contains(line, "{at}") {
					t.Errorf("%s step %d company %q: body = %q, names the company: %v", spec.Type, step, company, body, named)
				}
				if strings.TrimSpace(company) == "" && strings.Contains(body, " at ") {
					t.Errorf("%s step %d without company: body = %q", spec.Type, step, body)
				}
				if strings.Contains(body, "  ") {
					t.Errorf("%s step %d: body = %q, the company is not trimmed", spec.Type, step, body)
				}
			}
			_, body := Compose(&aidapb.Lead{}, spec, step)
			if seen[body] {
				t.Errorf("%s step %d: the same body as another step: %q", spec.Type, step, body)
			}
			seen[body] = true
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d distinct bodies, want 12 (3 sequences of 4 steps)", len(seen))
	}
}
