package natscmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

// Timeline and archive bounds, as in REST.
const (
	defaultTimeline = 100
	maxTimeline     = 500
	maxReason       = 1000
)

// call is one request on its way to the entities.
type call struct {
	target
	data      []byte // the request's data; nil when absent or null
	actor     string
	requestID string
}

// handler runs a call and returns the status and the JSON body of a success.
type handler func(ctx context.Context, c *call) (status int, body any, err error)

// command is one command name of a kind.
type command struct {
	creates bool // the subject's id must be NewID
	run     handler
}

// decoder turns a REST body into a command.
type decoder func([]byte) (*aidapb.Command, error)

// pathDecoder turns a REST path parameter and a REST body into a command.
type pathDecoder func(param string, body []byte) (*aidapb.Command, error)

// commands returns the table of every kind's commands, mirroring the REST routes.
func (s *Server) commands() map[string]map[string]command {
	ok, created := http.StatusOK, http.StatusCreated
	table := map[string]map[string]command{
		kindLead: {
			"capture":  {creates: true, run: s.capture},
			"get":      {run: s.get},
			"update":   {run: s.send(rest.DecodeUpdateLead, ok)},
			"archive":  {run: s.archive},
			"restore":  {run: s.restore},
			"status":   {run: s.send(rest.DecodeLeadStatus, ok)},
			"autonomy": {run: s.send(rest.DecodeAutonomy, ok)},
			"note":     {run: s.send(rest.DecodeNote, created)},
			"convert":  {run: s.convert},
			"timeline": {run: s.timeline},

			"start_sequence": {run: s.send(rest.DecodeStartSequence, ok)},
			"stop_sequence":  {run: s.stopSequence},
		},
		kindDeal: {
			"create":   {creates: true, run: s.create(rest.DecodeCreateDeal)},
			"get":      {run: s.get},
			"update":   {run: s.send(rest.DecodeUpdateDeal, ok)},
			"stage":    {run: s.send(rest.DecodeDealStage, ok)},
			"autonomy": {run: s.send(rest.DecodeAutonomy, ok)},
			"note":     {run: s.send(rest.DecodeNote, created)},
			"timeline": {run: s.timeline},
		},
		kindAccount: {
			"create":   {creates: true, run: s.create(rest.DecodeCreateAccount)},
			"get":      {run: s.get},
			"update":   {run: s.send(rest.DecodeUpdateAccount, ok)},
			"autonomy": {run: s.send(rest.DecodeAutonomy, ok)},
			"timeline": {run: s.timeline},

			"start_onboarding":   {run: s.startOnboarding},
			"complete_milestone": {run: s.sendAt("name", rest.DecodeCompleteMilestone, ok)},
			"recompute_health":   {run: s.send(rest.DecodeRecomputeHealth, ok)},
		},
	}
	for _, cmds := range table {
		cmds["task"] = command{run: s.send(rest.DecodeTask, created)}
		cmds["complete_task"] = command{run: s.sendAt("task_id", rest.DecodeCompleteTask, ok)}
		cmds["set_flag"] = command{run: s.sendAt("name", rest.DecodeSetFlag, ok)}
		cmds["clear_flag"] = command{run: s.clearFlag}
		cmds["draft"] = command{run: s.send(rest.DecodeDraft, created)}
		cmds["approve_draft"] = command{run: s.sendAt("draft_id", rest.DecodeApproveDraft, ok)}
		cmds["discard_draft"] = command{run: s.sendAt("draft_id", rest.DecodeDiscardDraft, ok)}
		cmds["signal"] = command{run: s.send(rest.DecodeSignal, ok)}
	}
	return table
}

// lookup finds the command name for the target, or the error that answers the request.
func (s *Server) lookup(t target, name string) (command, error) {
	cmd, ok := s.table[t.kind][name]
	if !ok {
		names := make([]string, 0, len(s.table[t.kind]))
		for n := range s.table[t.kind] {
			names = append(names, n)
		}
		slices.Sort(names)
		var fs fault.Fields
		fs.Add("command", "is not a %s command; use one of %s", t.kind, strings.Join(names, ", "))
		return command{}, fs.Err()
	}
	switch {
	case cmd.creates && t.id != NewID:
		var fs fault.Fields
		fs.Add("command", "creates a %s: send it to %s", t.kind, Subject(t.kind, NewID))
		return command{}, fs.Err()
	case !cmd.creates && t.id == NewID:
		return command{}, fault.New(fault.NotFound, "no %s with id %q", t.kind, NewID)
	}
	return cmd, nil
}

// stamp sets who asked and the request ID on cmd; a note's author is who asked.
func (c *call) stamp(cmd *aidapb.Command) {
	cmd.Actor = c.actor
	cmd.RequestId = c.requestID
	if note := cmd.GetAddNote(); note != nil {
		note.Author = c.actor
	}
}

// send decodes the data with decode and delivers the command to the entity.
func (s *Server) send(decode decoder, status int) handler {
	return func(ctx context.Context, c *call) (int, any, error) {
		cmd, err := decode(c.data)
		if err != nil {
			return 0, nil, err
		}
		return s.deliver(ctx, c, cmd, status)
	}
}

// sendAt decodes the data with decode and delivers the command to the entity. The data is the
// REST body plus the REST path parameter param (task_id, draft_id, name) as one more field.
func (s *Server) sendAt(param string, decode pathDecoder, status int) handler {
	return func(ctx context.Context, c *call) (int, any, error) {
		value, body, err := splitParam(c.data, param)
		if err != nil {
			return 0, nil, err
		}
		cmd, err := decode(value, body)
		if err != nil {
			return 0, nil, err
		}
		return s.deliver(ctx, c, cmd, status)
	}
}

// splitParam takes the field param out of data, absent or a JSON object: it returns the
// field's string value ("" when absent) and the other fields, the REST body (nil when data is
// absent).
func splitParam(data []byte, param string) (string, []byte, error) {
	if len(data) == 0 {
		return "", nil, nil
	}
	raw, err := object(data)
	if err != nil {
		return "", nil, err
	}
	var value string
	if v, ok := raw[param]; ok {
		if json.Unmarshal(v, &value) != nil {
			var fs fault.Fields
			fs.Add(param, "must be a string")
			return "", nil, fs.Err()
		}
		delete(raw, param)
	}
	body, err := json.Marshal(raw)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", rest.ErrBadJSON, err)
	}
	return value, body, nil
}

// deliver sends cmd to the call's entity and answers with status and the reply's view.
func (s *Server) deliver(ctx context.Context, c *call, cmd *aidapb.Command, status int) (int, any, error) {
	c.stamp(cmd)
	reply, err := s.entities.Send(ctx, c.kind, c.id, cmd)
	if err != nil {
		return 0, nil, err
	}
	v, err := view(reply)
	if err != nil {
		return 0, nil, err
	}
	return status, v, nil
}

func (s *Server) get(ctx context.Context, c *call) (int, any, error) {
	if err := params(c.data, nil); err != nil {
		return 0, nil, err
	}
	return s.deliver(ctx, c, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}, http.StatusOK)
}

func (s *Server) restore(ctx context.Context, c *call) (int, any, error) {
	if err := params(c.data, nil); err != nil {
		return 0, nil, err
	}
	cmd := &aidapb.Command{Body: &aidapb.Command_RestoreLead{RestoreLead: &aidapb.RestoreLead{}}}
	return s.deliver(ctx, c, cmd, http.StatusOK)
}

// archive takes REST's ?reason= as data {"reason": "…"}, trimmed and cut to 1000 bytes.
func (s *Server) archive(ctx context.Context, c *call) (int, any, error) {
	var reason string
	if err := params(c.data, map[string]func(json.RawMessage) string{"reason": str(&reason)}); err != nil {
		return 0, nil, err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "")
	}
	cmd := &aidapb.Command{Body: &aidapb.Command_ArchiveLead{ArchiveLead: &aidapb.ArchiveLead{Reason: reason}}}
	return s.deliver(ctx, c, cmd, http.StatusOK)
}

// clearFlag takes REST's path parameter and ?reason= as data {"name": "…", "reason": "…"}.
func (s *Server) clearFlag(ctx context.Context, c *call) (int, any, error) {
	var name, reason string
	if err := params(c.data, map[string]func(json.RawMessage) string{"name": str(&name), "reason": str(&reason)}); err != nil {
		return 0, nil, err
	}
	cmd, err := rest.DecodeClearFlag(name, strings.TrimSpace(reason))
	if err != nil {
		return 0, nil, err
	}
	return s.deliver(ctx, c, cmd, http.StatusOK)
}

// stopSequence takes REST's ?reason= as data {"reason": "…"}.
func (s *Server) stopSequence(ctx context.Context, c *call) (int, any, error) {
	var reason string
	if err := params(c.data, map[string]func(json.RawMessage) string{"reason": str(&reason)}); err != nil {
		return 0, nil, err
	}
	cmd, err := rest.DecodeStopSequence(strings.TrimSpace(reason))
	if err != nil {
		return 0, nil, err
	}
	return s.deliver(ctx, c, cmd, http.StatusOK)
}

// startOnboarding answers 200 with the account whose onboarding started.
func (s *Server) startOnboarding(ctx context.Context, c *call) (int, any, error) {
	cmd, err := rest.DecodeStartOnboarding(c.data)
	if err != nil {
		return 0, nil, err
	}
	c.stamp(cmd)
	reply, err := s.entities.StartOnboarding(ctx, c.id, cmd)
	if err != nil {
		return 0, nil, err
	}
	v, err := view(reply)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v, nil
}

// str is a params parser of a string field into *p.
func str(p *string) func(json.RawMessage) string {
	return func(raw json.RawMessage) string {
		if json.Unmarshal(raw, p) != nil {
			return "must be a string"
		}
		return ""
	}
}

// capture answers 201 with a new lead, 200 with the existing lead of that email.
func (s *Server) capture(ctx context.Context, c *call) (int, any, error) {
	cmd, err := rest.DecodeCapture(c.data)
	if err != nil {
		return 0, nil, err
	}
	c.stamp(cmd)
	lead, duplicate, err := s.entities.Capture(ctx, cmd)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusCreated
	if duplicate {
		status = http.StatusOK
	}
	return status, rest.CapturedLead{Lead: rest.ViewLead(lead), Duplicate: duplicate}, nil
}

// create answers 201 with the new deal or account.
func (s *Server) create(decode decoder) handler {
	return func(ctx context.Context, c *call) (int, any, error) {
		cmd, err := decode(c.data)
		if err != nil {
			return 0, nil, err
		}
		c.stamp(cmd)
		reply, err := s.entities.Create(ctx, c.kind, cmd)
		if err != nil {
			return 0, nil, err
		}
		v, err := view(reply)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, v, nil
	}
}

// convert answers 201 with the deal the lead became.
func (s *Server) convert(ctx context.Context, c *call) (int, any, error) {
	cmd, err := rest.DecodeConvert(c.data)
	if err != nil {
		return 0, nil, err
	}
	c.stamp(cmd)
	deal, err := s.entities.Convert(ctx, c.id, cmd)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, rest.ViewDeal(deal), nil
}

// view turns an actor's reply into its JSON view, or its error.
func view(reply *aidapb.Reply) (any, error) {
	if e := reply.GetError(); e != nil {
		return nil, fault.FromProto(e)
	}
	switch v := reply.GetView().(type) {
	case *aidapb.Reply_Lead:
		return rest.ViewLead(v.Lead), nil
	case *aidapb.Reply_Deal:
		return rest.ViewDeal(v.Deal), nil
	case *aidapb.Reply_Account:
		return rest.ViewAccount(v.Account), nil
	}
	return nil, fault.New(fault.Internal, "the reply holds no view")
}

// params decodes data, absent or a JSON object, calling the parser of each key; a parser
// returns what is wrong with its value, or "". Keys without a parser are invalid.
func params(data []byte, parsers map[string]func(json.RawMessage) string) error {
	if len(data) == 0 {
		return nil
	}
	raw, err := object(data)
	if err != nil {
		return err
	}
	var fs fault.Fields
	for _, k := range sortedKeys(raw) {
		parse, ok := parsers[k]
		if !ok {
			fs.Add(k, "is not a known field")
			continue
		}
		if msg := parse(raw[k]); msg != "" {
			fs.Add(k, "%s", msg)
		}
	}
	return fs.Err()
}
