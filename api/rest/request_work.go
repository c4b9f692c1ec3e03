package rest

import (
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/api/fault"
)

// TaskRequest is the body of POST /api/v1/{leads,deals,accounts}/:id/tasks.
type TaskRequest struct {
	Title    string   `json:"title" doc:"required, at most 200 characters"`
	Assignee string   `json:"assignee" doc:"who does it; default the entity's owner"`
	DueAt    DateTime `json:"due_at" doc:"RFC 3339"`
	Reason   string   `json:"reason" doc:"why the task exists"`
	Key      string   `json:"key" doc:"idempotency key: an open task or pending draft with this key makes the request change nothing"`
}

// DecodeTask decodes a new task; the body is add_task.
func DecodeTask(body []byte) (*aidapb.Command, error) {
	var r TaskRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	names(&fs, maxShort, named{"title", &r.Title})
	required(&fs, "title", r.Title)
	texts(&fs, maxShort, named{"assignee", &r.Assignee}, named{"key", &r.Key})
	due := instant(&fs, "due_at", &r.DueAt)
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{
		Title: r.Title, Assignee: r.Assignee, DueAt: due, Reason: r.Reason, Key: r.Key,
	}}}, nil
}

// ReasonRequest is the body of the commands that take nothing but why: completing a task,
// setting a flag, approving or discarding a draft, completing a milestone, recomputing health.
// The body may be empty.
type ReasonRequest struct {
	Reason string `json:"reason"`
}

// decodeNamed decodes a command on the thing a path parameter names (a task, a flag, a draft, a
// milestone) whose body is an optional ReasonRequest: param is the parameter's name, value its
// value; mk makes the command from the value and the reason once both are valid.
func decodeNamed(param, value string, body []byte, mk func(value, reason string) *aidapb.Command) (*aidapb.Command, error) {
	var fs fault.Fields
	pathName(&fs, param, &value)
	reason, err := decodeReason(body, &fs)
	if err != nil {
		return nil, err
	}
	if err := report(fs); err != nil {
		return nil, err
	}
	return mk(value, reason), nil
}

// decodeReason decodes an optional ReasonRequest, recording problems in fs.
func decodeReason(body []byte, fs *fault.Fields) (string, error) {
	var r ReasonRequest
	if err := decodeOptional(body, &r, fs); err != nil {
		return "", err
	}
	text(fs, "reason", &r.Reason, maxReason)
	return r.Reason, nil
}

// DecodeCompleteTask decodes the completion of the task taskID (a path parameter); the body is
// complete_task. An empty body is allowed.
func DecodeCompleteTask(taskID string, body []byte) (*aidapb.Command, error) {
	return decodeNamed("task_id", taskID, body, func(id, reason string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CompleteTask{CompleteTask: &aidapb.CompleteTask{TaskId: id, Reason: reason}}}
	})
}

// DecodeSetFlag decodes setting the flag name (a path parameter); the body is set_flag. An
// empty body is allowed.
func DecodeSetFlag(name string, body []byte) (*aidapb.Command, error) {
	return decodeNamed("name", name, body, func(name, reason string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_SetFlag{SetFlag: &aidapb.SetFlag{Name: name, Reason: reason}}}
	})
}

// DecodeClearFlag checks the clearing of the flag name (a path parameter) for reason (the
// query parameter ?reason=); the body is clear_flag.
func DecodeClearFlag(name, reason string) (*aidapb.Command, error) {
	var fs fault.Fields
	pathName(&fs, "name", &name)
	text(&fs, "reason", &reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_ClearFlag{ClearFlag: &aidapb.ClearFlag{Name: name, Reason: reason}}}, nil
}

// DraftRequest is the body of POST /api/v1/{leads,deals,accounts}/:id/drafts: a message for a
// person to approve and send.
type DraftRequest struct {
	Channel string `json:"channel" doc:"email or sms; default email"`
	To      string `json:"to" doc:"the recipient; default the entity's email (or phone, for sms)"`
	Subject string `json:"subject" doc:"email only"`
	Body    string `json:"body" doc:"required, at most 10000 characters"`
	Reason  string `json:"reason" doc:"why the message is drafted"`
	Key     string `json:"key" doc:"idempotency key: a pending draft with this key makes the request change nothing"`
}

// DecodeDraft decodes a message draft; the body is draft_message, whose channel is email
// unless the request says sms.
func DecodeDraft(body []byte) (*aidapb.Command, error) {
	var r DraftRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	oneOf(&fs, "channel", &r.Channel, draftChannels)
	if r.Channel == "" {
		r.Channel = "email"
	}
	if r.Channel == "email" {
		email(&fs, "to", &r.To)
	} else {
		text(&fs, "to", &r.To, maxShort)
	}
	texts(&fs, maxShort, named{"subject", &r.Subject}, named{"key", &r.Key})
	if r.Channel == "sms" && r.Subject != "" {
		fs.Add("subject", "must not be set for an sms")
	}
	text(&fs, "body", &r.Body, maxText)
	required(&fs, "body", r.Body)
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_DraftMessage{DraftMessage: &aidapb.DraftMessage{
		Channel: r.Channel, To: r.To, Subject: r.Subject, Body: r.Body, Reason: r.Reason, Key: r.Key,
	}}}, nil
}

// DecodeApproveDraft decodes the approval of the draft draftID (a path parameter); the body is
// decide_draft with approve true. An empty body is allowed.
func DecodeApproveDraft(draftID string, body []byte) (*aidapb.Command, error) {
	return decodeDecision(draftID, true, body)
}

// DecodeDiscardDraft decodes discarding the draft draftID (a path parameter); the body is
// decide_draft with approve false. An empty body is allowed.
func DecodeDiscardDraft(draftID string, body []byte) (*aidapb.Command, error) {
	return decodeDecision(draftID, false, body)
}

func decodeDecision(draftID string, approve bool, body []byte) (*aidapb.Command, error) {
	return decodeNamed("draft_id", draftID, body, func(id, reason string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_DecideDraft{DecideDraft: &aidapb.DecideDraft{
			DraftId: id, Approve: approve, Reason: reason,
		}}}
	})
}

// SignalRequest is the body of POST /api/v1/{leads,deals,accounts}/:id/signals: an inbound
// signal (a reply, an open, a click, a bounce, an opt-out), the same as a message on
// crm.inbound.<type>, whose body names its ID "id".
type SignalRequest struct {
	SignalID string   `json:"signal_id" doc:"the signal's ID (or give it as id, as on NATS), at most 200 characters; one of the two is required; a signal the entity already applied changes nothing"`
	ID       string   `json:"id" doc:"the same as signal_id, the name a crm.inbound message's body gives it; when both are given they must be equal"`
	Type     string   `json:"type" doc:"required: email.replied, email.opened, email.clicked, email.bounced, email.unsubscribed, sms.replied or sms.opted_out"`
	At       DateTime `json:"at" doc:"when it happened, RFC 3339; default now"`
	From     string   `json:"from" doc:"the sender's address or number"`
	Subject  string   `json:"subject"`
	Text     string   `json:"text" doc:"the reply's text, at most 10000 characters"`
}

// DecodeSignal decodes an inbound signal; the body is record_signal.
func DecodeSignal(body []byte) (*aidapb.Command, error) {
	var r SignalRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	text(&fs, "signal_id", &r.SignalID, event.MaxSignalID)
	text(&fs, "id", &r.ID, event.MaxSignalID)
	switch {
	case r.SignalID == "" && r.ID == "":
		fs.Add("signal_id", "is required (or id): a signal without an ID could be applied twice")
	case r.SignalID == "":
		r.SignalID = r.ID
	case r.ID != "" && r.ID != r.SignalID:
		fs.Add("id", "differs from signal_id; give one of them")
	}
	if required(&fs, "type", r.Type) {
		oneOf(&fs, "type", &r.Type, event.Signals())
	}
	at := instant(&fs, "at", &r.At)
	text(&fs, "from", &r.From, maxEmail)
	text(&fs, "subject", &r.Subject, maxShort)
	text(&fs, "text", &r.Text, maxText)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{
		SignalId: r.SignalID, Type: r.Type, At: at, From: r.From, Subject: r.Subject, Text: r.Text,
	}}}, nil
}
