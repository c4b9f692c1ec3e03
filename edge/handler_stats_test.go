package edge

import (
	"context"
	"fmt"
	"github.com/aidacrm/aida/edge/stats"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence"
)

// newStatsHarness is newHarness with a fixed clock, so that overviews age only when a test says.
func newStatsHarness(t *testing.T, now *atomic.Pointer[time.Time]) *harness {
	t.Helper()
	h := &harness{fake: &fakeEntities{}, reg: prometheus.NewRegistry(), logs: &syncBuffer{}, keys: testKeys(t)}
	srv, err := New(Config{}, Deps{Entities: h.fake, Logger: slog.New(slog.NewJSONHandler(h.logs, nil)),
		Registerer: h.reg, Gatherer: h.reg, Now: func() time.Time { return *now.Load() }, Keys: h.keys})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	return h
}

func TestStatsOverview(t *testing.T) {
	var now atomic.Pointer[time.Time]
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	now.Store(&at)
	h := newStatsHarness(t, &now)
	var aggregates atomic.Int64
	h.fake.aggregate = func(_ context.Context, kind string) ([]persistence.Tally, error) {
		aggregates.Add(1)
		switch kind {
		case "lead":
			return []persistence.Tally{
				{Status: "new", Level: 2, Count: 3, Amount: "0.00", Weighted: "0.00"},
				{Status: "converted", Level: 3, Count: 1, Amount: "0.00", Weighted: "0.00"},
			}, nil
		case "deal":
			return []persistence.Tally{
				{Status: "negotiation", Level: 2, Count: 2, Amount: "20000.00", Weighted: "15000.00"},
				{Status: "closed_won", Level: 4, Count: 1, Amount: "1234.56", Weighted: "1234.56"},
			}, nil
		}
		return nil, nil
	}
	var asked persistence.Query
	h.fake.list = func(_ context.Context, q persistence.Query) (persistence.Page, error) {
		asked = q
		l := &aidapb.Lead{Id: leadID, FirstName: "Ada", Email: "ada@example.com", Status: "new", AutonomyLevel: 2,
			Qualification: &aidapb.Qualification{Score: 620}, NextActions: []*aidapb.NextAction{{Action: "send_welcome_email"}}}
		return persistence.Page{Records: []persistence.Record{{Kind: "lead", ID: leadID, State: state(t, l)}}}, nil
	}

	r := h.do(t, "GET", "/api/v1/stats/overview", "")
	if r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("overview: %d (cache-control %q) %s", r.status, r.header.Get("Cache-Control"), r.body)
	}
	for _, part := range []string{
		`"leads":{"total":4,"by_status":{"archived":0,"contacted":0,"converted":1,"new":3,"qualified":0,"unqualified":0}}`,
		`"funnel":[{"step":"captured","count":4},{"step":"qualified","count":1},{"step":"converted","count":1},{"step":"won","count":1}]`,
		`"open_value":"20000.00","weighted_value":"15000.00","won_value":"1234.56"`,
		`"commit":{"count":2,"value":"20000.00","weighted":"15000.00"}`,
		`"deal":{"1":0,"2":2,"3":0,"4":1,"5":0}`,
		`"recent_leads":[{"id":"` + leadID + `","full_name":"Ada","email":"ada@example.com","company":"","status":"new","score":0.620,"next_action":"send_welcome_email","autonomy_level":2,"created_at":null}]`,
		`"generated_at":"2025-03-01T12:00:00Z"`,
	} {
		if !strings.Contains(string(r.body), part) {
			t.Errorf("overview lacks %s:\n%s", part, r.body)
		}
	}
	if want := (persistence.Query{Kind: "lead", Sort: "-created_at", Limit: 10}); asked != want {
		t.Errorf("recent leads read with %+v, want %+v", asked, want)
	}

	// Within the TTL the same overview is served again, without asking the store.
	later := at.Add(stats.DefaultTTL / 2)
	now.Store(&later)
	if r2 := h.do(t, "GET", "/api/v1/stats/overview", ""); r2.status != 200 || string(r2.body) != string(r.body) || aggregates.Load() != 3 {
		t.Fatalf("second overview within the TTL: %d, %d aggregates", r2.status, aggregates.Load())
	}
	latest := at.Add(time.Second)
	now.Store(&latest)
	if r3 := h.do(t, "GET", "/api/v1/stats/overview", ""); r3.status != 200 || aggregates.Load() != 6 ||
		!strings.Contains(string(r3.body), `"generated_at":"2025-03-01T12:00:01Z"`) {
		t.Fatalf("overview after 1 s: %d, %d aggregates: %s", r3.status, aggregates.Load(), r3.body)
	}
}

func TestStatsOverviewStoreDown(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.aggregate = func(context.Context, string) ([]persistence.Tally, error) {
		return nil, fmt.Errorf("aggregate: %w", persistence.ErrUnavailable)
	}
	wantProblem(t, h.do(t, "GET", "/api/v1/stats/overview", ""), 503)
}

// TestListSort: sort reaches the store as persistence.Query.Sort; a value the kind does not
// take is a 422 naming sort and the values allowed.
func TestListSort(t *testing.T) {
	h := newHarness(t, Config{})
	var got persistence.Query
	h.fake.list = func(_ context.Context, q persistence.Query) (persistence.Page, error) {
		got = q
		return persistence.Page{}, nil
	}
	for _, tc := range []struct{ path, want string }{
		{"/api/v1/leads", ""},
		{"/api/v1/leads?sort=-updated_at", "-updated_at"},
		{"/api/v1/leads?sort=created_at&status=new", "created_at"},
		{"/api/v1/deals?sort=-amount", "-amount"},
		{"/api/v1/deals?sort=-SCORE", "-score"},
		{"/api/v1/accounts?sort=updated_at", "updated_at"},
	} {
		got = persistence.Query{Sort: "unset"}
		if r := h.do(t, "GET", tc.path, ""); r.status != 200 || got.Sort != tc.want {
			t.Errorf("GET %s: %d, sort %q, want %q", tc.path, r.status, got.Sort, tc.want)
		}
	}
	for _, tc := range []struct{ path, kind string }{
		{"/api/v1/leads?sort=-amount", "lead"},
		{"/api/v1/accounts?sort=name", "account"},
		{"/api/v1/deals?sort=amount", "deal"},
		{"/api/v1/deals?sort=-created_at,-score", "deal"},
	} {
		p := wantProblem(t, h.do(t, "GET", tc.path, ""), 422)
		errs, _ := p["errors"].([]any)
		if len(errs) != 1 {
			t.Fatalf("GET %s: errors %v", tc.path, p["errors"])
		}
		e := errs[0].(map[string]any)
		if msg, _ := e["message"].(string); e["field"] != "sort" || !strings.Contains(msg, strings.Join(rest.Sorts(tc.kind), ", ")) {
			t.Errorf("GET %s: error %v, want field sort listing %v", tc.path, e, rest.Sorts(tc.kind))
		}
	}
}

// TestSortsAreStoreOrders: every sort the API takes is an order the store knows.
func TestSortsAreStoreOrders(t *testing.T) {
	for _, kind := range []string{kindLead, kindDeal, kindAccount} {
		for _, s := range rest.Sorts(kind) {
			if _, err := persistence.OrderOf(s); err != nil {
				t.Errorf("%s sort %q: %v", kind, s, err)
			}
		}
	}
}
