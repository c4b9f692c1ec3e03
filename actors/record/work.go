package record

import (
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/policies/autonomy"
)

// Work limits, in characters unless they say otherwise.
const (
	MaxTitle    = 200   // a task's title, a draft's subject
	MaxName     = 100   // a flag's name, an assignee, an idempotency key, an ID in a command
	MaxReason   = 1000  // the reason of a task, flag or draft decision
	MaxBody     = 20000 // a drafted message
	MaxSMS      = 1600  // a drafted SMS (ten segments)
	KeptDone    = 20    // done tasks and decided drafts a state keeps, newest last
	MaxOpen     = 200   // open tasks, and pending drafts, an entity may hold
	DraftEmail  = "email"
	DraftSMS    = "sms"
	DraftTask   = "task"
	DraftFlag   = "flag"
	TaskOpen    = "open"
	TaskDone    = "done"
	DraftWait   = "pending"
	DraftOK     = "approved"
	DraftNo     = "discarded"
	agentPrefix = "agent:"
)

// IsAgent reports whether actor is a background agent ("agent:<name>").
func IsAgent(actor string) bool { return strings.HasPrefix(actor, agentPrefix) }

// IsWork reports whether cmd is one of the work commands DecideWork takes.
func IsWork(cmd *aidapb.Command) bool {
	switch cmd.GetBody().(type) {
	case *aidapb.Command_AddTask, *aidapb.Command_CompleteTask, *aidapb.Command_SetFlag,
		*aidapb.Command_ClearFlag, *aidapb.Command_DraftMessage, *aidapb.Command_DecideDraft:
		return true
	}
	return false
}

// Entity is what DecideWork needs to know of the entity a work command is for.
type Entity struct {
	Kind  string // lead, deal, account: event types are crm.<kind>.<what>
	Level int32  // autonomy level
	Owner string // default assignee of tasks
	Email string // default recipient of an email draft
	Phone string // default recipient of an SMS draft
	Work  *aidapb.Work
}

// DecideWork decides add_task, complete_task, set_flag, clear_flag, draft_message and
// decide_draft. Only people decide drafts. The InternalNote class of the autonomy policy gates what an agent asks: at a
// level where it is only drafted (L1), an agent's task or flag becomes a pending draft for a
// person to approve. People's commands always run. Adding a task or draft whose key the entity
// already holds, setting a flag it has, or clearing one it has not, changes nothing. Errors are
// fault.Invalid for bad fields, fault.NotFound for an unknown task or draft, and
// fault.Transition for a task already done or a draft already decided.
func DecideWork(e Entity, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	actor := cmd.GetActor()
	if actor == "" {
		actor = "api"
	}
	w := e.Work
	var bad fault.Fields
	switch b := cmd.GetBody().(type) {
	case *aidapb.Command_AddTask:
		t := checkTask(&bad, b.AddTask, e.Owner, actor, now)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if t.GetKey() != "" && holdsKey(w, t.GetKey()) {
			return nil, nil
		}
		if drafts(e.Level, actor) {
			return e.draft(&aidapb.Draft{Kind: DraftTask, Task: t, Reason: t.GetReason(), Key: t.GetKey()}, actor)
		}
		if open(w) >= MaxOpen {
			return nil, fault.New(fault.Transition, "the %s has %d open tasks; complete some first", e.Kind, MaxOpen)
		}
		return []*aidapb.Event{{Type: e.typ("task_added"), Data: &aidapb.Event_TaskAdded{TaskAdded: &aidapb.TaskAdded{Task: t}}}}, nil
	case *aidapb.Command_CompleteTask:
		c := b.CompleteTask
		id := Line(&bad, "task_id", c.GetTaskId(), MaxName)
		reason := Text(&bad, "reason", c.GetReason(), MaxReason)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		t := findTask(w, id)
		switch {
		case t == nil:
			return nil, fault.New(fault.NotFound, "the %s has no task %q", e.Kind, id)
		case t.GetStatus() == TaskDone:
			return nil, fault.New(fault.Transition, "task %q is already done", id)
		}
		return []*aidapb.Event{{Type: e.typ("task_completed"), Data: &aidapb.Event_TaskCompleted{
			TaskCompleted: &aidapb.TaskCompleted{TaskId: id, Reason: reason}}}}, nil
	case *aidapb.Command_SetFlag:
		f := &aidapb.Flag{Name: flagName(&bad, b.SetFlag.GetName()), Reason: Text(&bad, "reason", b.SetFlag.GetReason(), MaxReason),
			SetBy: actor, SetAt: timestamppb.New(now)}
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if HasFlag(w, f.GetName()) {
			return nil, nil
		}
		if drafts(e.Level, actor) {
			key := "flag." + f.GetName()
			if slices.ContainsFunc(w.GetDrafts(), func(d *aidapb.Draft) bool { return d.GetKey() == key && d.GetStatus() == DraftWait }) {
				return nil, nil // proposed already; once decided, the agent may propose it again
			}
			return e.draft(&aidapb.Draft{Kind: DraftFlag, Flag: f, Reason: f.GetReason(), Key: key}, actor)
		}
		return []*aidapb.Event{{Type: e.typ("flag_set"), Data: &aidapb.Event_FlagSet{FlagSet: &aidapb.FlagSet{Flag: f}}}}, nil
	case *aidapb.Command_ClearFlag:
		name := flagName(&bad, b.ClearFlag.GetName())
		reason := Text(&bad, "reason", b.ClearFlag.GetReason(), MaxReason)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if !HasFlag(w, name) {
			return nil, nil
		}
		return []*aidapb.Event{ClearFlag(e.Kind, name, reason)}, nil
	case *aidapb.Command_DraftMessage:
		d := checkMessage(&bad, b.DraftMessage, e)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if d.GetKey() != "" && holdsKey(w, d.GetKey()) {
			return nil, nil
		}
		return e.draft(d, actor)
	case *aidapb.Command_DecideDraft:
		return decideDraft(e, b.DecideDraft, actor, now)
	}
	return nil, fault.New(fault.Internal, "DecideWork got %s", CommandName(cmd))
}

// DraftMessage is the event that drafts message d (kind email or sms) on an entity, for agents
// that draft as part of another change (a sequence step).
func (e Entity) DraftMessage(d *aidapb.Draft, actor string) (*aidapb.Event, error) {
	var bad fault.Fields
	checked := checkMessage(&bad, &aidapb.DraftMessage{Channel: d.GetKind(), To: d.GetTo(), Subject: d.GetSubject(),
		Body: d.GetBody(), Reason: d.GetReason(), Key: d.GetKey()}, e)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	checked.Sequence, checked.Step = d.GetSequence(), d.GetStep()
	events, err := e.draft(checked, actor)
	if err != nil {
		return nil, err
	}
	return events[0], nil
}

// ClearFlag is the event that clears flag name for reason.
func ClearFlag(kind, name, reason string) *aidapb.Event {
	return &aidapb.Event{Type: "crm." + kind + ".flag_cleared", Data: &aidapb.Event_FlagCleared{
		FlagCleared: &aidapb.FlagCleared{Name: name, Reason: reason}}}
}

func (e Entity) typ(what string) string { return "crm." + e.Kind + "." + what }

func (e Entity) draft(d *aidapb.Draft, actor string) ([]*aidapb.Event, error) {
	if pending(e.Work) >= MaxOpen {
		return nil, fault.New(fault.Transition, "the %s has %d pending drafts; approve or discard some first", e.Kind, MaxOpen)
	}
	d.Status, d.CreatedBy = DraftWait, actor
	return []*aidapb.Event{{Type: e.typ("draft_created"), Data: &aidapb.Event_DraftCreated{DraftCreated: &aidapb.DraftCreated{Draft: d}}}}, nil
}

// drafts reports whether an agent's internal action is only drafted at level.
func drafts(level int32, actor string) bool {
	return IsAgent(actor) && autonomy.ModeOf(autonomy.Level(level), autonomy.InternalNote) == autonomy.Draft
}

func checkTask(bad *fault.Fields, c *aidapb.AddTask, owner, actor string, now time.Time) *aidapb.Task {
	t := &aidapb.Task{
		Title:     Line(bad, "title", c.GetTitle(), MaxTitle),
		Assignee:  Line(bad, "assignee", c.GetAssignee(), MaxName),
		Reason:    Text(bad, "reason", c.GetReason(), MaxReason),
		Key:       Line(bad, "key", c.GetKey(), MaxName),
		Status:    TaskOpen,
		CreatedBy: actor,
		CreatedAt: timestamppb.New(now),
	}
	if t.Title == "" {
		bad.Add("title", "is required")
	}
	if t.Assignee == "" {
		t.Assignee = owner
	}
	if c.GetDueAt() != nil {
		if err := c.GetDueAt().CheckValid(); err != nil {
			bad.Add("due_at", "is not a valid time")
		} else {
			t.DueAt = proto.Clone(c.GetDueAt()).(*timestamppb.Timestamp)
		}
	}
	return t
}

func checkMessage(bad *fault.Fields, c *aidapb.DraftMessage, e Entity) *aidapb.Draft {
	d := &aidapb.Draft{
		Kind:    strings.ToLower(strings.TrimSpace(c.GetChannel())),
		To:      Line(bad, "to", c.GetTo(), 320),
		Subject: Line(bad, "subject", c.GetSubject(), MaxTitle),
		Reason:  Text(bad, "reason", c.GetReason(), MaxReason),
		Key:     Line(bad, "key", c.GetKey(), MaxName),
	}
	limit := MaxBody
	switch d.Kind {
	case DraftEmail:
		if d.To == "" {
			d.To = e.Email
		}
	case DraftSMS:
		limit = MaxSMS
		if d.To == "" {
			d.To = e.Phone
		}
	default:
		bad.Add("channel", "must be email or sms")
	}
	d.Body = Text(bad, "body", c.GetBody(), limit)
	if d.Body == "" {
		bad.Add("body", "is required")
	}
	if d.To == "" && (d.Kind == DraftEmail || d.Kind == DraftSMS) {
		bad.Add("to", "is required: the %s has no %s to send to", e.Kind, map[string]string{DraftEmail: "email", DraftSMS: "phone"}[d.Kind])
	}
	return d
}

func flagName(bad *fault.Fields, raw string) string {
	name := strings.ToLower(Line(bad, "name", raw, MaxName))
	switch {
	case name == "":
		bad.Add("name", "is required")
	case strings.ContainsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}):
		bad.Add("name", "may hold only letters, digits, _ and -")
	}
	return name
}

func decideDraft(e Entity, c *aidapb.DecideDraft, actor string, now time.Time) ([]*aidapb.Event, error) {
	if IsAgent(actor) {
		return nil, fault.New(fault.Transition, "drafts are decided by people, not by %s", actor)
	}
	var bad fault.Fields
	id := Line(&bad, "draft_id", c.GetDraftId(), MaxName)
	reason := Text(&bad, "reason", c.GetReason(), MaxReason)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	d := findDraft(e.Work, id)
	switch {
	case d == nil:
		return nil, fault.New(fault.NotFound, "the %s has no draft %q", e.Kind, id)
	case d.GetStatus() != DraftWait:
		return nil, fault.New(fault.Transition, "draft %q is already %s", id, d.GetStatus())
	}
	status, typ := DraftNo, "draft_discarded"
	if c.GetApprove() {
		status, typ = DraftOK, "draft_approved"
	}
	events := []*aidapb.Event{{Type: e.typ(typ), Data: &aidapb.Event_DraftDecided{
		DraftDecided: &aidapb.DraftDecided{DraftId: id, Status: status, Reason: reason}}}}
	if !c.GetApprove() {
		return events, nil
	}
	// Approving an internal action carries it out, on behalf of the person who approved it.
	switch d.GetKind() {
	case DraftTask:
		t := proto.Clone(d.GetTask()).(*aidapb.Task)
		t.CreatedAt = timestamppb.New(now)
		events = append(events, &aidapb.Event{Type: e.typ("task_added"), Data: &aidapb.Event_TaskAdded{TaskAdded: &aidapb.TaskAdded{Task: t}}})
	case DraftFlag:
		if !HasFlag(e.Work, d.GetFlag().GetName()) {
			f := proto.Clone(d.GetFlag()).(*aidapb.Flag)
			f.SetAt = timestamppb.New(now)
			events = append(events, &aidapb.Event{Type: e.typ("flag_set"), Data: &aidapb.Event_FlagSet{FlagSet: &aidapb.FlagSet{Flag: f}}})
		}
	}
	return events, nil
}

// HasFlag reports whether w has the flag name.
func HasFlag(w *aidapb.Work, name string) bool {
	return slices.ContainsFunc(w.GetFlags(), func(f *aidapb.Flag) bool { return f.GetName() == name })
}

// OpenTask returns the open task with key, or nil.
func OpenTask(w *aidapb.Work, key string) *aidapb.Task {
	for _, t := range w.GetTasks() {
		if t.GetKey() == key && t.GetStatus() == TaskOpen {
			return t
		}
	}
	return nil
}

func holdsKey(w *aidapb.Work, key string) bool {
	return slices.ContainsFunc(w.GetTasks(), func(t *aidapb.Task) bool { return t.GetKey() == key }) ||
		slices.ContainsFunc(w.GetDrafts(), func(d *aidapb.Draft) bool { return d.GetKey() == key })
}

func findTask(w *aidapb.Work, id string) *aidapb.Task {
	for _, t := range w.GetTasks() {
		if t.GetId() == id {
			return t
		}
	}
	return nil
}

func findDraft(w *aidapb.Work, id string) *aidapb.Draft {
	for _, d := range w.GetDrafts() {
		if d.GetId() == id {
			return d
		}
	}
	return nil
}

func open(w *aidapb.Work) int {
	n := 0
	for _, t := range w.GetTasks() {
		if t.GetStatus() == TaskOpen {
			n++
		}
	}
	return n
}

func pending(w *aidapb.Work) int {
	n := 0
	for _, d := range w.GetDrafts() {
		if d.GetStatus() == DraftWait {
			n++
		}
	}
	return n
}

// ApplyWork folds a work event into *w (allocated when nil): a task or draft takes the event's
// ID and time; done tasks and decided drafts beyond KeptDone are dropped, oldest first. It
// reports whether e was a work event.
func ApplyWork(e *aidapb.Event, w **aidapb.Work) bool {
	switch e.GetData().(type) {
	case *aidapb.Event_TaskAdded, *aidapb.Event_TaskCompleted, *aidapb.Event_FlagSet,
		*aidapb.Event_FlagCleared, *aidapb.Event_DraftCreated, *aidapb.Event_DraftDecided:
	default:
		return false
	}
	if *w == nil {
		*w = &aidapb.Work{}
	}
	work := *w
	switch d := e.GetData().(type) {
	case *aidapb.Event_TaskAdded:
		t := proto.Clone(d.TaskAdded.GetTask()).(*aidapb.Task)
		t.Id, t.CreatedAt = e.GetId(), Stamp(e)
		work.Tasks = append(work.Tasks, t)
	case *aidapb.Event_TaskCompleted:
		if t := findTask(work, d.TaskCompleted.GetTaskId()); t != nil {
			t.Status, t.DoneAt, t.DoneBy = TaskDone, Stamp(e), e.GetActor()
		}
		work.Tasks = trim(work.Tasks, func(t *aidapb.Task) bool { return t.GetStatus() == TaskDone })
	case *aidapb.Event_FlagSet:
		f := proto.Clone(d.FlagSet.GetFlag()).(*aidapb.Flag)
		work.Flags = slices.DeleteFunc(work.Flags, func(old *aidapb.Flag) bool { return old.GetName() == f.GetName() })
		work.Flags = append(work.Flags, f)
	case *aidapb.Event_FlagCleared:
		work.Flags = slices.DeleteFunc(work.Flags, func(f *aidapb.Flag) bool { return f.GetName() == d.FlagCleared.GetName() })
	case *aidapb.Event_DraftCreated:
		dr := proto.Clone(d.DraftCreated.GetDraft()).(*aidapb.Draft)
		dr.Id, dr.CreatedAt = e.GetId(), Stamp(e)
		work.Drafts = append(work.Drafts, dr)
	case *aidapb.Event_DraftDecided:
		if dr := findDraft(work, d.DraftDecided.GetDraftId()); dr != nil {
			dr.Status, dr.DecisionReason, dr.DecidedBy, dr.DecidedAt = d.DraftDecided.GetStatus(), d.DraftDecided.GetReason(), e.GetActor(), Stamp(e)
		}
		work.Drafts = trim(work.Drafts, func(d *aidapb.Draft) bool { return d.GetStatus() != DraftWait })
	}
	return true
}

// trim drops the oldest finished items beyond KeptDone.
func trim[T any](items []T, finished func(T) bool) []T {
	n := 0
	for _, it := range items {
		if finished(it) {
			n++
		}
	}
	for i := 0; n > KeptDone && i < len(items); {
		if finished(items[i]) {
			items = slices.Delete(items, i, i+1)
			n--
			continue
		}
		i++
	}
	return items
}
