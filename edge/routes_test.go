package edge

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence"
)

const (
	leadID    = "0190a5c4-1b2c-7d3e-8f40-123456789abc"
	dealID    = "0190a5c4-1b2c-7d3e-8f40-000000000d11"
	accountID = "0190a5c4-1b2c-7d3e-8f40-0000000acc01"
)

func leadReply(id string) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: &aidapb.Lead{Id: id, Email: "ada@example.com", Status: "new", Version: 2}}}
}

func dealReply(id string) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Deal{Deal: &aidapb.Deal{Id: id, Title: "Big", Value: "1000", Probability: 25}}}
}

func accountReply(id string) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Account{Account: &aidapb.Account{Id: id, Name: "ACME"}}}
}

// TestSendRoutes checks every route that sends a command to one entity: the kind, the ID, the
// command body, the actor and request ID, and the status and view of the answer.
func TestSendRoutes(t *testing.T) {
	for _, tc := range []struct {
		method, path, body string
		kind, id           string
		wantBody           string // the oneof field name of the command body
		status             int
		wantJSON           string
	}{
		{"GET", "/api/v1/leads/" + leadID, "", "lead", leadID, "get", 200, `"email":"ada@example.com"`},
		{"GET", "/api/v1/leads/" + strings.ToUpper(leadID), "", "lead", leadID, "get", 200, `"id":"` + leadID},
		{"PATCH", "/api/v1/leads/" + leadID, `{"company":"ACME"}`, "lead", leadID, "update_lead", 200, `"status":"new"`},
		{"DELETE", "/api/v1/leads/" + leadID + "?reason=spam", "", "lead", leadID, "archive_lead", 200, `"id":"` + leadID},
		{"POST", "/api/v1/leads/" + leadID + "/restore", "", "lead", leadID, "restore_lead", 200, `"id"`},
		{"POST", "/api/v1/leads/" + leadID + "/status", `{"status":"contacted"}`, "lead", leadID, "change_lead_status", 200, `"id"`},
		{"POST", "/api/v1/leads/" + leadID + "/autonomy", `{"level":2}`, "lead", leadID, "set_autonomy", 200, `"id"`},
		{"POST", "/api/v1/leads/" + leadID + "/notes", `{"text":"hi"}`, "lead", leadID, "add_note", 201, `"notes":[]`},
		{"GET", "/api/v1/deals/" + dealID, "", "deal", dealID, "get", 200, `"weighted_value":"250.00"`},
		{"PATCH", "/api/v1/deals/" + dealID, `{"probability":50}`, "deal", dealID, "update_deal", 200, `"title":"Big"`},
		{"POST", "/api/v1/deals/" + dealID + "/stage", `{"stage":"proposal"}`, "deal", dealID, "change_deal_stage", 200, `"id"`},
		{"POST", "/api/v1/deals/" + dealID + "/autonomy", `{"level":5}`, "deal", dealID, "set_autonomy", 200, `"id"`},
		{"POST", "/api/v1/deals/" + dealID + "/notes", `{"text":"hi"}`, "deal", dealID, "add_note", 201, `"id"`},
		{"GET", "/api/v1/accounts/" + accountID, "", "account", accountID, "get", 200, `"name":"ACME"`},
		{"PATCH", "/api/v1/accounts/" + accountID, `{"lifecycle":"active"}`, "account", accountID, "update_account", 200, `"health":null`},
		{"POST", "/api/v1/accounts/" + accountID + "/autonomy", `{"level":1}`, "account", accountID, "set_autonomy", 200, `"id"`},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
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
				switch kind {
				case "deal":
					return dealReply(id), nil
				case "account":
					return accountReply(id), nil
				}
				return leadReply(id), nil
			}
			r := h.do(t, tc.method, tc.path, tc.body, "X-Request-ID", "req-1", "X-User-ID", "u42") // X-User-ID is not read
			if r.status != tc.status || !strings.Contains(string(r.body), tc.wantJSON) {
				t.Fatalf("status %d body %s; want %d with %s", r.status, r.body, tc.status, tc.wantJSON)
			}
			if got == nil {
				t.Fatal("no command sent")
			}
			if name := got.ProtoReflect().WhichOneof(got.ProtoReflect().Descriptor().Oneofs().ByName("body")).Name(); string(name) != tc.wantBody {
				t.Errorf("command body %s, want %s", name, tc.wantBody)
			}
			if got.Actor != "key:AIDA_ADMIN_KEY" || got.RequestId != "req-1" {
				t.Errorf("actor %q request id %q", got.Actor, got.RequestId)
			}
			if n := got.GetAddNote(); n != nil && n.Author != "key:AIDA_ADMIN_KEY" {
				t.Errorf("note author %q", n.Author)
			}
			if a := got.GetArchiveLead(); a != nil && a.Reason != "spam" {
				t.Errorf("archive reason %q", a.Reason)
			}
		})
	}
}

func TestCaptureLead(t *testing.T) {
	for _, dup := range []bool{false, true} {
		t.Run(fmt.Sprint("duplicate=", dup), func(t *testing.T) {
			h := newHarness(t, Config{})
			h.fake.capture = func(_ context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
				c := cmd.GetCaptureLead()
				if c.GetEmail() != "ada@example.com" || c.GetUtm()["utm_source"] != "g" || cmd.Actor != "key:AIDA_ADMIN_KEY" {
					t.Errorf("capture command %v", cmd)
				}
				return &aidapb.Lead{Id: leadID, Email: c.GetEmail(), FirstName: "Ada"}, dup, nil
			}
			r := h.do(t, "POST", "/api/v1/leads", `{"email":"Ada@Example.com","utm_source":"g"}`)
			want := 201
			if dup {
				want = 200
			}
			if r.status != want {
				t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
			}
			if m := r.json(t); m["duplicate"] != dup || m["full_name"] != "Ada" {
				t.Fatalf("body %s", r.body)
			}
			if loc := r.header.Get("Location"); loc != "/api/v1/leads/"+leadID {
				t.Errorf("Location %q", loc)
			}
			if id := r.header.Get("X-Request-ID"); id != "generated-id" {
				t.Errorf("X-Request-ID %q, want the generated one", id)
			}
		})
	}
}

func TestCreateAndConvert(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.create = func(_ context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
		switch kind {
		case "deal":
			if cmd.GetCreateDeal().GetTitle() != "Big" {
				t.Errorf("create deal %v", cmd)
			}
			return dealReply(dealID), nil
		case "account":
			if d := cmd.GetCreateAccount().GetDeals(); len(d) != 1 || d[0].DealId != dealID {
				t.Errorf("create account %v", cmd)
			}
			return &aidapb.Reply{View: &aidapb.Reply_Account{Account: &aidapb.Account{Id: accountID}}, Created: true}, nil
		}
		t.Errorf("create kind %q", kind)
		return nil, errNotFaked
	}
	h.fake.convert = func(_ context.Context, id string, cmd *aidapb.Command) (*aidapb.Deal, error) {
		if id != leadID || cmd.GetCreateDeal().GetValue() != "500" {
			t.Errorf("convert %s %v", id, cmd)
		}
		return &aidapb.Deal{Id: dealID, LeadId: id, Value: "500", Probability: 50}, nil
	}
	for _, tc := range []struct{ path, body, location, want string }{
		{"/api/v1/deals", `{"title":"Big","value":"1000"}`, "/api/v1/deals/" + dealID, `"value":"1000"`},
		{"/api/v1/accounts", `{"from_deal_id":"` + dealID + `"}`, "/api/v1/accounts/" + accountID, `"id":"` + accountID},
		{"/api/v1/leads/" + leadID + "/convert", `{"value":500}`, "/api/v1/deals/" + dealID, `"weighted_value":"250.00"`},
	} {
		r := h.do(t, "POST", tc.path, tc.body)
		if r.status != 201 || !strings.Contains(string(r.body), tc.want) || r.header.Get("Location") != tc.location {
			t.Errorf("POST %s: %d %s (Location %q)", tc.path, r.status, r.body, r.header.Get("Location"))
		}
	}
}

func state(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := protojson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLists(t *testing.T) {
	h := newHarness(t, Config{})
	var got persistence.Query
	h.fake.list = func(_ context.Context, q persistence.Query) (persistence.Page, error) {
		got = q
		var m proto.Message
		switch q.Kind {
		case "lead":
			m = &aidapb.Lead{Id: leadID, Qualification: &aidapb.Qualification{Score: 800}}
		case "deal":
			m = &aidapb.Deal{Id: dealID, Value: "10.00", Probability: 10}
		default:
			m = &aidapb.Account{Id: accountID}
		}
		return persistence.Page{Records: []persistence.Record{{Kind: q.Kind, State: state(t, m)}}, NextCursor: "next"}, nil
	}
	for _, tc := range []struct {
		path string
		want persistence.Query
		body string
	}{
		{"/api/v1/leads?status=qualified&source=web&owner=bob&min_score=0.75&limit=20&cursor=abc",
			persistence.Query{Kind: "lead", Status: "qualified", Source: "web", Owner: "bob", MinScore: 750, Limit: 20, Cursor: "abc"},
			`"score":0.800`},
		{"/api/v1/leads", persistence.Query{Kind: "lead", ExcludeStatus: "archived"}, `"score":0.800`},
		{"/api/v1/leads?include_archived=true", persistence.Query{Kind: "lead"}, `"score":0.800`},
		{"/api/v1/leads?include_archived=false&owner=bob", persistence.Query{Kind: "lead", Owner: "bob", ExcludeStatus: "archived"}, `"score":0.800`},
		{"/api/v1/leads?status=archived", persistence.Query{Kind: "lead", Status: "archived"}, `"score":0.800`},
		{"/api/v1/deals?stage=proposal&owner=bob", persistence.Query{Kind: "deal", Status: "proposal", Owner: "bob"}, `"weighted_value":"1.00"`},
		{"/api/v1/accounts?lifecycle=at_risk&limit=500", persistence.Query{Kind: "account", Status: "at_risk", Limit: 500}, `"id":"` + accountID},
	} {
		r := h.do(t, "GET", tc.path, "")
		if r.status != 200 || !strings.Contains(string(r.body), tc.body) || !strings.Contains(string(r.body), `"next_cursor":"next"`) {
			t.Errorf("GET %s: %d %s", tc.path, r.status, r.body)
		}
		if got != tc.want {
			t.Errorf("GET %s: query %+v, want %+v", tc.path, got, tc.want)
		}
	}
}

func TestListQueryErrors(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.list = func(context.Context, persistence.Query) (persistence.Page, error) {
		return persistence.Page{}, fmt.Errorf("sqlite list: %w", persistence.ErrBadCursor)
	}
	for _, tc := range []struct{ path, field string }{
		{"/api/v1/leads?limit=0", "limit"},
		{"/api/v1/leads?limit=501", "limit"},
		{"/api/v1/leads?limit=ten", "limit"},
		{"/api/v1/leads?min_score=1.5", "min_score"},
		{"/api/v1/leads?min_score=NaN", "min_score"},
		{"/api/v1/leads?status=hot", "status"},
		{"/api/v1/leads?include_archived=maybe", "include_archived"},
		{"/api/v1/deals?stage=won", "stage"},
		{"/api/v1/accounts?lifecycle=dead", "lifecycle"},
		{"/api/v1/accounts?cursor=garbage", "cursor"},
		{"/api/v1/leads/" + leadID + "/timeline?after=-1", "after"},
		{"/api/v1/deals/" + dealID + "/timeline?limit=0", "limit"},
	} {
		p := wantProblem(t, h.do(t, "GET", tc.path, ""), 422)
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != tc.field {
			t.Errorf("GET %s: errors %v, want field %s", tc.path, p["errors"], tc.field)
		}
	}
}

func TestTimeline(t *testing.T) {
	h := newHarness(t, Config{})
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	ev := &aidapb.Event{Id: "e2", Type: "crm.deal.stage_changed", Version: 2, Time: timestamppb.New(at),
		Data: &aidapb.Event_DealStageChanged{DealStageChanged: &aidapb.DealStageChanged{From: "prospect", To: "proposal", Reason: "pricing agreed", ForecastCategory: "pipeline"}}}
	h.fake.timeline = func(_ context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
		if kind != "deal" || id != dealID || after != 1 || limit != 1 {
			t.Errorf("timeline(%s, %s, %d, %d)", kind, id, after, limit)
		}
		return []persistence.Entry{{Kind: kind, ID: id, Version: 2, EventID: "e2", Type: ev.Type, Actor: "api", Time: at, Data: state(t, ev)}}, nil
	}
	r := h.do(t, "GET", "/api/v1/deals/"+dealID+"/timeline?after=1&limit=1", "")
	want := `{"items":[{"version":2,"type":"crm.deal.stage_changed","actor":"api","time":"2025-01-02T03:04:05Z","event_id":"e2","summary":"api moved the deal from prospect to proposal: pricing agreed","data":{"from":"prospect","to":"proposal","reason":"pricing agreed","forecast_category":"pipeline"}}],"next_after":2}`
	if r.status != 200 || string(r.body) != want {
		t.Fatalf("timeline %d\n%s\nwant\n%s", r.status, r.body, want)
	}
	h.fake.timeline = func(context.Context, string, string, int64, int) ([]persistence.Entry, error) {
		return []persistence.Entry{{Version: 1, Data: []byte("{broken")}}, nil
	}
	p := wantProblem(t, h.do(t, "GET", "/api/v1/leads/"+leadID+"/timeline", ""), 500)
	if strings.Contains(fmt.Sprint(p), "broken") {
		t.Errorf("the internal error leaked: %v", p)
	}
}
