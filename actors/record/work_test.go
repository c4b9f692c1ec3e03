package record_test

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

var workNow = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

// desk is an entity's work as a shell keeps it: DecideWork's events are stamped with an ID,
// the actor, a time and a version, then folded in with ApplyWork.
type desk struct {
	e record.Entity
	v int64
}

func newDesk(level int32) *desk {
	return &desk{e: record.Entity{Kind: "deal", Level: level, Owner: "user:owner", Email: "ada@example.com", Phone: "+44 20 7946 0958"}}
}

func (d *desk) do(t *testing.T, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	t.Helper()
	evs, err := record.DecideWork(d.e, cmd, now)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		d.v++
		e.Id, e.Actor, e.Time, e.Version = fmt.Sprintf("ev-%d", d.v), cmd.GetActor(), timestamppb.New(now), d.v
		if !record.ApplyWork(e, &d.e.Work) {
			t.Fatalf("ApplyWork(%s) = false, want a work event", e.GetType())
		}
	}
	return evs, nil
}

func (d *desk) must(t *testing.T, cmd *aidapb.Command, now time.Time) []*aidapb.Event {
	t.Helper()
	evs, err := d.do(t, cmd, now)
	if err != nil {
		t.Fatalf("%s: %v", record.CommandName(cmd), err)
	}
	return evs
}

func workTypes(evs []*aidapb.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.GetType())
	}
	return out
}

func addTask(actor, title, key string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{Title: title, Key: key}}}
}

func completeTask(actor, id string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_CompleteTask{CompleteTask: &aidapb.CompleteTask{TaskId: id}}}
}

func setFlag(actor, name string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_SetFlag{SetFlag: &aidapb.SetFlag{Name: name, Reason: "no activity"}}}
}

func clearFlag(actor, name string) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_ClearFlag{ClearFlag: &aidapb.ClearFlag{Name: name}}}
}

func draftMessage(actor string, m *aidapb.DraftMessage) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_DraftMessage{DraftMessage: m}}
}

func decideDraft(actor, id string, approve bool) *aidapb.Command {
	return &aidapb.Command{Actor: actor, Body: &aidapb.Command_DecideDraft{DecideDraft: &aidapb.DecideDraft{
		DraftId: id, Approve: approve, Reason: "looked at it"}}}
}

func codeOf(t *testing.T, err error, want fault.Code) {
	t.Helper()
	if err == nil || fault.CodeOf(err) != want {
		t.Fatalf("error %v, want code %v", err, want)
	}
}

func TestIsWorkAndIsAgent(t *testing.T) {
	for _, cmd := range []*aidapb.Command{addTask("a", "t", ""), completeTask("a", "x"), setFlag("a", "x"),
		clearFlag("a", "x"), draftMessage("a", &aidapb.DraftMessage{}), decideDraft("a", "x", true)} {
		if !record.IsWork(cmd) {
			t.Errorf("IsWork(%s) = false", record.CommandName(cmd))
		}
	}
	for _, cmd := range []*aidapb.Command{nil, {}, {Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{}}}} {
		if record.IsWork(cmd) {
			t.Errorf("IsWork(%v) = true", cmd)
		}
	}
	agents := map[string]bool{"agent:pipeline": true, "agent:": true, "user:ann": false, "api": false, "": false,
		"reminder:pipeline": false, "Agent:x": false, " agent:x": false}
	for actor, want := range agents {
		if got := record.IsAgent(actor); got != want {
			t.Errorf("IsAgent(%q) = %v, want %v", actor, got, want)
		}
	}
}

// TestDecideWorkGating: at L1 an agent's task or flag is drafted; above, and for people at any
// level, it runs.
func TestDecideWorkGating(t *testing.T) {
	tests := []struct {
		actor string
		level int32
		runs  bool
	}{
		{"agent:pipeline", 1, false},
		{"agent:pipeline", 0, false}, // an invalid level counts as L1
		{"agent:pipeline", 2, true},
		{"agent:pipeline", 3, true},
		{"agent:pipeline", 5, true},
		{"user:ann", 1, true},
		{"api", 1, true},
		{"", 1, true},
		{"reminder:pipeline", 1, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s at L%d", tt.actor, tt.level), func(t *testing.T) {
			e := newDesk(tt.level).e
			creator := tt.actor
			if creator == "" {
				creator = "api"
			}
			evs, err := record.DecideWork(e, addTask(tt.actor, " Call Ada ", "k1"), workNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 {
				t.Fatalf("add_task: events %v, want one", workTypes(evs))
			}
			task := &aidapb.Task{Title: "Call Ada", Assignee: "user:owner", Status: record.TaskOpen, CreatedBy: creator,
				CreatedAt: timestamppb.New(workNow), Key: "k1"}
			if tt.runs {
				if evs[0].GetType() != "crm.deal.task_added" || !proto.Equal(evs[0].GetTaskAdded().GetTask(), task) {
					t.Errorf("add_task: %s %v, want crm.deal.task_added %v", evs[0].GetType(), evs[0].GetData(), task)
				}
			} else {
				want := &aidapb.Draft{Kind: record.DraftTask, Status: record.DraftWait, Task: task, Key: "k1", CreatedBy: creator}
				if evs[0].GetType() != "crm.deal.draft_created" || !proto.Equal(evs[0].GetDraftCreated().GetDraft(), want) {
					t.Errorf("add_task: %s %v, want crm.deal.draft_created %v", evs[0].GetType(), evs[0].GetData(), want)
				}
			}

			evs, err = record.DecideWork(e, setFlag(tt.actor, " Stale "), workNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 {
				t.Fatalf("set_flag: events %v, want one", workTypes(evs))
			}
			flag := &aidapb.Flag{Name: "stale", Reason: "no activity", SetBy: creator, SetAt: timestamppb.New(workNow)}
			if tt.runs {
				if evs[0].GetType() != "crm.deal.flag_set" || !proto.Equal(evs[0].GetFlagSet().GetFlag(), flag) {
					t.Errorf("set_flag: %s %v, want crm.deal.flag_set %v", evs[0].GetType(), evs[0].GetData(), flag)
				}
			} else {
				want := &aidapb.Draft{Kind: record.DraftFlag, Status: record.DraftWait, Flag: flag, Reason: "no activity",
					Key: "flag.stale", CreatedBy: creator}
				if evs[0].GetType() != "crm.deal.draft_created" || !proto.Equal(evs[0].GetDraftCreated().GetDraft(), want) {
					t.Errorf("set_flag: %s %v, want crm.deal.draft_created %v", evs[0].GetType(), evs[0].GetData(), want)
				}
			}
		})
	}
}

// TestDecideWorkUngated: completing tasks, clearing flags and drafting messages are never turned
// into drafts of their own.
func TestDecideWorkUngated(t *testing.T) {
	d := newDesk(1)
	d.must(t, addTask("user:ann", "call", ""), workNow)
	d.must(t, setFlag("user:ann", "stale"), workNow)
	id := d.e.Work.GetTasks()[0].GetId()
	for _, tt := range []struct {
		cmd  *aidapb.Command
		want string
	}{
		{completeTask("agent:pipeline", id), "crm.deal.task_completed"},
		{clearFlag("agent:pipeline", "stale"), "crm.deal.flag_cleared"},
		{draftMessage("agent:nurture", &aidapb.DraftMessage{Channel: "email", Body: "hi"}), "crm.deal.draft_created"},
	} {
		evs := d.must(t, tt.cmd, workNow)
		if got := workTypes(evs); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("%s: events %v, want %s", record.CommandName(tt.cmd), got, tt.want)
		}
	}
}

func TestDecideWorkFields(t *testing.T) {
	due := timestamppb.New(workNow.Add(48 * time.Hour))
	d := newDesk(3)
	evs := d.must(t, &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{
		Title: "Send quote", Assignee: " user:bo ", DueAt: due, Reason: " asked for it\n", Key: " q1 "}}}, workNow)
	want := &aidapb.Task{Title: "Send quote", Assignee: "user:bo", DueAt: due, Status: record.TaskOpen, Reason: "asked for it",
		CreatedBy: "user:ann", CreatedAt: timestamppb.New(workNow), Key: "q1"}
	if got := evs[0].GetTaskAdded().GetTask(); !proto.Equal(got, want) {
		t.Errorf("task %v, want %v", got, want)
	}
	if evs[0].GetTaskAdded().GetTask().GetDueAt() == due {
		t.Error("the task shares due_at with the command")
	}

	messages := []struct {
		name string
		cmd  *aidapb.DraftMessage
		want *aidapb.Draft
	}{
		{"email to the entity's address", &aidapb.DraftMessage{Channel: " Email ", Subject: " Hello ", Body: " Hi Ada ", Reason: "welcome", Key: "w1"},
			&aidapb.Draft{Kind: "email", To: "ada@example.com", Subject: "Hello", Body: "Hi Ada", Reason: "welcome", Key: "w1",
				Status: record.DraftWait, CreatedBy: "agent:nurture"}},
		{"sms to the entity's phone", &aidapb.DraftMessage{Channel: "SMS", Body: "Hi"},
			&aidapb.Draft{Kind: "sms", To: "+44 20 7946 0958", Body: "Hi", Status: record.DraftWait, CreatedBy: "agent:nurture"}},
		{"explicit recipient", &aidapb.DraftMessage{Channel: "email", To: " bo@example.com ", Body: "Hi"},
			&aidapb.Draft{Kind: "email", To: "bo@example.com", Body: "Hi", Status: record.DraftWait, CreatedBy: "agent:nurture"}},
		{"body at the sms limit", &aidapb.DraftMessage{Channel: "sms", Body: strings.Repeat("é", record.MaxSMS)},
			&aidapb.Draft{Kind: "sms", To: "+44 20 7946 0958", Body: strings.Repeat("é", record.MaxSMS), Status: record.DraftWait, CreatedBy: "agent:nurture"}},
	}
	for _, tt := range messages {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := record.DecideWork(newDesk(5).e, draftMessage("agent:nurture", tt.cmd), workNow)
			e := decided(t, evs, err, "crm.deal.draft_created", nil)
			if got := e.GetDraftCreated().GetDraft(); !proto.Equal(got, tt.want) {
				t.Errorf("draft %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecideWorkInvalid(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	noContact := record.Entity{Kind: "account", Level: 3}
	tests := []struct {
		name     string
		e        record.Entity
		cmd      *aidapb.Command
		problems []string
	}{
		{"task without a title", newDesk(3).e, addTask("u", "  ", ""), []string{"title: is required"}},
		{"nil add_task", newDesk(3).e, &aidapb.Command{Body: &aidapb.Command_AddTask{}}, []string{"title: is required"}},
		{"task title too long", newDesk(3).e, addTask("u", long(record.MaxTitle+1), ""),
			[]string{"title: must be at most 200 characters"}},
		{"task title on two lines", newDesk(3).e, addTask("u", "a\nb", ""), []string{"title: must be one line of text"}},
		{"task key too long", newDesk(3).e, addTask("u", "t", long(record.MaxName+1)), []string{"key: must be at most 100 characters"}},
		{"task due_at invalid", newDesk(3).e, &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{
			Title: "t", DueAt: &timestamppb.Timestamp{Nanos: -1}}}}, []string{"due_at: is not a valid time"}},
		{"task fields from an agent at L1 are checked too", newDesk(1).e, addTask("agent:x", "", long(101)),
			[]string{"key: must be at most 100 characters", "title: is required"}},
		{"complete: task id too long", newDesk(3).e, completeTask("u", long(101)), []string{"task_id: must be at most 100 characters"}},
		{"complete: reason too long", newDesk(3).e, &aidapb.Command{Body: &aidapb.Command_CompleteTask{CompleteTask: &aidapb.CompleteTask{
			TaskId: "t", Reason: long(record.MaxReason + 1)}}}, []string{"reason: must be at most 1000 characters"}},
		{"flag without a name", newDesk(3).e, setFlag("u", " "), []string{"name: is required"}},
		{"flag name with a space", newDesk(3).e, setFlag("u", "at risk"), []string{"name: may hold only letters, digits, _ and -"}},
		{"flag name with a dot", newDesk(1).e, setFlag("agent:x", "a.b"), []string{"name: may hold only letters, digits, _ and -"}},
		{"clear: bad flag name", newDesk(3).e, clearFlag("u", "é"), []string{"name: may hold only letters, digits, _ and -"}},
		{"message on an unknown channel", newDesk(3).e, draftMessage("u", &aidapb.DraftMessage{Channel: "fax", Body: "hi"}),
			[]string{"channel: must be email or sms"}},
		{"message without a body", newDesk(3).e, draftMessage("u", &aidapb.DraftMessage{Channel: "email"}),
			[]string{"body: is required"}},
		{"email body too long", newDesk(3).e, draftMessage("u", &aidapb.DraftMessage{Channel: "email", Body: long(record.MaxBody + 1)}),
			[]string{"body: must be at most 20000 characters"}},
		{"sms body too long", newDesk(3).e, draftMessage("u", &aidapb.DraftMessage{Channel: "sms", Body: long(record.MaxSMS + 1)}),
			[]string{"body: must be at most 1600 characters"}},
		{"email with nowhere to send", noContact, draftMessage("u", &aidapb.DraftMessage{Channel: "email", Body: "hi"}),
			[]string{"to: is required: the account has no email to send to"}},
		{"sms with nowhere to send", noContact, draftMessage("u", &aidapb.DraftMessage{Channel: "sms", Body: "hi"}),
			[]string{"to: is required: the account has no phone to send to"}},
		{"subject on two lines", newDesk(3).e, draftMessage("u", &aidapb.DraftMessage{Channel: "email", Subject: "a\nb", Body: "hi"}),
			[]string{"subject: must be one line of text"}},
		{"decide: draft id too long", newDesk(3).e, decideDraft("u", long(101), true), []string{"draft_id: must be at most 100 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := record.DecideWork(tt.e, tt.cmd, workNow)
			decided(t, evs, err, "", tt.problems)
		})
	}
}

func TestDecideWorkErrors(t *testing.T) {
	d := newDesk(3)
	d.must(t, addTask("user:ann", "call", ""), workNow)
	d.must(t, draftMessage("user:ann", &aidapb.DraftMessage{Channel: "email", Body: "hi"}), workNow)
	task, draft := d.e.Work.GetTasks()[0].GetId(), d.e.Work.GetDrafts()[0].GetId()
	d.must(t, completeTask("user:ann", task), workNow)
	d.must(t, decideDraft("user:ann", draft, false), workNow)

	tests := []struct {
		name string
		cmd  *aidapb.Command
		code fault.Code
	}{
		{"complete an unknown task", completeTask("user:ann", "nope"), fault.NotFound},
		{"complete a done task", completeTask("user:ann", task), fault.Transition},
		{"decide an unknown draft", decideDraft("user:ann", "nope", true), fault.NotFound},
		{"decide a decided draft", decideDraft("user:ann", draft, true), fault.Transition},
		{"a command that is not work", &aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "x"}}}, fault.Internal},
		{"no command", nil, fault.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := record.DecideWork(d.e, tt.cmd, workNow)
			codeOf(t, err, tt.code)
			if len(evs) != 0 {
				t.Errorf("events %v with an error", workTypes(evs))
			}
		})
	}
}

// TestDecideWorkRepeats: what the entity already holds is not added again.
func TestDecideWorkRepeats(t *testing.T) {
	tests := []struct {
		name  string
		level int32
		first *aidapb.Command
		again *aidapb.Command
		want  []string // events of again
	}{
		{"task with the key of an open task", 3, addTask("agent:p", "call", "k"), addTask("user:ann", "other", "k"), nil},
		{"task with the key of a pending task draft", 1, addTask("agent:p", "call", "k"), addTask("agent:p", "call", "k"), nil},
		{"a person's task with the key of a pending draft", 1, addTask("agent:p", "call", "k"), addTask("user:ann", "call", "k"), nil},
		{"task with the key of a pending message draft", 3,
			draftMessage("agent:p", &aidapb.DraftMessage{Channel: "email", Body: "hi", Key: "k"}), addTask("agent:p", "call", "k"), nil},
		{"tasks without a key", 3, addTask("user:ann", "call", ""), addTask("user:ann", "call", ""), []string{"crm.deal.task_added"}},
		{"a flag the entity has", 3, setFlag("user:ann", "stale"), setFlag("user:ann", "STALE"), nil},
		{"a flag the entity has, from an agent at L1", 1, setFlag("user:ann", "stale"), setFlag("agent:p", "stale"), nil},
		{"a flag an agent drafted already", 1, setFlag("agent:p", "stale"), setFlag("agent:p", "stale"), nil},
		{"a person sets a flag an agent drafted", 1, setFlag("agent:p", "stale"), setFlag("user:ann", "stale"), []string{"crm.deal.flag_set"}},
		{"a flag the entity has not", 3, setFlag("user:ann", "stale"), clearFlag("user:ann", "overdue"), nil},
		{"a message with a key held", 3, draftMessage("agent:p", &aidapb.DraftMessage{Channel: "sms", Body: "a", Key: "m"}),
			draftMessage("agent:p", &aidapb.DraftMessage{Channel: "email", Body: "b", Key: "m"}), nil},
		{"messages without a key", 3, draftMessage("agent:p", &aidapb.DraftMessage{Channel: "sms", Body: "a"}),
			draftMessage("agent:p", &aidapb.DraftMessage{Channel: "sms", Body: "a"}), []string{"crm.deal.draft_created"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDesk(tt.level)
			if evs := d.must(t, tt.first, workNow); len(evs) != 1 {
				t.Fatalf("first: events %v, want one", workTypes(evs))
			}
			if got := workTypes(d.must(t, tt.again, workNow)); !slices.Equal(got, tt.want) {
				t.Errorf("again: events %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecideWorkLimits(t *testing.T) {
	full := func(done bool) *desk {
		d := newDesk(3)
		for i := range record.MaxOpen {
			d.must(t, addTask("user:ann", fmt.Sprintf("task %d", i), ""), workNow)
		}
		if done {
			d.must(t, completeTask("user:ann", d.e.Work.GetTasks()[0].GetId()), workNow)
		}
		return d
	}
	d := full(false)
	_, err := d.do(t, addTask("user:ann", "one more", ""), workNow)
	codeOf(t, err, fault.Transition)
	if !strings.Contains(err.Error(), "200 open tasks") {
		t.Errorf("message %q does not say how many tasks are open", err)
	}
	// An agent at L1 drafts instead: pending drafts have their own limit.
	d.e.Level = 1
	if got := workTypes(d.must(t, addTask("agent:p", "one more", ""), workNow)); !slices.Equal(got, []string{"crm.deal.draft_created"}) {
		t.Errorf("agent at L1 with full tasks: events %v, want a draft", got)
	}
	// A done task no longer counts.
	d = full(true)
	if got := workTypes(d.must(t, addTask("user:ann", "one more", ""), workNow)); !slices.Equal(got, []string{"crm.deal.task_added"}) {
		t.Errorf("after one task done: events %v, want task_added", got)
	}

	d = newDesk(1)
	for i := range record.MaxOpen {
		d.must(t, setFlag("agent:p", fmt.Sprintf("f%d", i)), workNow)
	}
	for _, cmd := range []*aidapb.Command{
		setFlag("agent:p", "one-more"),
		addTask("agent:p", "one more", ""),
		draftMessage("user:ann", &aidapb.DraftMessage{Channel: "email", Body: "hi"}),
	} {
		_, err := d.do(t, cmd, workNow)
		codeOf(t, err, fault.Transition)
	}
	d.must(t, decideDraft("user:ann", d.e.Work.GetDrafts()[0].GetId(), false), workNow)
	if got := workTypes(d.must(t, setFlag("agent:p", "one-more"), workNow)); !slices.Equal(got, []string{"crm.deal.draft_created"}) {
		t.Errorf("after one draft discarded: events %v, want a draft", got)
	}
}

// TestDecideDraft: approving a task or flag draft carries it out, as of the approval.
func TestDecideDraft(t *testing.T) {
	later := workNow.Add(time.Hour)
	d := newDesk(1)
	d.must(t, addTask("agent:pipeline", "Call Ada", "stale.1"), workNow)
	d.must(t, setFlag("agent:pipeline", "stale"), workNow)
	d.must(t, setFlag("agent:pipeline", "overdue"), workNow)
	d.must(t, draftMessage("agent:nurture", &aidapb.DraftMessage{Channel: "email", Body: "hi"}), workNow)
	d.must(t, setFlag("agent:pipeline", "at_risk"), workNow)
	ids := map[string]string{}
	for _, dr := range d.e.Work.GetDrafts() {
		ids[dr.GetKind()+"."+dr.GetFlag().GetName()] = dr.GetId()
	}
	d.must(t, setFlag("user:ann", "overdue"), workNow) // a person set it meanwhile

	tests := []struct {
		name    string
		id      string
		approve bool
		want    []string
	}{
		{"approve a task", ids["task."], true, []string{"crm.deal.draft_approved", "crm.deal.task_added"}},
		{"approve a flag", ids["flag.stale"], true, []string{"crm.deal.draft_approved", "crm.deal.flag_set"}},
		{"approve a flag already set", ids["flag.overdue"], true, []string{"crm.deal.draft_approved"}},
		{"approve a message", ids["email."], true, []string{"crm.deal.draft_approved"}},
		{"discard a flag", ids["flag.at_risk"], false, []string{"crm.deal.draft_discarded"}},
	}
	for _, tt := range tests {
		evs := d.must(t, decideDraft("user:bo", tt.id, tt.approve), later)
		if got := workTypes(evs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: events %v, want %v", tt.name, got, tt.want)
		}
		var dr *aidapb.Draft
		for _, x := range d.e.Work.GetDrafts() {
			if x.GetId() == tt.id {
				dr = x
			}
		}
		status := record.DraftNo
		if tt.approve {
			status = record.DraftOK
		}
		if dr.GetStatus() != status || dr.GetDecidedBy() != "user:bo" || dr.GetDecisionReason() != "looked at it" ||
			!dr.GetDecidedAt().AsTime().Equal(later) {
			t.Errorf("%s: draft %v, want %s by user:bo at %v", tt.name, dr, status, later)
		}
	}

	tasks := d.e.Work.GetTasks()
	if len(tasks) != 1 {
		t.Fatalf("tasks %v, want the approved one", tasks)
	}
	want := &aidapb.Task{Id: "ev-8", Title: "Call Ada", Assignee: "user:owner", Status: record.TaskOpen, CreatedBy: "agent:pipeline",
		CreatedAt: timestamppb.New(later), Key: "stale.1"}
	if !proto.Equal(tasks[0], want) {
		t.Errorf("task %v, want %v", tasks[0], want)
	}
	var flags []string
	for _, f := range d.e.Work.GetFlags() {
		flags = append(flags, f.GetName()+" by "+f.GetSetBy()+" at "+f.GetSetAt().AsTime().Format(time.TimeOnly))
	}
	if want := []string{"overdue by user:ann at 09:30:00", "stale by agent:pipeline at 10:30:00"}; !slices.Equal(flags, want) {
		t.Errorf("flags %v, want %v", flags, want)
	}
}

// TestAgentFlagsAgainAfterClear: an agent at L1 proposes a flag, a person approves it and later
// clears it; when the agent proposes the flag again it must be drafted again, not ignored
// because the old, decided draft still holds the key "flag.<name>".
func TestAgentFlagsAgainAfterClear(t *testing.T) {
	d := newDesk(1)
	d.must(t, setFlag("agent:pipeline", "stale"), workNow)
	d.must(t, decideDraft("user:ann", d.e.Work.GetDrafts()[0].GetId(), true), workNow)
	d.must(t, clearFlag("user:ann", "stale"), workNow)
	if record.HasFlag(d.e.Work, "stale") {
		t.Fatal("the flag is still set")
	}
	got := workTypes(d.must(t, setFlag("agent:pipeline", "stale"), workNow.Add(30*24*time.Hour)))
	if want := []string{"crm.deal.draft_created"}; !slices.Equal(got, want) {
		t.Errorf("the deal went stale again: events %v, want %v", got, want)
	}
}

// TestAgentCannotDecideDrafts: a draft is for a person to approve; an agent that could approve
// it would run at L1 what L1 only lets it draft.
func TestAgentCannotDecideDrafts(t *testing.T) {
	d := newDesk(1)
	d.must(t, setFlag("agent:pipeline", "stale"), workNow)
	evs, err := d.do(t, decideDraft("agent:pipeline", d.e.Work.GetDrafts()[0].GetId(), true), workNow)
	if err == nil || len(evs) != 0 {
		t.Errorf("an agent approved its own draft: events %v, error %v", workTypes(evs), err)
	}
}

func TestApplyWork(t *testing.T) {
	at := func(h int) *timestamppb.Timestamp { return timestamppb.New(workNow.Add(time.Duration(h) * time.Hour)) }
	ev := func(id, actor string, h int, data any) *aidapb.Event {
		e := &aidapb.Event{Id: id, Actor: actor, Time: at(h)}
		switch d := data.(type) {
		case *aidapb.TaskAdded:
			e.Data = &aidapb.Event_TaskAdded{TaskAdded: d}
		case *aidapb.TaskCompleted:
			e.Data = &aidapb.Event_TaskCompleted{TaskCompleted: d}
		case *aidapb.FlagSet:
			e.Data = &aidapb.Event_FlagSet{FlagSet: d}
		case *aidapb.FlagCleared:
			e.Data = &aidapb.Event_FlagCleared{FlagCleared: d}
		case *aidapb.DraftCreated:
			e.Data = &aidapb.Event_DraftCreated{DraftCreated: d}
		case *aidapb.DraftDecided:
			e.Data = &aidapb.Event_DraftDecided{DraftDecided: d}
		}
		return e
	}
	var w *aidapb.Work
	if record.ApplyWork(&aidapb.Event{Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{}}}, &w) || w != nil {
		t.Fatalf("a note is not work: work %v", w)
	}
	added := &aidapb.TaskAdded{Task: &aidapb.Task{Id: "ignored", Title: "call", Status: record.TaskOpen}}
	steps := []*aidapb.Event{
		ev("t1", "user:ann", 1, added),
		ev("t2", "user:ann", 2, &aidapb.TaskAdded{Task: &aidapb.Task{Title: "mail", Status: record.TaskOpen}}),
		ev("c1", "user:bo", 3, &aidapb.TaskCompleted{TaskId: "t1"}),
		ev("c2", "user:bo", 3, &aidapb.TaskCompleted{TaskId: "unknown"}),
		ev("f1", "agent:p", 4, &aidapb.FlagSet{Flag: &aidapb.Flag{Name: "stale", Reason: "old"}}),
		ev("f2", "agent:p", 4, &aidapb.FlagSet{Flag: &aidapb.Flag{Name: "overdue"}}),
		ev("f3", "agent:p", 5, &aidapb.FlagSet{Flag: &aidapb.Flag{Name: "stale", Reason: "again"}}),
		ev("f4", "user:bo", 5, &aidapb.FlagCleared{Name: "overdue"}),
		ev("f5", "user:bo", 5, &aidapb.FlagCleared{Name: "never-set"}),
		ev("d1", "agent:n", 6, &aidapb.DraftCreated{Draft: &aidapb.Draft{Id: "ignored", Kind: "email", Status: record.DraftWait}}),
		ev("d2", "user:bo", 7, &aidapb.DraftDecided{DraftId: "d1", Status: record.DraftNo, Reason: "tone"}),
	}
	for _, e := range steps {
		if !record.ApplyWork(e, &w) {
			t.Fatalf("ApplyWork(%s) = false", e.GetId())
		}
	}
	want := &aidapb.Work{
		Tasks: []*aidapb.Task{
			{Id: "t1", Title: "call", Status: record.TaskDone, CreatedAt: at(1), DoneAt: at(3), DoneBy: "user:bo"},
			{Id: "t2", Title: "mail", Status: record.TaskOpen, CreatedAt: at(2)},
		},
		Flags: []*aidapb.Flag{{Name: "stale", Reason: "again"}},
		Drafts: []*aidapb.Draft{{Id: "d1", Kind: "email", Status: record.DraftNo, CreatedAt: at(6), DecidedBy: "user:bo",
			DecisionReason: "tone", DecidedAt: at(7)}},
	}
	if !proto.Equal(w, want) {
		t.Errorf("work\n got %v\nwant %v", w, want)
	}
	if added.GetTask().GetId() != "ignored" {
		t.Error("ApplyWork changed the event's task")
	}
}

// TestApplyWorkKeepsDone: done tasks and decided drafts beyond KeptDone go, oldest first; open
// tasks and pending drafts stay.
func TestApplyWorkKeepsDone(t *testing.T) {
	const n = record.KeptDone + 5
	d := newDesk(1)
	d.must(t, addTask("user:ann", "stays open", ""), workNow)
	d.must(t, setFlag("agent:p", "pending-0"), workNow)
	for i := range n {
		d.must(t, addTask("user:ann", fmt.Sprintf("t%d", i), ""), workNow)
		tasks := d.e.Work.GetTasks()
		d.must(t, completeTask("user:ann", tasks[len(tasks)-1].GetId()), workNow)
		d.must(t, setFlag("agent:p", fmt.Sprintf("f%d", i)), workNow)
		drafts := d.e.Work.GetDrafts()
		d.must(t, decideDraft("user:ann", drafts[len(drafts)-1].GetId(), i%2 == 0), workNow)
	}
	var tasks, drafts []string
	for _, x := range d.e.Work.GetTasks() {
		tasks = append(tasks, x.GetTitle()+":"+x.GetStatus())
	}
	for _, x := range d.e.Work.GetDrafts() {
		drafts = append(drafts, x.GetFlag().GetName()+":"+x.GetStatus())
	}
	wantTasks := []string{"stays open:open"}
	wantDrafts := []string{"pending-0:pending"}
	for i := n - record.KeptDone; i < n; i++ {
		wantTasks = append(wantTasks, fmt.Sprintf("t%d:done", i))
		status := record.DraftNo
		if i%2 == 0 {
			status = record.DraftOK
		}
		wantDrafts = append(wantDrafts, fmt.Sprintf("f%d:%s", i, status))
	}
	if !slices.Equal(tasks, wantTasks) {
		t.Errorf("tasks %v\nwant %v", tasks, wantTasks)
	}
	if !slices.Equal(drafts, wantDrafts) {
		t.Errorf("drafts %v\nwant %v", drafts, wantDrafts)
	}
}

func TestOpenTaskAndHasFlag(t *testing.T) {
	w := &aidapb.Work{
		Tasks: []*aidapb.Task{{Id: "1", Key: "k", Status: record.TaskDone}, {Id: "2", Key: "k", Status: record.TaskOpen}, {Id: "3", Status: record.TaskOpen}},
		Flags: []*aidapb.Flag{{Name: "stale"}},
	}
	if got := record.OpenTask(w, "k"); got.GetId() != "2" {
		t.Errorf("OpenTask(k) = %v, want task 2", got)
	}
	if got := record.OpenTask(w, "other"); got != nil {
		t.Errorf("OpenTask(other) = %v, want nil", got)
	}
	if got := record.OpenTask(nil, ""); got != nil {
		t.Errorf("OpenTask(nil) = %v, want nil", got)
	}
	if !record.HasFlag(w, "stale") || record.HasFlag(w, "overdue") || record.HasFlag(nil, "stale") {
		t.Error("HasFlag is wrong")
	}
	e := record.ClearFlag("lead", "stale", "replied")
	if e.GetType() != "crm.lead.flag_cleared" || e.GetFlagCleared().GetName() != "stale" || e.GetFlagCleared().GetReason() != "replied" {
		t.Errorf("ClearFlag = %v", e)
	}
}

func TestEntityDraftMessage(t *testing.T) {
	e := newDesk(3).e
	got, err := e.DraftMessage(&aidapb.Draft{Kind: "email", Subject: "Welcome", Body: " Hi ", Key: "sequence.s1.1", Sequence: "s1", Step: 1}, "agent:nurture")
	if err != nil {
		t.Fatal(err)
	}
	want := &aidapb.Draft{Kind: "email", To: "ada@example.com", Subject: "Welcome", Body: "Hi", Key: "sequence.s1.1", Sequence: "s1", Step: 1,
		Status: record.DraftWait, CreatedBy: "agent:nurture"}
	if got.GetType() != "crm.deal.draft_created" || !proto.Equal(got.GetDraftCreated().GetDraft(), want) {
		t.Errorf("DraftMessage = %s %v, want %v", got.GetType(), got.GetDraftCreated().GetDraft(), want)
	}
	_, err = e.DraftMessage(&aidapb.Draft{Kind: "task", Body: "x"}, "agent:nurture")
	codeOf(t, err, fault.Invalid)
	e.Work = &aidapb.Work{}
	for range record.MaxOpen {
		e.Work.Drafts = append(e.Work.Drafts, &aidapb.Draft{Status: record.DraftWait})
	}
	_, err = e.DraftMessage(&aidapb.Draft{Kind: "email", Body: "hi"}, "agent:nurture")
	codeOf(t, err, fault.Transition)
}
