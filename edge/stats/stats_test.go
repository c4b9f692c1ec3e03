package stats_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidacrm/aida/edge/stats"
	"github.com/aidacrm/aida/persistence"
)

// fakeSource is a stats.Source whose methods call its function fields.
type fakeSource struct {
	aggregate func(ctx context.Context, kind string) ([]persistence.Tally, error)
	list      func(ctx context.Context, q persistence.Query) (persistence.Page, error)
}

func (f *fakeSource) Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error) {
	return f.aggregate(ctx, kind)
}

func (f *fakeSource) List(ctx context.Context, q persistence.Query) (persistence.Page, error) {
	return f.list(ctx, q)
}

// tallies are the store's answers of TestBuild: unknown statuses and level 0 count in totals
// only; deal weights are exact, so that rounding once differs from rounding each tally.
func tallies() map[string][]persistence.Tally {
	return map[string][]persistence.Tally{
		"lead": {
			{Status: "", Level: 0, Count: 1, Amount: "0.00", Weighted: "0.00"},
			{Status: "archived", Level: 1, Count: 1, Amount: "0.00", Weighted: "0.00"},
			{Status: "contacted", Level: 2, Count: 2, Amount: "0.00", Weighted: "0.00"},
			{Status: "converted", Level: 2, Count: 1, Amount: "0.00", Weighted: "0.00"},
			{Status: "new", Level: 1, Count: 1, Amount: "0.00", Weighted: "0.00"},
			{Status: "new", Level: 2, Count: 3, Amount: "0.00", Weighted: "0.00"},
			{Status: "qualified", Level: 3, Count: 2, Amount: "0.00", Weighted: "0.00"},
			{Status: "weird", Level: 2, Count: 1, Amount: "0.00", Weighted: "0.00"},
		},
		"deal": {
			{Status: "closed_lost", Level: 1, Count: 1, Amount: "300.00", Weighted: "0.00"},
			{Status: "closed_won", Level: 2, Count: 2, Amount: "1500.50", Weighted: "1500.50"},
			{Status: "mystery", Level: 2, Count: 1, Amount: "5.00", Weighted: "1.00"},
			{Status: "negotiation", Level: 4, Count: 2, Amount: "0.10", Weighted: "0.075"},
			{Status: "proposal", Level: 2, Count: 1, Amount: "9999999999999.99", Weighted: "4999999999999.995"},
			{Status: "prospect", Level: 2, Count: 2, Amount: "0.20", Weighted: "0.02"},
			{Status: "qualified", Level: 2, Count: 3, Amount: "0.30", Weighted: "0.075"},
			{Status: "qualified", Level: 3, Count: 1, Amount: "0.10", Weighted: "0.025"},
		},
		"account": {
			{Status: "active", Level: 3, Count: 4, Amount: "0.00", Weighted: "0.00"},
			{Status: "churned", Level: 5, Count: 1, Amount: "0.00", Weighted: "0.00"},
			{Status: "expansion_ready", Level: 2, Count: 2, Amount: "0.00", Weighted: "0.00"},
			{Status: "onboarding", Level: 2, Count: 1, Amount: "0.00", Weighted: "0.00"},
		},
	}
}

const wantOverview = `{
 "leads":{"total":12,"by_status":{"new":4,"contacted":2,"qualified":2,"unqualified":0,"converted":1,"archived":1}},
 "deals":{"total":13,"by_stage":{"prospect":2,"qualified":4,"proposal":1,"negotiation":2,"closed_won":2,"closed_lost":1}},
 "accounts":{"total":8,"by_lifecycle":{"onboarding":1,"active":4,"at_risk":0,"expansion_ready":2,"churned":1}},
 "funnel":[{"step":"captured","count":12},{"step":"qualified","count":3},{"step":"converted","count":1},{"step":"won","count":2}],
 "pipeline":{"open_value":"10000000000000.69","weighted_value":"5000000000000.19","won_value":"1500.50",
  "by_forecast":{
   "pipeline":{"count":6,"value":"0.60","weighted":"0.12"},
   "best_case":{"count":1,"value":"9999999999999.99","weighted":"5000000000000.00"},
   "commit":{"count":2,"value":"0.10","weighted":"0.08"},
   "closed":{"count":2,"value":"1500.50","weighted":"1500.50"},
   "omitted":{"count":1,"value":"300.00","weighted":"0.00"}}},
 "autonomy":{"lead":{"1":2,"2":7,"3":2,"4":0,"5":0},"deal":{"1":1,"2":9,"3":1,"4":2,"5":0},"account":{"1":0,"2":3,"3":4,"4":0,"5":1}},
 "recent_leads":[
  {"id":"l2","full_name":"Grace Hopper","email":"grace@example.com","company":"Navy","status":"qualified","score":0.910,
   "next_action":"schedule_demo","autonomy_level":3,"created_at":"2025-03-01T10:00:00Z"},
  {"id":"l1","full_name":"Ada","email":"ada@example.com","company":"","status":"new","score":null,
   "next_action":"","autonomy_level":2,"created_at":"2025-03-01T09:00:00Z"}],
 "generated_at":"2025-03-01T12:00:00Z"}`

// recentPage is the store's page of the latest leads, states as the entity shell writes them.
func recentPage() persistence.Page {
	return persistence.Page{Records: []persistence.Record{
		{Kind: "lead", ID: "l2", State: []byte(`{"id":"l2","firstName":"Grace","lastName":"Hopper","email":"grace@example.com",
			"company":"Navy","status":"qualified","autonomyLevel":3,"qualification":{"score":910},
			"nextActions":[{"action":"schedule_demo"}],"createdAt":"2025-03-01T10:00:00Z","someFutureField":1}`)},
		{Kind: "lead", ID: "l1", State: []byte(`{"id":"l1","firstName":"Ada","email":"ada@example.com","status":"new",
			"autonomyLevel":2,"createdAt":"2025-03-01T09:00:00Z"}`)},
	}}
}

// sameJSON fails the test unless got marshals to the JSON value want.
func sameJSON(t *testing.T, got any, want string) {
	t.Helper()
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("got\n%s\nwant\n%s", b, want)
	}
}

func TestBuild(t *testing.T) {
	var asked persistence.Query
	src := &fakeSource{
		aggregate: func(_ context.Context, kind string) ([]persistence.Tally, error) { return tallies()[kind], nil },
		list: func(_ context.Context, q persistence.Query) (persistence.Page, error) {
			asked = q
			return recentPage(), nil
		},
	}
	o, err := stats.Build(t.Context(), src, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	sameJSON(t, o, wantOverview)
	if want := (persistence.Query{Kind: "lead", Sort: "-created_at", Limit: 10}); asked != want {
		t.Errorf("recent leads read with %+v, want %+v", asked, want)
	}
}

// TestBuildEmpty: an empty store gives every key, zeros and no recent leads (an empty list,
// not null).
func TestBuildEmpty(t *testing.T) {
	src := &fakeSource{
		aggregate: func(context.Context, string) ([]persistence.Tally, error) { return nil, nil },
		list:      func(context.Context, persistence.Query) (persistence.Page, error) { return persistence.Page{}, nil },
	}
	o, err := stats.Build(t.Context(), src, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	zero := `{"count":0,"value":"0.00","weighted":"0.00"}`
	levels := `{"1":0,"2":0,"3":0,"4":0,"5":0}`
	sameJSON(t, o, `{
	 "leads":{"total":0,"by_status":{"new":0,"contacted":0,"qualified":0,"unqualified":0,"converted":0,"archived":0}},
	 "deals":{"total":0,"by_stage":{"prospect":0,"qualified":0,"proposal":0,"negotiation":0,"closed_won":0,"closed_lost":0}},
	 "accounts":{"total":0,"by_lifecycle":{"onboarding":0,"active":0,"at_risk":0,"expansion_ready":0,"churned":0}},
	 "funnel":[{"step":"captured","count":0},{"step":"qualified","count":0},{"step":"converted","count":0},{"step":"won","count":0}],
	 "pipeline":{"open_value":"0.00","weighted_value":"0.00","won_value":"0.00",
	  "by_forecast":{"pipeline":`+zero+`,"best_case":`+zero+`,"commit":`+zero+`,"closed":`+zero+`,"omitted":`+zero+`}},
	 "autonomy":{"lead":`+levels+`,"deal":`+levels+`,"account":`+levels+`},
	 "recent_leads":[],
	 "generated_at":"2025-03-01T12:00:00Z"}`)
}

func TestBuildErrors(t *testing.T) {
	down := errors.New("store down")
	tests := []struct {
		name string
		src  *fakeSource
	}{
		{"aggregate fails", &fakeSource{
			aggregate: func(context.Context, string) ([]persistence.Tally, error) { return nil, down },
			list:      func(context.Context, persistence.Query) (persistence.Page, error) { return persistence.Page{}, nil },
		}},
		{"list fails", &fakeSource{
			aggregate: func(context.Context, string) ([]persistence.Tally, error) { return nil, nil },
			list:      func(context.Context, persistence.Query) (persistence.Page, error) { return persistence.Page{}, down },
		}},
	}
	for _, tc := range tests {
		if _, err := stats.Build(t.Context(), tc.src, time.Now()); !errors.Is(err, down) {
			t.Errorf("%s: got %v, want the store's error", tc.name, err)
		}
	}
	bad := &fakeSource{
		aggregate: func(context.Context, string) ([]persistence.Tally, error) { return nil, nil },
		list: func(context.Context, persistence.Query) (persistence.Page, error) {
			return persistence.Page{Records: []persistence.Record{{Kind: "lead", ID: "l1", State: []byte(`not json`)}}}, nil
		},
	}
	if _, err := stats.Build(t.Context(), bad, time.Now()); err == nil {
		t.Error("a state that does not parse: no error")
	}
}

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// counting returns a source that counts computations (one Aggregate of leads each) and calls
// gate, when not nil, before answering.
func counting(computations *atomic.Int64, gate func(ctx context.Context) error) *fakeSource {
	return &fakeSource{
		aggregate: func(ctx context.Context, kind string) ([]persistence.Tally, error) {
			if kind == "lead" {
				computations.Add(1)
				if gate != nil {
					if err := gate(ctx); err != nil {
						return nil, err
					}
				}
			}
			return nil, nil
		},
		list: func(context.Context, persistence.Query) (persistence.Page, error) { return persistence.Page{}, nil },
	}
}

func TestOverviewReusedForTTL(t *testing.T) {
	clk := &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	var n atomic.Int64
	s := stats.New(counting(&n, nil), stats.WithClock(clk.Now))
	first, err := s.Overview(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(stats.DefaultTTL - time.Millisecond)
	again, err := s.Overview(t.Context())
	if err != nil || n.Load() != 1 || again.GeneratedAt != first.GeneratedAt {
		t.Fatalf("within the TTL: %d computations, generated %s then %s (%v); want 1, the same", n.Load(), first.GeneratedAt, again.GeneratedAt, err)
	}
	clk.Add(time.Millisecond)
	next, err := s.Overview(t.Context())
	if err != nil || n.Load() != 2 || next.GeneratedAt != "2025-03-01T12:00:00.25Z" {
		t.Fatalf("after the TTL: %d computations, generated %s (%v); want 2, 12:00:00.25", n.Load(), next.GeneratedAt, err)
	}
}

// TestOverviewSharedComputation: callers that come while an overview is computed wait for it
// instead of starting their own.
func TestOverviewSharedComputation(t *testing.T) {
	clk := &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	var n atomic.Int64
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := stats.New(counting(&n, func(context.Context) error {
		once.Do(func() { close(started) })
		<-release
		return nil
	}), stats.WithClock(clk.Now))

	const callers = 20
	results := make(chan error, callers)
	go func() {
		_, err := s.Overview(t.Context())
		results <- err
	}()
	<-started
	for range callers - 1 {
		go func() {
			_, err := s.Overview(t.Context())
			results <- err
		}()
	}
	close(release)
	for range callers {
		if err := <-results; err != nil {
			t.Fatalf("overview: %v", err)
		}
	}
	if n.Load() != 1 {
		t.Fatalf("%d computations for %d concurrent callers, want 1", n.Load(), callers)
	}
}

// TestOverviewCallerLeaves: a caller whose context ends stops waiting; the computation it
// started goes on for the others, and a failed one is not kept.
func TestOverviewCallerLeaves(t *testing.T) {
	clk := &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	var n atomic.Int64
	started, release := make(chan struct{}, 1), make(chan error)
	s := stats.New(counting(&n, func(ctx context.Context) error {
		started <- struct{}{}
		return <-release
	}), stats.WithClock(clk.Now))

	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		_, err := s.Overview(ctx)
		first <- err
	}()
	<-started
	second := make(chan error, 1)
	go func() {
		_, err := s.Overview(t.Context())
		second <- err
	}()
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: got %v, want context.Canceled", err)
	}
	release <- nil
	if err := <-second; err != nil {
		t.Fatalf("second caller: %v", err)
	}

	// A failure is not kept: the next call computes again.
	clk.Add(time.Second)
	down := errors.New("store down")
	go func() { <-started; release <- down }()
	if _, err := s.Overview(t.Context()); !errors.Is(err, down) {
		t.Fatalf("failing computation: got %v", err)
	}
	go func() { <-started; release <- nil }()
	if _, err := s.Overview(t.Context()); err != nil {
		t.Fatalf("after a failure: %v", err)
	}
	if n.Load() != 3 {
		t.Fatalf("%d computations, want 3", n.Load())
	}
}

// TestOverviewTimeout: a computation that outlives its timeout fails every caller waiting for
// it, even one without a deadline.
func TestOverviewTimeout(t *testing.T) {
	var n atomic.Int64
	s := stats.New(counting(&n, func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	}), stats.WithTimeout(time.Millisecond))
	if _, err := s.Overview(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
}

var _ stats.Source = (*fakeSource)(nil)
