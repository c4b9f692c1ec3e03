package natscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge"
	"github.com/aidacrm/aida/persistence"
)

// restEntities completes a fake into the REST edge's Entities.
type restEntities struct{ *fakeEntities }

func (restEntities) List(context.Context, persistence.Query) (persistence.Page, error) {
	return persistence.Page{}, errNotFaked
}

func (restEntities) Aggregate(context.Context, string) ([]persistence.Tally, error) {
	return nil, errNotFaked
}

func (restEntities) Ready(context.Context) error { return nil }

// restAnswer asks the REST edge over f and returns the status and the JSON body.
func restAnswer(t *testing.T, f *fakeEntities, method, path, body string) (int, any) {
	t.Helper()
	srv, err := edge.New(edge.Config{}, edge.Deps{Entities: restEntities{f}, NewID: func() string { return "rid" }})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("REST body %q: %v", b, err)
	}
	return resp.StatusCode, v
}

// natsAnswer asks the NATS server over f and returns the status and the data or the problem.
func natsAnswer(t *testing.T, nc *nats.Conn, f *fakeEntities, subject, payload string) (int, any) {
	t.Helper()
	s := New(nc, f)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	r, _ := ask(t, nc, subject, payload, nil)
	var raw []byte
	if r.Problem != nil {
		var err error
		if raw, err = json.Marshal(r.Problem); err != nil {
			t.Fatal(err)
		}
	} else {
		raw = r.Data
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return r.Status, v
}

// withoutOrigin drops the fields of a problem that name the transport's request.
func withoutOrigin(v any) any {
	if m, ok := v.(map[string]any); ok {
		delete(m, "instance")
		delete(m, "request_id")
	}
	return v
}

// The same command answers the same status and JSON over NATS as over REST.
func TestParityWithREST(t *testing.T) {
	nc := startNATS(t)
	lead, deal, acct := "/api/v1/leads/"+leadID, "/api/v1/deals/"+dealID, "/api/v1/accounts/"+acctID
	tests := []struct {
		kind, id, command, data string
		method, path, body      string
	}{
		{"lead", "new", "capture", `{"email":"a@b.co","first_name":"Ann"}`, "POST", "/api/v1/leads", `{"email":"a@b.co","first_name":"Ann"}`},
		{"lead", "new", "capture", `{"email":"bad"}`, "POST", "/api/v1/leads", `{"email":"bad"}`},
		{"lead", "new", "capture", `{"email":"a@b.co","x":1}`, "POST", "/api/v1/leads", `{"email":"a@b.co","x":1}`},
		{"lead", "new", "capture", `[1]`, "POST", "/api/v1/leads", `[1]`},
		{"lead", leadID, "get", ``, "GET", lead, ``},
		{"lead", leadID, "update", `{"company":"Acme"}`, "PATCH", lead, `{"company":"Acme"}`},
		{"lead", leadID, "update", `{}`, "PATCH", lead, `{}`},
		{"lead", leadID, "archive", `{"reason":"dup"}`, "DELETE", lead + "?reason=dup", ``},
		{"lead", leadID, "restore", ``, "POST", lead + "/restore", ``},
		{"lead", leadID, "status", `{"status":"qualified"}`, "POST", lead + "/status", `{"status":"qualified"}`},
		{"lead", leadID, "status", `{"status":"won"}`, "POST", lead + "/status", `{"status":"won"}`},
		{"lead", leadID, "autonomy", `{"level":4,"reason":"ok"}`, "POST", lead + "/autonomy", `{"level":4,"reason":"ok"}`},
		{"lead", leadID, "autonomy", `{"level":9}`, "POST", lead + "/autonomy", `{"level":9}`},
		{"lead", leadID, "note", `{"text":"hi"}`, "POST", lead + "/notes", `{"text":"hi"}`},
		{"lead", leadID, "convert", `{"title":"Deal"}`, "POST", lead + "/convert", `{"title":"Deal"}`},
		{"lead", leadID, "timeline", `{"after":0,"limit":1}`, "GET", lead + "/timeline?after=0&limit=1", ``},
		{"lead", leadID, "timeline", `{"limit":0}`, "GET", lead + "/timeline?limit=0", ``},
		{"deal", "new", "create", `{"title":"Big","value":"10.50"}`, "POST", "/api/v1/deals", `{"title":"Big","value":"10.50"}`},
		{"deal", "new", "create", `{"value":"x"}`, "POST", "/api/v1/deals", `{"value":"x"}`},
		{"deal", dealID, "get", ``, "GET", deal, ``},
		{"deal", dealID, "update", `{"probability":40}`, "PATCH", deal, `{"probability":40}`},
		{"deal", dealID, "stage", `{"stage":"proposal"}`, "POST", deal + "/stage", `{"stage":"proposal"}`},
		{"deal", dealID, "autonomy", `{"level":1}`, "POST", deal + "/autonomy", `{"level":1}`},
		{"deal", dealID, "note", `{"text":"x"}`, "POST", deal + "/notes", `{"text":"x"}`},
		{"deal", dealID, "timeline", ``, "GET", deal + "/timeline", ``},
		{"account", "new", "create", `{"name":"Acme"}`, "POST", "/api/v1/accounts", `{"name":"Acme"}`},
		{"account", acctID, "get", ``, "GET", acct, ``},
		{"account", acctID, "update", `{"lifecycle":"nope"}`, "PATCH", acct, `{"lifecycle":"nope"}`},
		{"account", acctID, "autonomy", `{"level":3}`, "POST", acct + "/autonomy", `{"level":3}`},
		{"account", acctID, "timeline", `{"after":3}`, "GET", acct + "/timeline?after=3", ``},

		{"lead", leadID, "task", `{"title":"Call Ada","due_at":"2026-03-01T09:00:00Z"}`, "POST", lead + "/tasks", `{"title":"Call Ada","due_at":"2026-03-01T09:00:00Z"}`},
		{"deal", dealID, "task", `{"assignee":"bob"}`, "POST", deal + "/tasks", `{"assignee":"bob"}`},
		{"deal", dealID, "task", `[]`, "POST", deal + "/tasks", `[]`},
		{"deal", dealID, "complete_task", `{"task_id":"t-1","reason":"called"}`, "POST", deal + "/tasks/t-1/complete", `{"reason":"called"}`},
		{"account", acctID, "complete_task", `{"task_id":"` + strings.Repeat("t", 101) + `","x":1}`, "POST", acct + "/tasks/" + strings.Repeat("t", 101) + "/complete", `{"x":1}`},
		{"account", acctID, "set_flag", `{"name":"at_risk","reason":"usage fell"}`, "PUT", acct + "/flags/at_risk", `{"reason":"usage fell"}`},
		{"deal", dealID, "set_flag", `{"name":"stale"}`, "PUT", deal + "/flags/stale", ``},
		{"lead", leadID, "clear_flag", `{"name":"stale","reason":"moved on"}`, "DELETE", lead + "/flags/stale?reason=moved%20on", ``},
		{"lead", leadID, "clear_flag", `{"name":"stale","reason":"` + strings.Repeat("r", 1001) + `"}`, "DELETE", lead + "/flags/stale?reason=" + strings.Repeat("r", 1001), ``},
		{"lead", leadID, "draft", `{"subject":"Hi","body":"Hello","to":"ada@example.com"}`, "POST", lead + "/drafts", `{"subject":"Hi","body":"Hello","to":"ada@example.com"}`},
		{"lead", leadID, "draft", `{"channel":"sms","subject":"Hi"}`, "POST", lead + "/drafts", `{"channel":"sms","subject":"Hi"}`},
		{"deal", dealID, "approve_draft", `{"draft_id":"d-1"}`, "POST", deal + "/drafts/d-1/approve", ``},
		{"account", acctID, "discard_draft", `{"draft_id":"d-1","reason":"tone"}`, "POST", acct + "/drafts/d-1/discard", `{"reason":"tone"}`},
		{"lead", leadID, "signal", `{"signal_id":"m-1","type":"email.replied","from":"ada@example.com","text":"yes"}`, "POST", lead + "/signals", `{"signal_id":"m-1","type":"email.replied","from":"ada@example.com","text":"yes"}`},
		{"deal", dealID, "signal", `{"signal_id":"m-1","type":"email.clicked","at":"now"}`, "POST", deal + "/signals", `{"signal_id":"m-1","type":"email.clicked","at":"now"}`},
		{"lead", leadID, "start_sequence", `{"type":"welcome","reason":"new lead"}`, "POST", lead + "/sequence", `{"type":"welcome","reason":"new lead"}`},
		{"lead", leadID, "stop_sequence", `{"reason":"replied"}`, "DELETE", lead + "/sequence?reason=replied", ``},
		{"account", acctID, "start_onboarding", `{"deal_id":"` + dealID + `","template":"enterprise"}`, "POST", acct + "/onboarding", `{"deal_id":"` + dealID + `","template":"enterprise"}`},
		{"account", acctID, "start_onboarding", `{"template":"gold"}`, "POST", acct + "/onboarding", `{"template":"gold"}`},
		{"account", acctID, "complete_milestone", `{"name":"kickoff","reason":"held"}`, "POST", acct + "/milestones/kickoff/complete", `{"reason":"held"}`},
		{"account", acctID, "recompute_health", ``, "POST", acct + "/health", ``},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"_"+tt.command+"_"+tt.data, func(t *testing.T) {
			payload := fmt.Sprintf(`{"command":%q}`, tt.command)
			if tt.data != "" {
				payload = fmt.Sprintf(`{"command":%q,"data":%s}`, tt.command, tt.data)
			}
			restFake, _ := recorder(false)
			natsFake, _ := recorder(false)
			wantStatus, want := restAnswer(t, restFake, tt.method, tt.path, tt.body)
			gotStatus, got := natsAnswer(t, nc, natsFake, Subject(tt.kind, tt.id), payload)
			if gotStatus != wantStatus || !reflect.DeepEqual(withoutOrigin(got), withoutOrigin(want)) {
				t.Errorf("NATS %d %v\nREST %d %v", gotStatus, got, wantStatus, want)
			}
		})
	}
}

// An error of the entities becomes the same problem over NATS as over REST.
func TestErrorParityWithREST(t *testing.T) {
	nc := startNATS(t)
	for _, err := range []error{
		fault.New(fault.NotFound, "no deal"),
		fault.New(fault.Transition, "closed"),
		fault.New(fault.Conflict, "lost"),
		fault.New(fault.Duplicate, "taken"),
		fault.Fields{{Name: "stage", Message: "is wrong"}}.Err(),
		fault.New(fault.Unavailable, "busy"),
		fault.New(fault.Internal, "bug"),
		context.DeadlineExceeded,
		persistence.ErrNotFound,
		persistence.ErrConflict,
		&persistence.UniqueError{Kind: "deal", Key: "k"},
		persistence.Unavailable(errors.New("dial")),
		persistence.ErrClosed,
		persistence.Unavailable(context.DeadlineExceeded),
		fault.Wrap(fault.Internal, persistence.ErrConflict, "wrapped"),
		errors.New("plain"),
	} {
		t.Run(err.Error(), func(t *testing.T) {
			f := &fakeEntities{send: func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
				return nil, err
			}}
			wantStatus, want := restAnswer(t, f, "POST", "/api/v1/deals/"+dealID+"/stage", `{"stage":"proposal"}`)
			gotStatus, got := natsAnswer(t, nc, f, Subject("deal", dealID), `{"command":"stage","data":{"stage":"proposal"}}`)
			if gotStatus != wantStatus || !reflect.DeepEqual(withoutOrigin(got), withoutOrigin(want)) {
				t.Errorf("NATS %d %v\nREST %d %v", gotStatus, got, wantStatus, want)
			}
		})
	}
}
