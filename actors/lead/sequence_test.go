package lead

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// shellRun is run with what the shell also does to reminders: a ReminderSet takes its event's
// ID as its token, so the lead knows the reminder is pending.
func shellRun(s *aidapb.Lead, cmd *aidapb.Command, now time.Time) (*aidapb.Lead, []*aidapb.Event, error) {
	events, err := shellDecide(s, cmd, now)
	if err != nil {
		return s, nil, err
	}
	actor := cmd.GetActor()
	if actor == "" {
		actor = "api"
	}
	for _, e := range events {
		v := s.GetVersion() + 1
		e.Id, e.Actor, e.Time, e.Version = fmt.Sprintf("ev-%d", v), actor, timestamppb.New(now), v
		if rs := e.GetReminderSet(); rs != nil {
			rs.Token = e.Id
		}
		s = fold(s, e)
	}
	return s, events, nil
}

func mustShell(t *testing.T, s *aidapb.Lead, cmd *aidapb.Command, now time.Time) (*aidapb.Lead, []*aidapb.Event) {
	t.Helper()
	s, events, err := shellRun(s, cmd, now)
	if err != nil {
		t.Fatalf("%s: %v", record.CommandName(cmd), err)
	}
	return s, events
}

// fire applies what the shell journals when the pending reminder name fires at now.
func fire(t *testing.T, s *aidapb.Lead, name string, now time.Time) *aidapb.Lead {
	t.Helper()
	token := record.PendingToken(s.GetReminders(), name)
	if token == "" {
		t.Fatalf("no pending reminder %q: %v", name, s.GetReminders())
	}
	v := s.GetVersion() + 1
	return fold(s, &aidapb.Event{Id: fmt.Sprintf("ev-%d", v), Type: "crm.lead.reminder_fired", Actor: "reminder:" + name,
		Time: timestamppb.New(now), Version: v,
		Data: &aidapb.Event_ReminderFired{ReminderFired: &aidapb.ReminderFired{Name: name, Token: token}}})
}

// pendingDue returns when the pending reminder name falls due, failing when there is none.
func pendingDue(t *testing.T, s *aidapb.Lead, name string) time.Time {
	t.Helper()
	for _, r := range s.GetReminders() {
		if r.GetName() == name && r.GetToken() != "" {
			return r.GetDueAt().AsTime()
		}
	}
	t.Fatalf("no pending reminder %q: %v", name, s.GetReminders())
	return time.Time{}
}

func startCmd(actor, typ string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_StartSequence{StartSequence: &aidapb.StartSequence{Type: typ}}}
}

func advanceCmd(id string, step int32) *aidapb.Command {
	return &aidapb.Command{Actor: "agent:nurture", Body: &aidapb.Command_AdvanceSequence{AdvanceSequence: &aidapb.AdvanceSequence{
		SequenceId: id, Step: step, Draft: &aidapb.DraftMessage{Channel: "email", Subject: fmt.Sprintf("Step %d", step), Body: "Hello Ada"}}}}
}

func stopCmd(reason string) *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_StopSequence{StopSequence: &aidapb.StopSequence{Reason: reason}}}
}

func signalCmd(id, typ string) *aidapb.Command {
	return &aidapb.Command{Actor: "api", Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: id, Type: typ}}}
}

// newLead is Ada, captured at morning: new, at L3, owned by user:7.
func newLead(t *testing.T) *aidapb.Lead {
	t.Helper()
	s, _ := mustShell(t, nil, captureCmd(adaCapture()), morning)
	return s
}

// enrolled is Ada in an active welcome sequence started by the nurture agent at morning, after
// the status moves in via, with its first step's reminder pending.
func enrolled(t *testing.T, via ...string) *aidapb.Lead {
	t.Helper()
	s := newLead(t)
	for _, to := range via {
		s, _ = mustShell(t, s, statusCmd(to), morning)
	}
	s, _ = mustShell(t, s, startCmd("agent:nurture", SequenceWelcome), morning)
	return s
}

func TestSequencesCatalogue(t *testing.T) {
	want := map[string][]time.Duration{
		SequenceWelcome:      {0, 24 * time.Hour, 72 * time.Hour, 168 * time.Hour},
		SequenceNurture:      {0, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour},
		SequenceReEngagement: {0, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 10 * 24 * time.Hour},
	}
	var types []string
	for _, spec := range Sequences() {
		types = append(types, spec.Type)
		var delays []time.Duration
		for _, st := range spec.Steps {
			delays = append(delays, st.Delay)
			if st.Title == "" || st.Type == "" {
				t.Errorf("%s: a step without a title or type: %+v", spec.Type, st)
			}
		}
		if !slices.Equal(delays, want[spec.Type]) {
			t.Errorf("%s: delays %v, want %v", spec.Type, delays, want[spec.Type])
		}
		if len(spec.Audience) == 0 {
			t.Errorf("%s has no audience", spec.Type)
		}
		got, ok := SequenceOf(spec.Type)
		if !ok || got.Type != spec.Type || len(got.Steps) != len(spec.Steps) {
			t.Errorf("SequenceOf(%s) = %+v, %v", spec.Type, got, ok)
		}
	}
	if !slices.Equal(types, []string{SequenceWelcome, SequenceNurture, SequenceReEngagement}) {
		t.Errorf("types %v", types)
	}
	if _, ok := SequenceOf("drip"); ok {
		t.Error("SequenceOf(drip) found a sequence")
	}
	// The catalogue is a fresh value each time: no caller can change it for the others.
	Sequences()[0].Steps[0].Delay = time.Hour
	if Sequences()[0].Steps[0].Delay != 0 {
		t.Error("changing a returned catalogue changed the catalogue")
	}
}

// TestWelcomeSequence drives a whole welcome sequence the way the nurture agent and the shell
// do: each step's reminder falls due at the catalogue's delay from the start, fires, and the
// agent drafts the step.
func TestWelcomeSequence(t *testing.T) {
	t0 := morning
	s := newLead(t)
	s, events := mustShell(t, s, startCmd("agent:nurture", " Welcome "), t0)
	if got, want := types(events), []string{TypeSequenceStarted, "crm.lead.reminder_set"}; !slices.Equal(got, want) {
		t.Fatalf("start: events %v, want %v", got, want)
	}
	id := events[0].GetId()
	want := &aidapb.Sequence{Id: id, Type: SequenceWelcome, Steps: 4, Status: SequenceActive,
		StartedAt: timestamppb.New(t0), NextAt: timestamppb.New(t0)}
	if !proto.Equal(s.GetSequence(), want) {
		t.Fatalf("sequence %v, want %v", s.GetSequence(), want)
	}
	if rs := events[1].GetReminderSet(); rs.GetName() != SequenceReminder || rs.GetReason() != "enrolled in the welcome sequence" {
		t.Errorf("reminder %v", rs)
	}
	if !Active(s) {
		t.Error("Active = false for a started sequence")
	}

	spec, _ := SequenceOf(SequenceWelcome)
	for step := int32(1); step <= 4; step++ {
		due := t0.Add(spec.Steps[step-1].Delay)
		if got := pendingDue(t, s, SequenceReminder); !got.Equal(due) {
			t.Fatalf("step %d falls due at %v, want %v", step, got, due)
		}
		// The agent is early: the step is not due until its reminder fired.
		if _, err := Decide(s, advanceCmd(id, step), due); fault.CodeOf(err) != fault.Transition {
			t.Fatalf("step %d before its reminder fired: %v, want Transition", step, err)
		}
		s = fire(t, s, SequenceReminder, due)
		for _, noop := range []*aidapb.Command{advanceCmd(id, step+1), advanceCmd(id, step-1), advanceCmd("other", step)} {
			if events, err := Decide(s, noop, due); err != nil || len(events) != 0 {
				t.Errorf("step %d: %v: events %v, error %v; want nothing", step, noop.GetAdvanceSequence(), types(events), err)
			}
		}
		s, events = mustShell(t, s, advanceCmd(id, step), due)
		seq := s.GetSequence()
		if step < 4 {
			next := t0.Add(spec.Steps[step].Delay)
			if got, want := types(events), []string{"crm.lead.draft_created", TypeSequenceAdvanced, "crm.lead.reminder_set"}; !slices.Equal(got, want) {
				t.Fatalf("step %d: events %v, want %v", step, got, want)
			}
			if !events[1].GetSequenceAdvanced().GetNextAt().AsTime().Equal(next) || !seq.GetNextAt().AsTime().Equal(next) {
				t.Errorf("step %d: next at %v (event %v), want %v", step, seq.GetNextAt().AsTime(), events[1].GetSequenceAdvanced().GetNextAt(), next)
			}
			if got := pendingDue(t, s, SequenceReminder); !got.Equal(next) {
				t.Errorf("step %d: reminder due %v, want %v", step, got, next)
			}
			if seq.GetStatus() != SequenceActive {
				t.Errorf("step %d: status %s", step, seq.GetStatus())
			}
		} else {
			if got, want := types(events), []string{"crm.lead.draft_created", TypeSequenceAdvanced, TypeSequenceCompleted}; !slices.Equal(got, want) {
				t.Fatalf("last step: events %v, want %v", got, want)
			}
			if seq.GetStatus() != SequenceCompleted || seq.GetNextAt() != nil || !slices.Equal(seq.GetDone(), []string{SequenceWelcome}) {
				t.Errorf("after the last step: %v", seq)
			}
			if token := record.PendingToken(s.GetReminders(), SequenceReminder); token != "" || Active(s) {
				t.Errorf("after the last step: reminder %q pending, active %v", token, Active(s))
			}
		}
		if seq.GetStep() != step {
			t.Errorf("step %d: sequence at step %d", step, seq.GetStep())
		}
		drafts := s.GetWork().GetDrafts()
		d := drafts[len(drafts)-1]
		wantDraft := &aidapb.Draft{Id: events[0].GetId(), Kind: record.DraftEmail, Status: record.DraftWait,
			To: "ada@analytical-engines.co.uk", Subject: fmt.Sprintf("Step %d", step), Body: "Hello Ada",
			Key: fmt.Sprintf("sequence.%s.%d", id, step), Sequence: id, Step: step, CreatedBy: "agent:nurture",
			CreatedAt: timestamppb.New(due)}
		if len(drafts) != int(step) || !proto.Equal(d, wantDraft) {
			t.Errorf("step %d: %d drafts, last %v; want %v", step, len(drafts), d, wantDraft)
		}
		// A redelivery of the same step changes nothing.
		if events, err := Decide(s, advanceCmd(id, step), due); err != nil || len(events) != 0 {
			t.Errorf("step %d again: events %v, error %v; want nothing", step, types(events), err)
		}
	}
	if events, err := Decide(s, advanceCmd(id, 5), t0.Add(30*24*time.Hour)); err != nil || len(events) != 0 {
		t.Errorf("a fifth step: events %v, error %v; want nothing", types(events), err)
	}
}

func TestStartSequence(t *testing.T) {
	later := morning.Add(time.Hour)
	completed := func(t *testing.T) *aidapb.Lead {
		t.Helper()
		s := enrolled(t)
		id := s.GetSequence().GetId()
		for step := int32(1); step <= 4; step++ {
			s = fire(t, s, SequenceReminder, morning)
			s, _ = mustShell(t, s, advanceCmd(id, step), morning)
		}
		if s.GetSequence().GetStatus() != SequenceCompleted {
			t.Fatalf("sequence %v, want completed", s.GetSequence())
		}
		return s
	}
	welcome := func(t *testing.T) *aidapb.Lead { return enrolled(t) }
	stopped := func(t *testing.T) *aidapb.Lead {
		t.Helper()
		s, _ := mustShell(t, enrolled(t), stopCmd(""), morning)
		return s
	}
	tests := []struct {
		name  string
		lead  func(t *testing.T) *aidapb.Lead
		cmd   *aidapb.Command
		want  []string   // event types
		code  fault.Code // or this error
		field string     // naming this field
		done  []string   // sequence types the lead ran, after the command
	}{
		{name: "unknown type", lead: newLead, cmd: startCmd("user:7", "drip"), code: fault.Invalid, field: "type"},
		{name: "reason too long", lead: newLead, cmd: &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_StartSequence{
			StartSequence: &aidapb.StartSequence{Type: "nurture", Reason: strings.Repeat("r", record.MaxReason+1)}}},
			code: fault.Invalid, field: "reason"},
		{name: "the same type again", lead: welcome, cmd: startCmd("user:7", "welcome")},
		{name: "another type replaces it", lead: welcome, cmd: startCmd("agent:nurture", "nurture"),
			want: []string{TypeSequenceStopped, TypeSequenceStarted, "crm.lead.reminder_set"}, done: []string{SequenceWelcome}},
		{name: "an agent after the type completed", lead: completed, cmd: startCmd("agent:nurture", "welcome"), done: []string{SequenceWelcome}},
		{name: "an agent after the type was stopped", lead: stopped, cmd: startCmd("agent:nurture", "welcome"), done: []string{SequenceWelcome}},
		{name: "a person after the type completed", lead: completed, cmd: startCmd("user:7", "welcome"),
			want: []string{TypeSequenceStarted, "crm.lead.reminder_set"}, done: []string{SequenceWelcome}},
		{name: "an agent, another type after one completed", lead: completed, cmd: startCmd("agent:nurture", "re_engagement"),
			want: []string{TypeSequenceStarted, "crm.lead.reminder_set"}, done: []string{SequenceWelcome}},
		{name: "an archived lead", lead: func(t *testing.T) *aidapb.Lead {
			s, _ := mustShell(t, newLead(t), archiveCmd(), morning)
			return s
		}, cmd: startCmd("user:7", "welcome"), code: fault.Transition},
		{name: "an unqualified lead", lead: func(t *testing.T) *aidapb.Lead {
			s, _ := mustShell(t, newLead(t), statusCmd(StatusUnqualified), morning)
			return s
		}, cmd: startCmd("user:7", "welcome"), code: fault.Transition},
		{name: "a converted lead", lead: func(t *testing.T) *aidapb.Lead {
			s, _ := mustShell(t, newLead(t), statusCmd(StatusQualified), morning)
			s, _ = mustShell(t, s, convertCmd("deal-1"), morning)
			return s
		}, cmd: startCmd("user:7", "welcome"), code: fault.Transition},
		{name: "a lead that opted out", lead: func(t *testing.T) *aidapb.Lead {
			s, _ := mustShell(t, newLead(t), signalCmd("m-1", record.SignalSMSOptedOut), morning)
			return s
		}, cmd: startCmd("user:7", "welcome"), code: fault.Transition},
		{name: "a contacted lead", lead: func(t *testing.T) *aidapb.Lead {
			s, _ := mustShell(t, newLead(t), statusCmd(StatusContacted), morning)
			return s
		}, cmd: startCmd("agent:nurture", "nurture"), want: []string{TypeSequenceStarted, "crm.lead.reminder_set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.lead(t)
			before := proto.Clone(s)
			next, events, err := shellRun(s, tt.cmd, later)
			if tt.code != 0 {
				if fault.CodeOf(err) != tt.code {
					t.Fatalf("error %v, want %v", err, tt.code)
				}
				if tt.field != "" && !slices.Equal(fieldNames(err), []string{tt.field}) {
					t.Errorf("fields %v, want %s", fieldNames(err), tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := types(events); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			if len(events) == 0 {
				if !proto.Equal(next, before) {
					t.Errorf("no events, yet the lead changed")
				}
				return
			}
			seq := next.GetSequence()
			typ := strings.TrimSpace(tt.cmd.GetStartSequence().GetType())
			if seq.GetType() != typ || seq.GetStatus() != SequenceActive || seq.GetStep() != 0 || seq.GetId() != events[len(events)-2].GetId() ||
				!seq.GetStartedAt().AsTime().Equal(later) || !slices.Equal(seq.GetDone(), tt.done) {
				t.Errorf("sequence %v, want a fresh active %s, done %v", seq, typ, tt.done)
			}
			if len(next.GetReminders()) != 1 || !pendingDue(t, next, SequenceReminder).Equal(later) {
				t.Errorf("reminders %v, want one sequence reminder due %v", next.GetReminders(), later)
			}
			if stop := events[0].GetSequenceStopped(); stop != nil &&
				(stop.GetSequenceId() != before.(*aidapb.Lead).GetSequence().GetId() || stop.GetReason() != "replaced by the "+typ+" sequence") {
				t.Errorf("stop %v", stop)
			}
		})
	}
}

// TestSequenceRunsAgain: a person may run a sequence type again; the lead remembers the type
// once.
func TestSequenceRunsAgain(t *testing.T) {
	s, _ := mustShell(t, enrolled(t), stopCmd(""), morning)
	s, _ = mustShell(t, s, startCmd("user:7", SequenceWelcome), morning)
	s, events := mustShell(t, s, stopCmd("again"), morning)
	if got := types(events); !slices.Equal(got, []string{TypeSequenceStopped, "crm.lead.reminder_cancelled"}) {
		t.Fatalf("events %v", got)
	}
	if seq := s.GetSequence(); seq.GetStatus() != SequenceStopped || !slices.Equal(seq.GetDone(), []string{SequenceWelcome}) {
		t.Errorf("sequence %v, want stopped, done [welcome]", seq)
	}
}

// TestSequenceStops: a reply, a bounce, an opt-out, and a status that ends the lead's run stop
// the sequence and cancel its reminder; a reply also moves a new lead to contacted.
func TestSequenceStops(t *testing.T) {
	stopped := []string{TypeSequenceStopped, "crm.lead.reminder_cancelled"}
	tests := []struct {
		name   string
		via    []string // status moves before the sequence starts
		fired  bool     // the step's reminder fired already
		cmd    *aidapb.Command
		want   []string
		reason string // "" for a sequence still active
		status string
	}{
		{name: "email reply", cmd: signalCmd("m-1", record.SignalEmailReplied),
			want:   append(append([]string{"crm.lead.email_replied"}, stopped...), TypeStatusChanged),
			reason: "the lead replied (email.replied)", status: StatusContacted},
		{name: "sms reply after the reminder fired", fired: true, cmd: signalCmd("m-1", record.SignalSMSReplied),
			want:   []string{"crm.lead.sms_replied", TypeSequenceStopped, TypeStatusChanged},
			reason: "the lead replied (sms.replied)", status: StatusContacted},
		{name: "reply from a qualified lead", via: []string{StatusQualified}, cmd: signalCmd("m-1", record.SignalEmailReplied),
			want: append([]string{"crm.lead.email_replied"}, stopped...), reason: "the lead replied (email.replied)", status: StatusQualified},
		{name: "bounce", cmd: signalCmd("m-1", record.SignalEmailBounced),
			want: append([]string{"crm.lead.email_bounced"}, stopped...), reason: "an email to the lead bounced", status: StatusNew},
		{name: "unsubscribe", cmd: signalCmd("m-1", record.SignalEmailUnsubscribed),
			want: append([]string{"crm.lead.email_unsubscribed"}, stopped...), reason: "the lead opted out (email.unsubscribed)", status: StatusNew},
		{name: "sms opt-out", cmd: signalCmd("m-1", record.SignalSMSOptedOut),
			want: append([]string{"crm.lead.sms_opted_out"}, stopped...), reason: "the lead opted out (sms.opted_out)", status: StatusNew},
		{name: "an open goes on", cmd: signalCmd("m-1", record.SignalEmailOpened), want: []string{"crm.lead.email_opened"}, status: StatusNew},
		{name: "a click goes on", cmd: signalCmd("m-1", record.SignalEmailClicked), want: []string{"crm.lead.email_clicked"}, status: StatusNew},
		{name: "archive", cmd: archiveCmd(), want: append([]string{TypeArchived}, stopped...), reason: "the lead is archived", status: StatusArchived},
		{name: "unqualified", cmd: statusCmd(StatusUnqualified), want: append([]string{TypeStatusChanged}, stopped...),
			reason: "the lead is unqualified", status: StatusUnqualified},
		{name: "convert", via: []string{StatusQualified}, cmd: convertCmd("deal-1"), want: append([]string{TypeConverted}, stopped...),
			reason: "the lead is converted", status: StatusConverted},
		{name: "contacted goes on", cmd: statusCmd(StatusContacted), want: []string{TypeStatusChanged}, status: StatusContacted},
		{name: "stop with a reason", cmd: stopCmd(" enough "), want: stopped, reason: "enough", status: StatusNew},
		{name: "stop without a reason", cmd: stopCmd(""), want: stopped, reason: "stopped by user:7", status: StatusNew},
		{name: "stop after the reminder fired", fired: true, cmd: stopCmd(""), want: []string{TypeSequenceStopped},
			reason: "stopped by user:7", status: StatusNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := enrolled(t, tt.via...)
			if tt.fired {
				s = fire(t, s, SequenceReminder, morning)
			}
			id := s.GetSequence().GetId()
			s, events := mustShell(t, s, tt.cmd, morning.Add(time.Hour))
			if got := types(events); !slices.Equal(got, tt.want) {
				t.Fatalf("events %v, want %v", got, tt.want)
			}
			if s.GetStatus() != tt.status {
				t.Errorf("status %s, want %s", s.GetStatus(), tt.status)
			}
			seq := s.GetSequence()
			if tt.reason == "" {
				if !Active(s) || record.PendingToken(s.GetReminders(), SequenceReminder) == "" {
					t.Errorf("sequence %v, reminders %v; want it active with its reminder", seq, s.GetReminders())
				}
				return
			}
			if seq.GetStatus() != SequenceStopped || seq.GetStopReason() != tt.reason || seq.GetNextAt() != nil ||
				!slices.Equal(seq.GetDone(), []string{SequenceWelcome}) {
				t.Errorf("sequence %v, want stopped for %q", seq, tt.reason)
			}
			if len(s.GetReminders()) != 0 {
				t.Errorf("reminders %v, want none", s.GetReminders())
			}
			// The agent's late step changes nothing.
			if events, err := Decide(s, advanceCmd(id, 1), morning.Add(2*time.Hour)); err != nil || len(events) != 0 {
				t.Errorf("advance a stopped sequence: events %v, error %v", types(events), err)
			}
		})
	}
}

func TestSignalsWithoutSequence(t *testing.T) {
	s := newLead(t)
	tests := []struct {
		cmd  *aidapb.Command
		want []string
	}{
		{stopCmd(""), nil},
		{signalCmd("m-1", record.SignalEmailReplied), []string{"crm.lead.email_replied", TypeStatusChanged}},
		{signalCmd("m-1", record.SignalEmailReplied), nil}, // redelivered
		{signalCmd("m-2", record.SignalSMSReplied), []string{"crm.lead.sms_replied"}},
		{signalCmd("m-3", record.SignalEmailBounced), []string{"crm.lead.email_bounced"}},
		{archiveCmd(), []string{TypeArchived}},
	}
	for i, tt := range tests {
		var events []*aidapb.Event
		s, events = mustShell(t, s, tt.cmd, morning.Add(time.Duration(i)*time.Minute))
		if got := types(events); !slices.Equal(got, tt.want) {
			t.Errorf("%d %s: events %v, want %v", i, record.CommandName(tt.cmd), got, tt.want)
		}
	}
	g := s.GetEngagement()
	if g.GetReplies() != 2 || g.GetBounces() != 1 || !g.GetEmailBounced() || len(g.GetSignalIds()) != 3 ||
		!g.GetLastReplyAt().AsTime().Equal(morning.Add(3*time.Minute)) {
		t.Errorf("engagement %v", g)
	}
	if ch := s.GetVersion(); ch == 0 || !s.GetUpdatedAt().AsTime().Equal(morning.Add(5*time.Minute)) {
		t.Errorf("version %d updated %v", ch, s.GetUpdatedAt().AsTime())
	}
	if _, err := shellDecide(s, &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{Type: "email.replied"}}}, morning); !slices.Equal(fieldNames(err), []string{"signal_id"}) {
		t.Errorf("signal without an id: %v", err)
	}
}

func TestAdvanceSequenceInvalid(t *testing.T) {
	s := fire(t, enrolled(t), SequenceReminder, morning)
	id := s.GetSequence().GetId()
	tests := []struct {
		name   string
		draft  *aidapb.DraftMessage
		fields []string
	}{
		{"no draft", nil, []string{"body", "channel"}},
		{"no channel", &aidapb.DraftMessage{Body: "hi"}, []string{"channel"}},
		{"no body", &aidapb.DraftMessage{Channel: "email"}, []string{"body"}},
		{"sms to a lead without a phone", &aidapb.DraftMessage{Channel: "sms", Body: "hi"}, []string{"to"}},
		{"subject too long", &aidapb.DraftMessage{Channel: "email", Body: "hi", Subject: strings.Repeat("s", record.MaxTitle+1)}, []string{"subject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := advanceCmd(id, 1)
			cmd.GetAdvanceSequence().Draft = tt.draft
			_, err := Decide(s, cmd, morning)
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("error %v, want Invalid", err)
			}
			if got := fieldNames(err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields %v, want %v", got, tt.fields)
			}
		})
	}
	// An sms step to a lead with a phone goes to that phone.
	s.Phone = "+44 20 7946 0958"
	cmd := advanceCmd(id, 1)
	cmd.GetAdvanceSequence().Draft = &aidapb.DraftMessage{Channel: "sms", Body: "hi"}
	events, err := Decide(s, cmd, morning)
	if err != nil || events[0].GetDraftCreated().GetDraft().GetTo() != s.Phone {
		t.Errorf("sms step: events %v, error %v", events, err)
	}
}

func TestLeadWork(t *testing.T) {
	add := &aidapb.Command{Actor: "agent:nurture", Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{Title: "Call Ada", Key: "k"}}}
	s := newLead(t)
	s, events := mustShell(t, s, add, morning)
	if got := types(events); !slices.Equal(got, []string{"crm.lead.task_added"}) {
		t.Fatalf("agent at L3: events %v", got)
	}
	if tasks := s.GetWork().GetTasks(); len(tasks) != 1 || tasks[0].GetAssignee() != "user:7" || tasks[0].GetId() != events[0].GetId() {
		t.Errorf("tasks %v", tasks)
	}
	s, _ = mustShell(t, s, autonomyCmd(1), morning)
	add.GetAddTask().Key = "k2"
	s, events = mustShell(t, s, add, morning)
	if got := types(events); !slices.Equal(got, []string{"crm.lead.draft_created"}) {
		t.Fatalf("agent at L1: events %v", got)
	}
	if !s.GetUpdatedAt().AsTime().Equal(morning) || s.GetVersion() != events[0].GetVersion() {
		t.Errorf("version %d updated %v", s.GetVersion(), s.GetUpdatedAt())
	}

	for _, cmd := range []*aidapb.Command{startCmd("user:7", "welcome"), advanceCmd("x", 1), stopCmd(""),
		signalCmd("m", "email.opened"), add} {
		if _, err := shellDecide(nil, cmd, morning); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("%s on no lead: %v, want NotFound", record.CommandName(cmd), err)
		}
	}
	for _, e := range []*aidapb.Event{
		{Data: &aidapb.Event_TaskAdded{TaskAdded: &aidapb.TaskAdded{Task: &aidapb.Task{}}}},
		{Data: &aidapb.Event_SignalReceived{SignalReceived: &aidapb.SignalReceived{}}},
		{Data: &aidapb.Event_SequenceStarted{SequenceStarted: &aidapb.SequenceStarted{Sequence: &aidapb.Sequence{}}}},
	} {
		if got := Apply(nil, e); got != nil {
			t.Errorf("Apply(nil, %T) = %v, want nil", e.GetData(), got)
		}
	}
}
