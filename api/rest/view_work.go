package rest

import (
	"slices"

	"github.com/aidacrm/aida/api/aidapb"
)

// Task is a to-do for a person on an entity.
type Task struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Assignee  string    `json:"assignee"`
	DueAt     *DateTime `json:"due_at"`
	Status    string    `json:"status" doc:"open or done"`
	Reason    string    `json:"reason" doc:"why the task exists"`
	Key       string    `json:"key" doc:"the idempotency key it was added with"`
	CreatedBy string    `json:"created_by" doc:"api, user:<id>, agent:<name> …"`
	CreatedAt *DateTime `json:"created_at"`
	DoneBy    string    `json:"done_by"`
	DoneAt    *DateTime `json:"done_at"`
}

// Flag marks an entity for attention: stale, overdue, at_risk …
type Flag struct {
	Name   string    `json:"name"`
	Reason string    `json:"reason"`
	SetBy  string    `json:"set_by"`
	SetAt  *DateTime `json:"set_at"`
}

// Draft is an action prepared for a person to approve or discard: a message, or a task or flag
// an agent proposed at an autonomy level that only lets it draft.
type Draft struct {
	ID             string    `json:"id"`
	Kind           string    `json:"kind" doc:"email, sms, task or flag"`
	Status         string    `json:"status" doc:"pending, approved or discarded"`
	To             string    `json:"to" doc:"messages: the recipient"`
	Subject        string    `json:"subject" doc:"email: the subject"`
	Body           string    `json:"body" doc:"messages: the text"`
	Task           *Task     `json:"task" doc:"kind task: the task approving adds"`
	Flag           *Flag     `json:"flag" doc:"kind flag: the flag approving sets"`
	Reason         string    `json:"reason" doc:"why it was drafted"`
	Key            string    `json:"key"`
	Sequence       string    `json:"sequence" doc:"a sequence step's draft: the sequence's ID"`
	Step           int32     `json:"step" doc:"and the step, from 1"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      *DateTime `json:"created_at"`
	DecidedBy      string    `json:"decided_by"`
	DecisionReason string    `json:"decision_reason"`
	DecidedAt      *DateTime `json:"decided_at"`
}

// Engagement is what inbound signals told about an entity.
type Engagement struct {
	LastContactAt *DateTime `json:"last_contact_at" doc:"the last reply or open"`
	LastReplyAt   *DateTime `json:"last_reply_at"`
	Replies       int32     `json:"replies"`
	Opens         int32     `json:"opens"`
	Bounces       int32     `json:"bounces"`
	EmailBounced  bool      `json:"email_bounced" doc:"the last email to the address bounced"`
	OptedOut      bool      `json:"opted_out" doc:"asked to receive nothing more"`
}

// Sequence is a lead's nurture sequence.
type Sequence struct {
	ID         string    `json:"id"`
	Type       string    `json:"type" doc:"welcome, nurture or re_engagement"`
	Step       int32     `json:"step" doc:"steps drafted so far"`
	Steps      int32     `json:"steps" doc:"steps in the sequence"`
	Status     string    `json:"status" doc:"active, completed or stopped"`
	StopReason string    `json:"stop_reason"`
	StartedAt  *DateTime `json:"started_at"`
	NextAt     *DateTime `json:"next_at" doc:"when the next step is due, while active"`
	Done       []string  `json:"done" doc:"the types of the sequences the lead already ran"`
}

// Onboarding is an account's onboarding plan.
type Onboarding struct {
	Template        string      `json:"template" doc:"standard, enterprise or self_service"`
	Requested       string      `json:"requested" doc:"the template asked for, when the account's profile chose another"`
	DealID          string      `json:"deal_id" doc:"the won deal that started it"`
	DurationDays    int32       `json:"duration_days"`
	Status          string      `json:"status" doc:"active or completed"`
	StartedAt       *DateTime   `json:"started_at"`
	Customizations  []string    `json:"customizations"`
	SuccessCriteria []string    `json:"success_criteria"`
	Milestones      []Milestone `json:"milestones"`
}

// Milestone is one step of an onboarding plan.
type Milestone struct {
	Name     string    `json:"name"`
	DueAt    *DateTime `json:"due_at"`
	Status   string    `json:"status" doc:"pending, due or done"`
	Priority string    `json:"priority" doc:"high or medium"`
	DoneAt   *DateTime `json:"done_at"`
}

// Reminder is a reminder an entity has pending.
type Reminder struct {
	Name  string    `json:"name"`
	DueAt *DateTime `json:"due_at"`
}

// work is the part of a view every kind shares: what waits for people and what signals told.
type work struct {
	tasks      []Task
	flags      []Flag
	drafts     []Draft
	engagement Engagement
	reminders  []Reminder
}

// viewWork returns the views of an entity's work, engagement and reminders; slices are never
// nil.
func viewWork(w *aidapb.Work, e *aidapb.Engagement, refs []*aidapb.ReminderRef) work {
	out := work{tasks: make([]Task, 0, len(w.GetTasks())), flags: make([]Flag, 0, len(w.GetFlags())),
		drafts: make([]Draft, 0, len(w.GetDrafts())), reminders: make([]Reminder, 0, len(refs))}
	for _, t := range w.GetTasks() {
		out.tasks = append(out.tasks, viewTask(t))
	}
	for _, f := range w.GetFlags() {
		out.flags = append(out.flags, viewFlag(f))
	}
	for _, d := range w.GetDrafts() {
		v := Draft{ID: d.GetId(), Kind: d.GetKind(), Status: d.GetStatus(), To: d.GetTo(),
			Subject: d.GetSubject(), Body: d.GetBody(), Reason: d.GetReason(), Key: d.GetKey(),
			Sequence: d.GetSequence(), Step: d.GetStep(), CreatedBy: d.GetCreatedBy(),
			CreatedAt: timeOf(d.GetCreatedAt()), DecidedBy: d.GetDecidedBy(),
			DecisionReason: d.GetDecisionReason(), DecidedAt: timeOf(d.GetDecidedAt())}
		if t := d.GetTask(); t != nil {
			vt := viewTask(t)
			v.Task = &vt
		}
		if f := d.GetFlag(); f != nil {
			vf := viewFlag(f)
			v.Flag = &vf
		}
		out.drafts = append(out.drafts, v)
	}
	out.engagement = Engagement{LastContactAt: timeOf(e.GetLastContactAt()), LastReplyAt: timeOf(e.GetLastReplyAt()),
		Replies: e.GetReplies(), Opens: e.GetOpens(), Bounces: e.GetBounces(),
		EmailBounced: e.GetEmailBounced(), OptedOut: e.GetOptedOut()}
	for _, r := range refs {
		out.reminders = append(out.reminders, Reminder{Name: r.GetName(), DueAt: timeOf(r.GetDueAt())})
	}
	return out
}

func viewTask(t *aidapb.Task) Task {
	return Task{ID: t.GetId(), Title: t.GetTitle(), Assignee: t.GetAssignee(), DueAt: timeOf(t.GetDueAt()),
		Status: t.GetStatus(), Reason: t.GetReason(), Key: t.GetKey(), CreatedBy: t.GetCreatedBy(),
		CreatedAt: timeOf(t.GetCreatedAt()), DoneBy: t.GetDoneBy(), DoneAt: timeOf(t.GetDoneAt())}
}

func viewFlag(f *aidapb.Flag) Flag {
	return Flag{Name: f.GetName(), Reason: f.GetReason(), SetBy: f.GetSetBy(), SetAt: timeOf(f.GetSetAt())}
}

// viewSequence returns the view of a lead's sequence; nil when it has none.
func viewSequence(s *aidapb.Sequence) *Sequence {
	if s == nil {
		return nil
	}
	return &Sequence{ID: s.GetId(), Type: s.GetType(), Step: s.GetStep(), Steps: s.GetSteps(),
		Status: s.GetStatus(), StopReason: s.GetStopReason(), StartedAt: timeOf(s.GetStartedAt()),
		NextAt: timeOf(s.GetNextAt()), Done: stringList(s.GetDone())}
}

// viewOnboarding returns the view of an account's onboarding plan; nil when it has none.
func viewOnboarding(o *aidapb.Onboarding) *Onboarding {
	if o == nil {
		return nil
	}
	v := &Onboarding{Template: o.GetTemplate(), Requested: o.GetRequested(), DealID: o.GetDealId(),
		DurationDays: o.GetDurationDays(), Status: o.GetStatus(), StartedAt: timeOf(o.GetStartedAt()),
		Customizations: stringList(o.GetCustomizations()), SuccessCriteria: stringList(o.GetSuccessCriteria()),
		Milestones: make([]Milestone, 0, len(o.GetMilestones()))}
	for _, m := range o.GetMilestones() {
		v.Milestones = append(v.Milestones, Milestone{Name: m.GetName(), DueAt: timeOf(m.GetDueAt()),
			Status: m.GetStatus(), Priority: m.GetPriority(), DoneAt: timeOf(m.GetDoneAt())})
	}
	return v
}

// stringList returns a copy of ss that is never nil.
func stringList(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return slices.Clone(ss)
}
