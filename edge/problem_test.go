package edge

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
)

func TestErrorMapping(t *testing.T) {
	invalid := fault.Fields{}
	invalid.Add("value", "must not be negative")
	for _, tc := range []struct {
		name       string
		err        error
		reply      *aidapb.Reply
		status     int
		detail     string
		retryAfter bool
	}{
		{name: "not found", err: fault.New(fault.NotFound, "no lead %s", leadID), status: 404, detail: "no lead " + leadID},
		{name: "invalid", err: invalid.Err(), status: 422, detail: "some fields are invalid"},
		{name: "transition", err: fault.New(fault.Transition, "cannot move converted to new"), status: 409, detail: "cannot move converted to new"},
		{name: "conflict", err: fault.New(fault.Conflict, "retry"), status: 409},
		{name: "duplicate", err: fmt.Errorf("capture: %w", fault.New(fault.Duplicate, "email taken")), status: 409, detail: "email taken"},
		{name: "unavailable", err: fault.New(fault.Unavailable, "mailbox full"), status: 503, retryAfter: true},
		{name: "internal", err: fault.Wrap(fault.Internal, errors.New("secret dsn"), "boom"), status: 500},
		{name: "plain error", err: errors.New("secret dsn"), status: 500},
		{name: "deadline", err: fmt.Errorf("request: %w", context.DeadlineExceeded), status: 503, retryAfter: true},
		{name: "store unavailable", err: persistence.ErrUnavailable, status: 503, retryAfter: true},
		{name: "reply error", reply: &aidapb.Reply{Error: fault.ToProto(fault.New(fault.Transition, "archived"))}, status: 409, detail: "archived"},
		{name: "empty reply", reply: &aidapb.Reply{}, status: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
				return tc.reply, tc.err
			}
			r := h.do(t, "POST", "/api/v1/deals/"+dealID+"/stage", `{"stage":"proposal"}`, "X-Request-ID", "rid-7")
			p := wantProblem(t, r, tc.status)
			if tc.detail != "" && p["detail"] != tc.detail {
				t.Errorf("detail %q, want %q", p["detail"], tc.detail)
			}
			if p["request_id"] != "rid-7" || p["instance"] != "/api/v1/deals/"+dealID+"/stage" {
				t.Errorf("request_id %v instance %v", p["request_id"], p["instance"])
			}
			if got := r.header.Get("Retry-After"); (got == "1") != tc.retryAfter {
				t.Errorf("Retry-After %q", got)
			}
			if tc.status == 422 {
				errs := p["errors"].([]any)
				if e := errs[0].(map[string]any); e["field"] != "value" || e["message"] != "must not be negative" {
					t.Errorf("errors %v", errs)
				}
			}
			if tc.status == 500 {
				if strings.Contains(string(r.body), "secret") {
					t.Errorf("the cause leaked: %s", r.body)
				}
				if logs := h.logs.String(); !strings.Contains(logs, `"request_id":"rid-7"`) || !strings.Contains(logs, `"level":"WARN"`) {
					t.Errorf("the 500 is not logged with its request id at warn:\n%s", logs)
				}
			}
		})
	}
}

func TestDecodeProblems(t *testing.T) {
	h := newHarness(t, Config{})
	p := wantProblem(t, h.do(t, "POST", "/api/v1/leads", `{"email":"nope","autonomy_level":"x","colour":"red"}`), 422)
	want := map[string]bool{"email": true, "autonomy_level": true, "colour": true}
	for _, e := range p["errors"].([]any) {
		f := e.(map[string]any)
		if !want[f["field"].(string)] || f["message"] == "" {
			t.Errorf("unexpected error %v", f)
		}
		delete(want, f["field"].(string))
	}
	if len(want) > 0 {
		t.Errorf("fields not reported: %v", want)
	}
	wantProblem(t, h.do(t, "POST", "/api/v1/leads", `{"email":`), 400)
	wantProblem(t, h.do(t, "POST", "/api/v1/leads/"+leadID+"/notes", ``), 400)
	wantProblem(t, h.do(t, "POST", "/api/v1/accounts", `[]`), 400)
}

func TestUnknownRoutesAndIDs(t *testing.T) {
	h := newHarness(t, Config{})
	wantProblem(t, h.do(t, "GET", "/api/v1/nothing", ""), 404)
	wantProblem(t, h.do(t, "GET", "/nothing-here", ""), 404)
	wantProblem(t, h.do(t, "GET", "/assets/nothing.js", ""), 404)
	p := wantProblem(t, h.do(t, "PUT", "/api/v1/leads/"+leadID, `{}`), 405)
	if p["type"] != "/problems/method-not-allowed" {
		t.Errorf("type %v", p["type"])
	}
	for _, tc := range []struct{ path, kind string }{
		{"/api/v1/leads/42", "lead"}, {"/api/v1/deals/not-a-uuid/timeline", "deal"},
		{"/api/v1/accounts/" + strings.Repeat("a", 36), "account"},
		{"/api/v1/leads/{" + leadID[:34] + "}", "lead"},
	} {
		p := wantProblem(t, h.do(t, "GET", tc.path, ""), 404)
		if d, _ := p["detail"].(string); !strings.HasPrefix(d, "no "+tc.kind+" with id ") {
			t.Errorf("GET %s: detail %q", tc.path, d)
		}
	}
}

func TestPanicRecovery(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		panic("bug in the actor layer")
	}
	r := h.do(t, "GET", "/api/v1/leads/"+leadID, "")
	wantProblem(t, r, 500)
	if strings.Contains(string(r.body), "bug in") {
		t.Errorf("the panic leaked: %s", r.body)
	}
	if !strings.Contains(h.logs.String(), "handler panicked") {
		t.Error("the panic is not logged")
	}
	if r := h.do(t, "GET", "/healthz", ""); r.status != 200 {
		t.Errorf("the server does not serve after a panic: %d", r.status)
	}
}

func TestRequestDeadline(t *testing.T) {
	h := newHarness(t, Config{RequestTimeout: 20 * time.Millisecond})
	h.fake.send = func(ctx context.Context, _, _ string, _ *aidapb.Command) (*aidapb.Reply, error) {
		<-ctx.Done() // an actor that never answers
		return nil, ctx.Err()
	}
	r := h.do(t, "GET", "/api/v1/deals/"+dealID, "")
	wantProblem(t, r, 503)
	if r.header.Get("Retry-After") != "1" {
		t.Error("no Retry-After")
	}
}

func TestReadyz(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.ready = func(context.Context) error { return nil }
	if r := h.do(t, "GET", "/readyz", ""); r.status != 200 || r.json(t)["status"] != "ready" {
		t.Errorf("readyz up: %d %s", r.status, r.body)
	}
	h.fake.ready = func(context.Context) error { return persistence.ErrUnavailable }
	r := h.do(t, "GET", "/readyz", "")
	wantProblem(t, r, 503)
	if r.header.Get("Retry-After") != "1" {
		t.Error("no Retry-After")
	}
	if r := h.do(t, "GET", "/healthz", ""); r.status != 200 || r.json(t)["status"] != "ok" {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
}
