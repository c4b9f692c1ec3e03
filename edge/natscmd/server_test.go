package natscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence"
)

const (
	leadID  = "0190a8c2-7d1e-7b3a-9c4d-5e6f7a8b9c0d"
	dealID  = "0190a8c2-7d1e-7b3a-9c4d-5e6f7a8b9c0e"
	acctID  = "0190a8c2-7d1e-7b3a-9c4d-5e6f7a8b9c0f"
	newLead = "0190a8c2-7d1e-7b3a-9c4d-000000000001"
)

// seen records what the fake was asked.
type seen struct {
	method, kind, id string
	cmd              *aidapb.Command
	after            int64
	limit            int
	deadline         bool
}

// recorder returns a fake that answers every method with a view of the entity asked for and
// records each call.
func recorder(duplicate bool) (*fakeEntities, func() []seen) {
	var mu sync.Mutex
	var calls []seen
	rec := func(s seen) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, s)
	}
	hasDeadline := func(ctx context.Context) bool { _, ok := ctx.Deadline(); return ok }
	replyOf := func(kind, id string) *aidapb.Reply {
		switch kind {
		case kindLead:
			return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: &aidapb.Lead{Id: id}}}
		case kindDeal:
			return &aidapb.Reply{View: &aidapb.Reply_Deal{Deal: &aidapb.Deal{Id: id}}}
		}
		return &aidapb.Reply{View: &aidapb.Reply_Account{Account: &aidapb.Account{Id: id}}}
	}
	f := &fakeEntities{
		capture: func(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
			rec(seen{method: "Capture", kind: kindLead, cmd: cmd, deadline: hasDeadline(ctx)})
			return &aidapb.Lead{Id: newLead}, duplicate, nil
		},
		create: func(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
			rec(seen{method: "Create", kind: kind, cmd: cmd, deadline: hasDeadline(ctx)})
			return replyOf(kind, newLead), nil
		},
		send: func(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
			rec(seen{method: "Send", kind: kind, id: id, cmd: cmd, deadline: hasDeadline(ctx)})
			return replyOf(kind, id), nil
		},
		convert: func(ctx context.Context, id string, cmd *aidapb.Command) (*aidapb.Deal, error) {
			rec(seen{method: "Convert", kind: kindLead, id: id, cmd: cmd, deadline: hasDeadline(ctx)})
			return &aidapb.Deal{Id: newLead}, nil
		},
		onboard: func(ctx context.Context, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
			rec(seen{method: "StartOnboarding", kind: kindAccount, id: id, cmd: cmd, deadline: hasDeadline(ctx)})
			return replyOf(kindAccount, id), nil
		},
		timeline: func(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
			rec(seen{method: "Timeline", kind: kind, id: id, after: after, limit: limit, deadline: hasDeadline(ctx)})
			ev, err := protojson.Marshal(&aidapb.Event{Id: "ev-1", Version: 1, Data: &aidapb.Event_LeadCaptured{
				LeadCaptured: &aidapb.LeadCaptured{Lead: &aidapb.Lead{Id: id}}}})
			if err != nil {
				return nil, err
			}
			return []persistence.Entry{{Kind: kind, ID: id, Version: 1, EventID: "ev-1", Type: "crm.lead.captured",
				Actor: "nats", Time: time.Unix(0, 0), Data: ev}}, nil
		},
	}
	return f, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), calls...)
	}
}

// bodyName returns the name of the command's body (get, update_lead …).
func bodyName(cmd *aidapb.Command) string {
	if cmd == nil {
		return ""
	}
	m := cmd.ProtoReflect()
	fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("body"))
	if fd == nil {
		return ""
	}
	return string(fd.Name())
}

// roundTrip is a command sent over NATS and what the entities must get.
type roundTrip struct {
	kind, id, command, data string
	method, body            string // the fake method called and the command body it gets
	status                  int
	check                   func(t *testing.T, s seen, data json.RawMessage)
}

// cmdCheck returns a check that the command sent passes ok.
func cmdCheck(ok func(*aidapb.Command) bool) func(t *testing.T, s seen, data json.RawMessage) {
	return func(t *testing.T, s seen, _ json.RawMessage) {
		t.Helper()
		if !ok(s.cmd) {
			t.Errorf("command %v", s.cmd)
		}
	}
}

// workRoundTrips returns the round trips of the commands every kind has for its work.
func workRoundTrips() []roundTrip {
	var out []roundTrip
	for _, k := range []struct{ kind, id string }{{kindLead, leadID}, {kindDeal, dealID}, {kindAccount, acctID}} {
		out = append(out,
			roundTrip{kind: k.kind, id: k.id, command: "task", data: `{"title":"Call","assignee":"bob"}`, method: "Send",
				body: "add_task", status: 201, check: cmdCheck(func(c *aidapb.Command) bool {
					return c.GetAddTask().GetTitle() == "Call" && c.GetAddTask().GetAssignee() == "bob"
				})},
			roundTrip{kind: k.kind, id: k.id, command: "complete_task", data: `{"task_id":"t-1","reason":"done"}`, method: "Send",
				body: "complete_task", status: 200, check: cmdCheck(func(c *aidapb.Command) bool {
					return c.GetCompleteTask().GetTaskId() == "t-1" && c.GetCompleteTask().GetReason() == "done"
				})},
			roundTrip{kind: k.kind, id: k.id, command: "set_flag", data: `{"name":"stale"}`, method: "Send",
				body: "set_flag", status: 200, check: cmdCheck(func(c *aidapb.Command) bool { return c.GetSetFlag().GetName() == "stale" })},
			roundTrip{kind: k.kind, id: k.id, command: "clear_flag", data: `{"name":"stale","reason":" moved "}`, method: "Send",
				body: "clear_flag", status: 200, check: cmdCheck(func(c *aidapb.Command) bool {
					return c.GetClearFlag().GetName() == "stale" && c.GetClearFlag().GetReason() == "moved"
				})},
			roundTrip{kind: k.kind, id: k.id, command: "draft", data: `{"channel":"sms","body":"Hi"}`, method: "Send",
				body: "draft_message", status: 201, check: cmdCheck(func(c *aidapb.Command) bool { return c.GetDraftMessage().GetChannel() == "sms" })},
			roundTrip{kind: k.kind, id: k.id, command: "approve_draft", data: `{"draft_id":"d-1"}`, method: "Send",
				body: "decide_draft", status: 200, check: cmdCheck(func(c *aidapb.Command) bool {
					return c.GetDecideDraft().GetDraftId() == "d-1" && c.GetDecideDraft().GetApprove()
				})},
			roundTrip{kind: k.kind, id: k.id, command: "discard_draft", data: `{"draft_id":"d-1","reason":"tone"}`, method: "Send",
				body: "decide_draft", status: 200, check: cmdCheck(func(c *aidapb.Command) bool {
					return c.GetDecideDraft().GetDraftId() == "d-1" && !c.GetDecideDraft().GetApprove()
				})},
			roundTrip{kind: k.kind, id: k.id, command: "signal", data: `{"signal_id":"m-1","type":"email.opened"}`, method: "Send",
				body: "record_signal", status: 200, check: cmdCheck(func(c *aidapb.Command) bool { return c.GetRecordSignal().GetSignalId() == "m-1" })},
		)
	}
	return append(out,
		roundTrip{kind: "lead", id: leadID, command: "start_sequence", data: `{"type":"nurture"}`, method: "Send",
			body: "start_sequence", status: 200, check: cmdCheck(func(c *aidapb.Command) bool { return c.GetStartSequence().GetType() == "nurture" })},
		roundTrip{kind: "lead", id: leadID, command: "stop_sequence", method: "Send", body: "stop_sequence", status: 200},
		roundTrip{kind: "account", id: acctID, command: "start_onboarding", data: `{"deal_id":"` + dealID + `"}`, method: "StartOnboarding",
			body: "start_onboarding", status: 200, check: cmdCheck(func(c *aidapb.Command) bool {
				p := c.GetStartOnboarding().GetPlan()
				return p.GetDealId() == dealID && p.GetRequested() == "standard"
			})},
		roundTrip{kind: "account", id: acctID, command: "complete_milestone", data: `{"name":"kickoff"}`, method: "Send",
			body: "complete_milestone", status: 200, check: cmdCheck(func(c *aidapb.Command) bool { return c.GetCompleteMilestone().GetName() == "kickoff" })},
		roundTrip{kind: "account", id: acctID, command: "recompute_health", data: `null`, method: "Send", body: "recompute_health", status: 200},
	)
}

func TestCommandsRoundTrip(t *testing.T) {
	nc := startNATS(t)
	tests := []roundTrip{
		{kind: "lead", id: "new", command: "capture", data: `{"email":"Ann@Example.com"}`, method: "Capture",
			body: "capture_lead", status: 201, check: func(t *testing.T, s seen, data json.RawMessage) {
				var v rest.CapturedLead
				mustJSON(t, data, &v)
				if v.Lead.ID != newLead || v.Duplicate || s.cmd.GetCaptureLead().GetEmail() != "ann@example.com" {
					t.Errorf("capture: view %+v, cmd %v", v, s.cmd)
				}
			}},
		{kind: "lead", id: leadID, command: "get", method: "Send", body: "get", status: 200},
		{kind: "lead", id: leadID, command: "get", data: `{}`, method: "Send", body: "get", status: 200},
		{kind: "lead", id: leadID, command: "update", data: `{"first_name":"Ann"}`, method: "Send",
			body: "update_lead", status: 200, check: func(t *testing.T, s seen, _ json.RawMessage) {
				if s.cmd.GetUpdateLead().GetFirstName() != "Ann" {
					t.Errorf("update: %v", s.cmd)
				}
			}},
		{kind: "lead", id: leadID, command: "archive", data: `{"reason":"  spam  "}`, method: "Send",
			body: "archive_lead", status: 200, check: func(t *testing.T, s seen, _ json.RawMessage) {
				if s.cmd.GetArchiveLead().GetReason() != "spam" {
					t.Errorf("archive reason %q", s.cmd.GetArchiveLead().GetReason())
				}
			}},
		{kind: "lead", id: leadID, command: "archive", method: "Send", body: "archive_lead", status: 200},
		{kind: "lead", id: leadID, command: "restore", data: `null`, method: "Send", body: "restore_lead", status: 200},
		{kind: "lead", id: leadID, command: "status", data: `{"status":"contacted"}`, method: "Send",
			body: "change_lead_status", status: 200},
		{kind: "lead", id: leadID, command: "autonomy", data: `{"level":3}`, method: "Send",
			body: "set_autonomy", status: 200},
		{kind: "lead", id: leadID, command: "note", data: `{"text":"called"}`, method: "Send",
			body: "add_note", status: 201, check: func(t *testing.T, s seen, _ json.RawMessage) {
				if s.cmd.GetAddNote().GetAuthor() != "key:billing" {
					t.Errorf("note author %q", s.cmd.GetAddNote().GetAuthor())
				}
			}},
		{kind: "lead", id: leadID, command: "convert", method: "Convert", body: "create_deal", status: 201,
			check: func(t *testing.T, s seen, data json.RawMessage) {
				var v rest.Deal
				mustJSON(t, data, &v)
				if v.ID != newLead {
					t.Errorf("convert view %+v", v)
				}
			}},
		{kind: "lead", id: leadID, command: "timeline", data: `{"after":0,"limit":1}`, method: "Timeline",
			status: 200, check: func(t *testing.T, s seen, data json.RawMessage) {
				var v rest.Timeline
				mustJSON(t, data, &v)
				if s.after != 0 || s.limit != 1 || len(v.Items) != 1 || v.NextAfter != 1 ||
					v.Items[0].Type != "crm.lead.captured" || v.Items[0].Summary != "nats captured a lead" {
					t.Errorf("timeline: seen %+v, view %+v", s, v)
				}
			}},
		{kind: "deal", id: "new", command: "create", data: `{"title":"Big"}`, method: "Create",
			body: "create_deal", status: 201},
		{kind: "deal", id: dealID, command: "get", method: "Send", body: "get", status: 200},
		{kind: "deal", id: dealID, command: "update", data: `{"title":"Bigger"}`, method: "Send",
			body: "update_deal", status: 200},
		{kind: "deal", id: dealID, command: "stage", data: `{"stage":"qualified"}`, method: "Send",
			body: "change_deal_stage", status: 200},
		{kind: "deal", id: dealID, command: "autonomy", data: `{"level":2}`, method: "Send",
			body: "set_autonomy", status: 200},
		{kind: "deal", id: dealID, command: "note", data: `{"text":"met"}`, method: "Send",
			body: "add_note", status: 201},
		{kind: "deal", id: dealID, command: "timeline", method: "Timeline", status: 200,
			check: func(t *testing.T, s seen, _ json.RawMessage) {
				if s.after != 0 || s.limit != 100 {
					t.Errorf("timeline defaults: %+v", s)
				}
			}},
		{kind: "account", id: "new", command: "create", data: `{"name":"Acme"}`, method: "Create",
			body: "create_account", status: 201},
		{kind: "account", id: acctID, command: "get", method: "Send", body: "get", status: 200},
		{kind: "account", id: acctID, command: "update", data: `{"lifecycle":"active"}`, method: "Send",
			body: "update_account", status: 200},
		{kind: "account", id: acctID, command: "autonomy", data: `{"level":5}`, method: "Send",
			body: "set_autonomy", status: 200},
		{kind: "account", id: acctID, command: "timeline", data: `{"after":7}`, method: "Timeline", status: 200},
	}
	tests = append(tests, workRoundTrips()...)
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.kind+" "+tt.command] = true
		t.Run(tt.kind+"_"+tt.command, func(t *testing.T) {
			f, calls := recorder(false)
			startServer(t, nc, f)
			payload := fmt.Sprintf(`{"command":%q}`, tt.command)
			if tt.data != "" {
				payload = fmt.Sprintf(`{"command":%q,"data":%s}`, tt.command, tt.data)
			}
			hdr := nats.Header{}
			hdr.Set("Aida-Actor", "agent:nurture") // not read: the principal is the key's
			hdr.Set(HeaderRequestID, "rid-1")
			r, msg := ask(t, nc, Subject(tt.kind, tt.id), payload, hdr)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d; problem %+v", r.Status, tt.status, r.Problem)
			}
			if got := msg.Header.Get(HeaderRequestID); got != "rid-1" {
				t.Errorf("request id header %q", got)
			}
			got := calls()
			if len(got) != 1 {
				t.Fatalf("calls %+v, want one", got)
			}
			s := got[0]
			wantID := tt.id
			if tt.id == NewID {
				wantID = ""
			}
			if s.method != tt.method || s.kind != tt.kind || s.id != wantID || !s.deadline {
				t.Errorf("call %s(%s, %s) deadline %v, want %s(%s, %s)", s.method, s.kind, s.id, s.deadline,
					tt.method, tt.kind, wantID)
			}
			if s.cmd != nil {
				if bodyName(s.cmd) != tt.body {
					t.Errorf("body %q, want %q", bodyName(s.cmd), tt.body)
				}
				if s.cmd.GetActor() != "key:billing" || s.cmd.GetRequestId() != "rid-1" {
					t.Errorf("actor %q request %q", s.cmd.GetActor(), s.cmd.GetRequestId())
				}
			}
			if tt.check != nil {
				tt.check(t, s, r.Data)
			}
			if tt.method == "Send" || tt.method == "StartOnboarding" {
				var v struct{ ID string }
				mustJSON(t, r.Data, &v)
				if v.ID != tt.id {
					t.Errorf("view id %q, want %q", v.ID, tt.id)
				}
			}
		})
	}
	for kind, cmds := range commands() {
		for name := range cmds {
			if !covered[kind+" "+name] {
				t.Errorf("command %s %s has no round-trip case", kind, name)
			}
		}
	}
}

func TestActorAndRequestID(t *testing.T) {
	nc := startNATS(t)
	f, calls := recorder(true)
	startServer(t, nc, f)
	r, msg := ask(t, nc, Subject("lead", "new"), `{"command":"capture","data":{"email":"a@b.co"}}`, nil)
	if r.Status != http.StatusOK { // an existing lead: 200, like REST
		t.Fatalf("status %d: %+v", r.Status, r.Problem)
	}
	cmd := calls()[0].cmd
	if cmd.GetActor() != "key:billing" || cmd.GetRequestId() != "rid-made" || msg.Header.Get(HeaderRequestID) != "rid-made" {
		t.Errorf("actor %q request %q header %q", cmd.GetActor(), cmd.GetRequestId(), msg.Header.Get(HeaderRequestID))
	}
	if msg.Header.Get(headerType) != contentJSON {
		t.Errorf("content type %q", msg.Header.Get(headerType))
	}
}

func TestErrorsMapLikeREST(t *testing.T) {
	nc := startNATS(t)
	tests := []struct {
		name   string
		err    error
		reply  *aidapb.Reply // returned with a nil error instead, when set
		status int
		typ    string
		fields []rest.FieldError
		retry  bool
		detail string
	}{
		{name: "not found", err: fault.New(fault.NotFound, "no lead"), status: 404, typ: "/problems/not-found", detail: "no lead"},
		{name: "transition", err: fmt.Errorf("send: %w", fault.New(fault.Transition, "archived")), status: 409,
			typ: "/problems/transition", detail: "archived"},
		{name: "conflict", err: fault.New(fault.Conflict, "lost"), status: 409, typ: "/problems/conflict"},
		{name: "duplicate", err: fault.New(fault.Duplicate, "taken"), status: 409, typ: "/problems/duplicate"},
		{name: "invalid", err: fault.Fields{{Name: "email", Message: "is taken"}}.Err(), status: 422,
			typ: "/problems/invalid", fields: []rest.FieldError{{Field: "email", Message: "is taken"}}},
		{name: "unavailable", err: fault.New(fault.Unavailable, "busy"), status: 503, typ: "/problems/unavailable", retry: true},
		{name: "deadline", err: context.DeadlineExceeded, status: 503, typ: "/problems/timeout", retry: true},
		{name: "store not found", err: persistence.ErrNotFound, status: 404, typ: "/problems/not-found", detail: "no such entity"},
		{name: "store conflict", err: fmt.Errorf("append: %w", persistence.ErrConflict), status: 409, typ: "/problems/conflict"},
		{name: "store duplicate", err: &persistence.UniqueError{Kind: "lead"}, status: 409, typ: "/problems/duplicate"},
		{name: "store down", err: persistence.Unavailable(errors.New("dial")), status: 503, typ: "/problems/unavailable", retry: true},
		{name: "bug", err: errors.New("secret detail"), status: 500, typ: "/problems/internal",
			detail: "an internal error occurred; quote the request id when reporting it"},
		{name: "reply error", reply: &aidapb.Reply{Error: fault.ToProto(fault.New(fault.Transition, "won"))},
			status: 409, typ: "/problems/transition", detail: "won"},
		{name: "reply without view", reply: &aidapb.Reply{}, status: 500, typ: "/problems/internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEntities{send: func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
				if tt.reply != nil {
					return tt.reply, nil
				}
				return nil, tt.err
			}}
			startServer(t, nc, f)
			hdr := nats.Header{}
			hdr.Set(HeaderRequestID, "rid-err")
			r, msg := ask(t, nc, Subject("deal", dealID), `{"command":"get"}`, hdr)
			p := r.Problem
			if r.Status != tt.status || p.Type != tt.typ {
				t.Fatalf("got %d %s, want %d %s", r.Status, p.Type, tt.status, tt.typ)
			}
			if tt.detail != "" && p.Detail != tt.detail {
				t.Errorf("detail %q, want %q", p.Detail, tt.detail)
			}
			if strings.Contains(p.Detail, "secret") {
				t.Errorf("internal detail leaked: %q", p.Detail)
			}
			if !reflect.DeepEqual(p.Errors, tt.fields) {
				t.Errorf("fields %+v, want %+v", p.Errors, tt.fields)
			}
			if p.Instance != Subject("deal", dealID) || p.RequestID != "rid-err" {
				t.Errorf("instance %q request id %q", p.Instance, p.RequestID)
			}
			if got := msg.Header.Get(headerRetryAfter) == "1"; got != tt.retry {
				t.Errorf("Retry-After set %v, want %v", got, tt.retry)
			}
		})
	}
}

func TestMalformedRequests(t *testing.T) {
	nc := startNATS(t)
	f, calls := recorder(false)
	startServer(t, nc, f)
	long := strings.Repeat("x", 300)
	tests := []struct {
		name, subject, payload string
		hdr                    nats.Header
		status                 int
		field                  string // the invalid field of a 422
	}{
		{name: "empty payload", subject: Subject("lead", leadID), payload: ``, status: 400},
		{name: "not JSON", subject: Subject("lead", leadID), payload: `{"command":`, status: 400},
		{name: "array", subject: Subject("lead", leadID), payload: `["get"]`, status: 400},
		{name: "no command", subject: Subject("lead", leadID), payload: `{}`, status: 422, field: "command"},
		{name: "command not a string", subject: Subject("lead", leadID), payload: `{"command":1}`, status: 422, field: "command"},
		{name: "unknown key", subject: Subject("lead", leadID), payload: `{"command":"get","extra":1}`, status: 422, field: "extra"},
		{name: "unknown command", subject: Subject("lead", leadID), payload: `{"command":"stage"}`, status: 422, field: "command"},
		{name: "create on an id", subject: Subject("deal", dealID), payload: `{"command":"create","data":{"title":"x"}}`, status: 422, field: "command"},
		{name: "get on new", subject: Subject("lead", "new"), payload: `{"command":"get"}`, status: 404},
		{name: "unknown kind", subject: Subject("contact", leadID), payload: `{"command":"get"}`, status: 404},
		{name: "bad id", subject: Subject("lead", "42"), payload: `{"command":"get"}`, status: 404},
		{name: "long bad id", subject: Subject("lead", long), payload: `{"command":"get"}`, status: 404},
		{name: "no id", subject: SubjectPrefix + ".lead", payload: `{"command":"get"}`, status: 404},
		{name: "extra token", subject: Subject("lead", leadID) + ".x", payload: `{"command":"get"}`, status: 404},
		{name: "data for get", subject: Subject("lead", leadID), payload: `{"command":"get","data":{"x":1}}`, status: 422, field: "x"},
		{name: "data not an object", subject: Subject("lead", leadID), payload: `{"command":"get","data":"x"}`, status: 400},
		{name: "capture without data", subject: Subject("lead", "new"), payload: `{"command":"capture"}`, status: 400},
		{name: "capture invalid", subject: Subject("lead", "new"), payload: `{"command":"capture","data":{"email":"no"}}`, status: 422, field: "email"},
		{name: "update nothing", subject: Subject("lead", leadID), payload: `{"command":"update","data":{}}`, status: 422, field: "body"},
		{name: "stage unknown", subject: Subject("deal", dealID), payload: `{"command":"stage","data":{"stage":"won"}}`, status: 422, field: "stage"},
		{name: "archive reason type", subject: Subject("lead", leadID), payload: `{"command":"archive","data":{"reason":1}}`, status: 422, field: "reason"},
		{name: "timeline negative after", subject: Subject("lead", leadID), payload: `{"command":"timeline","data":{"after":-1}}`, status: 422, field: "after"},
		{name: "timeline limit", subject: Subject("lead", leadID), payload: `{"command":"timeline","data":{"limit":501}}`, status: 422, field: "limit"},
		{name: "task_id not a string", subject: Subject("deal", dealID), payload: `{"command":"complete_task","data":{"task_id":7}}`, status: 422, field: "task_id"},
		{name: "task_id missing", subject: Subject("deal", dealID), payload: `{"command":"complete_task","data":{"reason":"x"}}`, status: 422, field: "task_id"},
		{name: "task_id without data", subject: Subject("deal", dealID), payload: `{"command":"complete_task"}`, status: 422, field: "task_id"},
		{name: "draft data not an object", subject: Subject("lead", leadID), payload: `{"command":"approve_draft","data":[1]}`, status: 400},
		{name: "flag name not a string", subject: Subject("lead", leadID), payload: `{"command":"clear_flag","data":{"name":1}}`, status: 422, field: "name"},
		{name: "clear flag unknown field", subject: Subject("lead", leadID), payload: `{"command":"clear_flag","data":{"name":"x","why":"y"}}`, status: 422, field: "why"},
		{name: "sequence on a deal", subject: Subject("deal", dealID), payload: `{"command":"start_sequence","data":{"type":"welcome"}}`, status: 422, field: "command"},
		{name: "onboarding on a lead", subject: Subject("lead", leadID), payload: `{"command":"start_onboarding","data":{"deal_id":"` + dealID + `"}}`, status: 422, field: "command"},
		{name: "no credentials", subject: Subject("lead", leadID), payload: `{"command":"get"}`,
			hdr: nats.Header{HeaderAuthorization: []string{""}}, status: 401},
		{name: "malformed credentials", subject: Subject("lead", leadID), payload: `{"command":"get"}`,
			hdr: nats.Header{HeaderAuthorization: []string{"Basic eDp5"}}, status: 401},
		{name: "unknown key", subject: Subject("lead", leadID), payload: `{"command":"get"}`,
			hdr: nats.Header{HeaderAuthorization: []string{"Bearer forged"}}, status: 401},
		{name: "a viewer writes", subject: Subject("lead", leadID), payload: `{"command":"note","data":{"text":"x"}}`,
			hdr: nats.Header{HeaderAuthorization: []string{"Bearer " + viewerToken}}, status: 403},
		{name: "a rep approves", subject: Subject("lead", leadID), payload: `{"command":"approve_draft","data":{"draft_id":"d1"}}`,
			hdr: nats.Header{HeaderAuthorization: []string{"Bearer " + repToken}}, status: 403},
		{name: "a rep raises autonomy to L4", subject: Subject("lead", leadID), payload: `{"command":"autonomy","data":{"level":4}}`,
			hdr: nats.Header{HeaderAuthorization: []string{"Bearer " + repToken}}, status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(calls())
			r, _ := ask(t, nc, tt.subject, tt.payload, tt.hdr)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %+v", r.Status, tt.status, r.Problem)
			}
			if tt.field != "" && (len(r.Problem.Errors) == 0 || r.Problem.Errors[0].Field != tt.field) {
				t.Errorf("fields %+v, want %s", r.Problem.Errors, tt.field)
			}
			if n := len(calls()); n != before {
				t.Errorf("the entities were called for a malformed request")
			}
		})
	}
}

func TestConcurrencyLimitAnswers503(t *testing.T) {
	nc := startNATS(t)
	entered, release := make(chan struct{}), make(chan struct{})
	f := &fakeEntities{send: func(ctx context.Context, kind, id string, _ *aidapb.Command) (*aidapb.Reply, error) {
		entered <- struct{}{}
		<-release
		return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: &aidapb.Lead{Id: id}}}, nil
	}}
	startServer(t, nc, f, WithConcurrency(1))
	first := make(chan Reply, 1)
	go func() {
		msg, err := nc.RequestMsg(authorized(Subject("lead", leadID), `{"command":"get"}`), 10*time.Second)
		var r Reply
		if err == nil {
			err = json.Unmarshal(msg.Data, &r)
		}
		if err != nil {
			r.Status = -1
		}
		first <- r
	}()
	<-entered
	r, msg := ask(t, nc, Subject("lead", leadID), `{"command":"get"}`, nil)
	if r.Status != http.StatusServiceUnavailable || r.Problem.Type != "/problems/unavailable" || msg.Header.Get(headerRetryAfter) != "1" {
		t.Errorf("second request: %d %+v", r.Status, r.Problem)
	}
	close(release)
	if r := <-first; r.Status != http.StatusOK {
		t.Errorf("first request: %d %+v", r.Status, r.Problem)
	}
	// The slot is free again.
	go func() { <-entered }()
	if r, _ := ask(t, nc, Subject("lead", leadID), `{"command":"get"}`, nil); r.Status != http.StatusOK {
		t.Errorf("third request: %d %+v", r.Status, r.Problem)
	}
}

func TestTimeoutAnswers503(t *testing.T) {
	nc := startNATS(t)
	f := &fakeEntities{send: func(ctx context.Context, _, _ string, _ *aidapb.Command) (*aidapb.Reply, error) {
		<-ctx.Done()
		return nil, fmt.Errorf("ask actor: %w", ctx.Err())
	}}
	startServer(t, nc, f, WithTimeout(20*time.Millisecond))
	r, _ := ask(t, nc, Subject("account", acctID), `{"command":"get"}`, nil)
	if r.Status != http.StatusServiceUnavailable || r.Problem.Type != "/problems/timeout" {
		t.Errorf("got %d %+v", r.Status, r.Problem)
	}
}

func TestPanicAnswers500(t *testing.T) {
	nc := startNATS(t)
	f := &fakeEntities{send: func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		panic("boom")
	}}
	startServer(t, nc, f)
	r, _ := ask(t, nc, Subject("lead", leadID), `{"command":"get"}`, nil)
	if r.Status != http.StatusInternalServerError || strings.Contains(r.Problem.Detail, "boom") {
		t.Errorf("got %d %+v", r.Status, r.Problem)
	}
}

// Two servers in the queue group share the requests: each request is handled once.
func TestQueueGroupHandlesEachRequestOnce(t *testing.T) {
	nc := startNATS(t)
	f, calls := recorder(false)
	startServer(t, nc, f)
	startServer(t, nc, f)
	const n = 20
	for i := range n {
		if r, _ := ask(t, nc, Subject("lead", leadID), `{"command":"get"}`, nil); r.Status != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.Status)
		}
	}
	if got := len(calls()); got != n {
		t.Errorf("%d calls for %d requests", got, n)
	}
}

// Stop answers the requests already running before it returns, then no longer listens.
func TestStopDrains(t *testing.T) {
	nc := startNATS(t)
	entered, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	f := &fakeEntities{send: func(_ context.Context, _, id string, _ *aidapb.Command) (*aidapb.Reply, error) {
		close(entered)
		<-release
		finished.Store(true)
		return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: &aidapb.Lead{Id: id}}}, nil
	}}
	s := New(nc, f, WithAuthenticator(testAuth))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); !errors.Is(err, ErrStarted) {
		t.Errorf("second Start: %v, want ErrStarted", err)
	}
	reply := make(chan *nats.Msg, 1)
	go func() {
		msg, _ := nc.RequestMsg(authorized(Subject("lead", leadID), `{"command":"get"}`), 10*time.Second)
		reply <- msg
	}()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop() }()
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !finished.Load() {
		t.Errorf("Stop returned before the in-flight request finished")
	}
	if msg := <-reply; msg == nil || msg.Header.Get(HeaderStatus) != "200" {
		t.Errorf("in-flight request not answered: %v", msg)
	}
	if _, err := nc.Request(Subject("lead", leadID), []byte(`{"command":"get"}`), 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("after Stop: %v, want no responders", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func mustJSON(t *testing.T, data json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

// TestRepliesOnlyToInboxes: a request whose reply subject is not an inbox gets no answer, so a
// caller cannot make AIDA publish to a subject of its choosing (an event, the JetStream API).
func TestRepliesOnlyToInboxes(t *testing.T) {
	nc := startNATS(t)
	f, calls := recorder(false)
	startServer(t, nc, f)
	forged, err := nc.SubscribeSync("crm.lead.forged")
	if err != nil {
		t.Fatal(err)
	}
	msg := authorized(Subject("lead", leadID), `{"command":"get"}`)
	msg.Reply = "crm.lead.forged"
	if err := nc.PublishMsg(msg); err != nil {
		t.Fatal(err)
	}
	if r, _ := ask(t, nc, Subject("lead", leadID), `{"command":"get"}`, nil); r.Status != http.StatusOK {
		t.Fatalf("a request with an inbox: %d", r.Status)
	}
	for deadline := time.Now().Add(5 * time.Second); len(calls()) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the forged request never reached the entities")
		}
	}
	if got, err := forged.NextMsg(300 * time.Millisecond); err == nil {
		t.Fatalf("an answer went to the forged reply subject: %s", got.Data)
	}
}
