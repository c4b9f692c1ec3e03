package edge

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// bodyName returns the name of a command's body (add_task …).
func bodyName(cmd *aidapb.Command) string {
	m := cmd.ProtoReflect()
	if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("body")); fd != nil {
		return string(fd.Name())
	}
	return ""
}

// replyOf answers a command with the entity asked for.
func replyOf(kind, id string) *aidapb.Reply {
	switch kind {
	case "deal":
		return dealReply(id)
	case "account":
		return accountReply(id)
	}
	return leadReply(id)
}

// TestWorkRoutes checks every route of tasks, flags, drafts, signals, sequences, milestones and
// health (onboarding has TestStartOnboarding): the entity, the command body with the path
// parameter in it, the actor, and the status of the answer, which is the entity's view.
func TestWorkRoutes(t *testing.T) {
	type tc struct {
		route      string // METHOD and template, as the router has it
		path, body string
		kind, id   string
		wantBody   string
		status     int
		check      func(*aidapb.Command) bool
	}
	var cases []tc
	for _, k := range []struct{ plural, kind, id string }{{"leads", "lead", leadID}, {"deals", "deal", dealID}, {"accounts", "account", accountID}} {
		base := "/api/v1/" + k.plural + "/" + k.id
		tmpl := "/api/v1/" + k.plural + "/:id"
		cases = append(cases,
			tc{route: "POST " + tmpl + "/tasks", path: base + "/tasks", body: `{"title":"Call Ada","due_at":"2026-03-01T09:00:00Z","key":"k"}`,
				kind: k.kind, id: k.id, wantBody: "add_task", status: 201, check: func(c *aidapb.Command) bool {
					a := c.GetAddTask()
					return a.GetTitle() == "Call Ada" && a.GetDueAt().AsTime().Hour() == 9 && a.GetKey() == "k"
				}},
			tc{route: "POST " + tmpl + "/tasks/:task_id/complete", path: base + "/tasks/t-1/complete", body: ``,
				kind: k.kind, id: k.id, wantBody: "complete_task", status: 200, check: func(c *aidapb.Command) bool {
					return c.GetCompleteTask().GetTaskId() == "t-1" && c.GetCompleteTask().GetReason() == ""
				}},
			tc{route: "PUT " + tmpl + "/flags/:name", path: base + "/flags/at%20risk", body: `{"reason":"quiet"}`,
				kind: k.kind, id: k.id, wantBody: "set_flag", status: 200, check: func(c *aidapb.Command) bool {
					return c.GetSetFlag().GetName() == "at risk" && c.GetSetFlag().GetReason() == "quiet"
				}},
			tc{route: "DELETE " + tmpl + "/flags/:name", path: base + "/flags/stale?reason=moved%20on", body: ``,
				kind: k.kind, id: k.id, wantBody: "clear_flag", status: 200, check: func(c *aidapb.Command) bool {
					return c.GetClearFlag().GetName() == "stale" && c.GetClearFlag().GetReason() == "moved on"
				}},
			tc{route: "POST " + tmpl + "/drafts", path: base + "/drafts", body: `{"subject":"Hi","body":"Hello"}`,
				kind: k.kind, id: k.id, wantBody: "draft_message", status: 201, check: func(c *aidapb.Command) bool {
					return c.GetDraftMessage().GetChannel() == "email" && c.GetDraftMessage().GetBody() == "Hello"
				}},
			tc{route: "POST " + tmpl + "/drafts/:draft_id/approve", path: base + "/drafts/d-1/approve", body: `{"reason":"good"}`,
				kind: k.kind, id: k.id, wantBody: "decide_draft", status: 200, check: func(c *aidapb.Command) bool {
					d := c.GetDecideDraft()
					return d.GetDraftId() == "d-1" && d.GetApprove() && d.GetReason() == "good"
				}},
			tc{route: "POST " + tmpl + "/drafts/:draft_id/discard", path: base + "/drafts/d-1/discard", body: ``,
				kind: k.kind, id: k.id, wantBody: "decide_draft", status: 200, check: func(c *aidapb.Command) bool {
					return c.GetDecideDraft().GetDraftId() == "d-1" && !c.GetDecideDraft().GetApprove()
				}},
			tc{route: "POST " + tmpl + "/signals", path: base + "/signals", body: `{"signal_id":"m-1","type":"email.replied","from":"ada@example.com"}`,
				kind: k.kind, id: k.id, wantBody: "record_signal", status: 200, check: func(c *aidapb.Command) bool {
					return c.GetRecordSignal().GetSignalId() == "m-1" && c.GetRecordSignal().GetType() == "email.replied"
				}},
		)
	}
	cases = append(cases,
		tc{route: "POST /api/v1/leads/:id/sequence", path: "/api/v1/leads/" + leadID + "/sequence", body: `{"type":"welcome"}`,
			kind: "lead", id: leadID, wantBody: "start_sequence", status: 200,
			check: func(c *aidapb.Command) bool { return c.GetStartSequence().GetType() == "welcome" }},
		tc{route: "DELETE /api/v1/leads/:id/sequence", path: "/api/v1/leads/" + leadID + "/sequence?reason=replied",
			kind: "lead", id: leadID, wantBody: "stop_sequence", status: 200,
			check: func(c *aidapb.Command) bool { return c.GetStopSequence().GetReason() == "replied" }},
		tc{route: "POST /api/v1/accounts/:id/milestones/:name/complete", path: "/api/v1/accounts/" + accountID + "/milestones/kickoff/complete",
			kind: "account", id: accountID, wantBody: "complete_milestone", status: 200,
			check: func(c *aidapb.Command) bool { return c.GetCompleteMilestone().GetName() == "kickoff" }},
		tc{route: "POST /api/v1/accounts/:id/health", path: "/api/v1/accounts/" + accountID + "/health", body: `{"reason":"usage"}`,
			kind: "account", id: accountID, wantBody: "recompute_health", status: 200,
			check: func(c *aidapb.Command) bool { return c.GetRecomputeHealth().GetReason() == "usage" }},
	)
	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.route] = true
		t.Run(tc.route, func(t *testing.T) {
			h := newHarness(t, Config{})
			var got *aidapb.Command
			h.fake.send = func(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
				if _, ok := ctx.Deadline(); !ok {
					t.Error("the context has no deadline")
				}
				if kind != tc.kind || id != tc.id {
					t.Errorf("sent to %s %s, want %s %s", kind, id, tc.kind, tc.id)
				}
				got = cmd
				return replyOf(kind, id), nil
			}
			method, _, _ := strings.Cut(tc.route, " ")
			r := h.do(t, method, tc.path, tc.body, "X-Request-ID", "req-1", "X-User-ID", "u42") // X-User-ID is not read
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if m := r.json(t); m["id"] != tc.id || m["tasks"] == nil || m["engagement"] == nil {
				t.Errorf("the answer is not the %s's view: %s", tc.kind, r.body)
			}
			if got == nil {
				t.Fatal("no command sent")
			}
			if bodyName(got) != tc.wantBody || !tc.check(got) {
				t.Errorf("command %v, want a %s", got, tc.wantBody)
			}
			if got.Actor != "key:AIDA_ADMIN_KEY" || got.RequestId != "req-1" {
				t.Errorf("actor %q request id %q", got.Actor, got.RequestId)
			}
		})
	}
	h := newHarness(t, Config{})
	work := regexp.MustCompile(`/(tasks|flags|drafts|signals|sequence|milestones|health)(/|$)`)
	for _, rt := range h.srv.App().GetRoutes(true) {
		if key := rt.Method + " " + rt.Path; work.MatchString(rt.Path) && !covered[key] {
			t.Errorf("route %s has no case", key)
		}
	}
}

func TestStartOnboarding(t *testing.T) {
	const won = "0190a5c4-1b2c-7d3e-8f40-000000000d99"
	h := newHarness(t, Config{})
	h.fake.onboard = func(ctx context.Context, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
		s := cmd.GetStartOnboarding()
		if _, ok := ctx.Deadline(); !ok || id != accountID || (s.GetPlan().GetDealId() != won && s.GetPlan().GetDealId() != dealID) ||
			s.GetPlan().GetRequested() != "enterprise" || s.GetReason() != "won" || cmd.Actor != "key:AIDA_ADMIN_KEY" {
			t.Errorf("StartOnboarding(%s, %v)", id, cmd)
		}
		if s.GetPlan().GetDealId() == dealID {
			return nil, fault.New(fault.Transition, "the account is churned")
		}
		return &aidapb.Reply{View: &aidapb.Reply_Account{Account: &aidapb.Account{Id: id,
			Onboarding: &aidapb.Onboarding{Template: "enterprise", Requested: "enterprise", DealId: won, Status: "active"}}}}, nil
	}
	r := h.do(t, "POST", "/api/v1/accounts/"+accountID+"/onboarding",
		`{"deal_id":"`+won+`","template":"enterprise","reason":"won"}`, "X-User-ID", "u42")
	if r.status != 200 || !strings.Contains(string(r.body), `"onboarding":{"template":"enterprise","requested":"enterprise","deal_id":"`+won+`"`) {
		t.Fatalf("onboarding: %d %s", r.status, r.body)
	}
	p := wantProblem(t, h.do(t, "POST", "/api/v1/accounts/"+accountID+"/onboarding",
		`{"deal_id":"`+dealID+`","template":"enterprise","reason":"won"}`, "X-User-ID", "u42"), 409)
	if p["detail"] != "the account is churned" {
		t.Errorf("problem %v", p)
	}
}

// Invalid requests on the work routes answer problems naming the field, the path parameter
// included, without reaching the entities; routes of one kind are not served for the others.
func TestWorkRouteProblems(t *testing.T) {
	long := strings.Repeat("x", 101)
	h := newHarness(t, Config{}) // no fake method is set: a call to the entities would be a 500
	lead, deal, account := "/api/v1/leads/"+leadID, "/api/v1/deals/"+dealID, "/api/v1/accounts/"+accountID
	for _, tc := range []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"POST", deal + "/tasks/" + long + "/complete", ``, 422, "task_id"},
		{"PUT", lead + "/flags/" + long, ``, 422, "name"},
		{"DELETE", account + "/flags/stale?reason=" + strings.Repeat("r", 1001), ``, 422, "reason"},
		{"POST", lead + "/drafts/" + long + "/approve", `{"reason":"ok"}`, 422, "draft_id"},
		{"POST", lead + "/drafts/d1/approve", `{"approve":false}`, 422, "approve"},
		{"POST", account + "/milestones/" + long + "/complete", ``, 422, "name"},
		{"POST", deal + "/tasks", `{"title":"x"`, 400, ""},
		{"POST", deal + "/tasks", `{}`, 422, "title"},
		{"POST", deal + "/tasks", `{"title":"x","due_at":"soon"}`, 422, "due_at"},
		{"POST", deal + "/drafts", `{"channel":"fax","body":"x"}`, 422, "channel"},
		{"POST", lead + "/signals", `{"signal_id":"s","type":"email.kissed"}`, 422, "type"},
		{"POST", lead + "/signals", `{"type":"email.clicked"}`, 422, "signal_id"},
		{"POST", lead + "/sequence", `{"type":"cold"}`, 422, "type"},
		{"DELETE", lead + "/sequence?reason=" + strings.Repeat("r", 1001), ``, 422, "reason"},
		{"POST", account + "/onboarding", `{"template":"standard"}`, 422, "deal_id"},
		{"POST", account + "/health", `[]`, 400, ""},
		{"POST", "/api/v1/leads/42/tasks", `{"title":"x"}`, 404, ""},
		{"POST", deal + "/sequence", `{"type":"welcome"}`, 404, ""},
		{"POST", lead + "/onboarding", `{"deal_id":"` + dealID + `"}`, 404, ""},
		{"POST", deal + "/milestones/kickoff/complete", ``, 404, ""},
	} {
		p := wantProblem(t, h.do(t, tc.method, tc.path, tc.body), tc.status)
		errs, _ := p["errors"].([]any)
		if tc.field != "" && (len(errs) != 1 || errs[0].(map[string]any)["field"] != tc.field) {
			t.Errorf("%s %s: errors %v, want field %s", tc.method, tc.path, p["errors"], tc.field)
		}
	}
}
