// Package stats builds the dashboard's overview (rest.Overview) from the store's tallies (counts
// and sums per status and autonomy level, read from an index) and its latest leads, and reuses
// it for up to a second: however many dashboards poll, the store answers one set of queries a
// second.
package stats

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/sync/singleflight"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence"
)

// Source is what an overview is read from; edge.Entities is one.
type Source interface {
	// Aggregate returns the tallies of kind per (status, autonomy level).
	Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error)
	// List reads a page of snapshots.
	List(ctx context.Context, q persistence.Query) (persistence.Page, error)
}

// Defaults of a Service.
const (
	DefaultTTL     = 250 * time.Millisecond // how long an overview is reused: a change shows within a second
	DefaultTimeout = 10 * time.Second       // the deadline of one computation
	RecentLeads    = 10                     // how many leads the overview lists
)

// Service computes overviews and keeps the last one for its TTL. It is safe for concurrent
// use and starts no goroutine: a computation runs in the goroutine of the caller that asked
// first, while the callers that come meanwhile wait for its result.
type Service struct {
	src     Source
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time
	flight  singleflight.Group

	mu     sync.Mutex // guards last and lastAt
	last   rest.Overview
	lastAt time.Time // when last was computed (its clock reading); zero: none yet
}

// Option configures a Service.
type Option func(*Service)

// WithTTL sets how long an overview is reused (default DefaultTTL); 0 computes one per call,
// still shared by concurrent callers.
func WithTTL(d time.Duration) Option { return func(s *Service) { s.ttl = max(d, 0) } }

// WithTimeout bounds one computation (default DefaultTimeout). It runs detached from the
// context of the caller that started it, so that the callers waiting for it do not fail
// when that one gives up.
func WithTimeout(d time.Duration) Option {
	return func(s *Service) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// WithClock sets the clock that stamps overviews and ages them (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Service) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns a Service reading from src.
func New(src Source, opts ...Option) *Service {
	s := &Service{src: src, ttl: DefaultTTL, timeout: DefaultTimeout, now: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Overview returns an overview at most the TTL old: the last one, or a new one. Concurrent
// callers share one computation; a caller whose ctx ends stops waiting with ctx's error. A
// failed computation is not kept. The overview's maps and slices are shared: do not modify them.
func (s *Service) Overview(ctx context.Context) (rest.Overview, error) {
	if o, ok := s.fresh(); ok {
		return o, nil
	}
	ch := s.flight.DoChan("overview", func() (any, error) {
		if o, ok := s.fresh(); ok { // computed while this caller was on its way
			return o, nil
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
		defer cancel()
		at := s.now()
		o, err := Build(cctx, s.src, at)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.last, s.lastAt = o, at
		s.mu.Unlock()
		return o, nil
	})
	select {
	case <-ctx.Done():
		return rest.Overview{}, fmt.Errorf("overview: %w", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return rest.Overview{}, r.Err
		}
		return r.Val.(rest.Overview), nil
	}
}

// fresh returns the last overview if it is younger than the TTL.
func (s *Service) fresh() (rest.Overview, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastAt.IsZero() || s.now().Sub(s.lastAt) >= s.ttl {
		return rest.Overview{}, false
	}
	return s.last, true
}

// Build computes an overview from src, stamped at: three Aggregate calls (lead, deal, account)
// and one List of the latest leads.
//
// Funnel: captured counts every lead, qualified the leads now qualified or converted,
// converted the leads converted, won the deals closed_won. A deal's forecast category follows
// its stage (deal.Forecast); open deals are those in a stage that is not closed. Money adds
// the amounts of every currency as they are (there is no conversion) and is rounded to 2
// places once, after adding the exact sums of the tallies.
func Build(ctx context.Context, src Source, at time.Time) (rest.Overview, error) {
	tallies := map[string][]persistence.Tally{}
	for _, kind := range []string{"lead", "deal", "account"} {
		ts, err := src.Aggregate(ctx, kind)
		if err != nil {
			return rest.Overview{}, fmt.Errorf("overview of %ss: %w", kind, err)
		}
		tallies[kind] = ts
	}
	page, err := src.List(ctx, persistence.Query{Kind: "lead", Sort: persistence.SortCreatedDesc, Limit: RecentLeads})
	if err != nil {
		return rest.Overview{}, fmt.Errorf("overview's recent leads: %w", err)
	}
	o := rest.Overview{
		Autonomy: rest.AutonomyCounts{
			Lead: levels(tallies["lead"]), Deal: levels(tallies["deal"]), Account: levels(tallies["account"]),
		},
		RecentLeads: make([]rest.RecentLead, 0, len(page.Records)),
		GeneratedAt: rest.FormatTime(at),
	}
	o.Leads.Total, o.Leads.ByStatus = count(tallies["lead"], rest.LeadStatuses())
	o.Deals.Total, o.Deals.ByStage = count(tallies["deal"], deal.Stages())
	o.Accounts.Total, o.Accounts.ByLifecycle = count(tallies["account"], rest.Lifecycles())
	o.Funnel = []rest.FunnelStep{
		{Step: "captured", Count: o.Leads.Total},
		{Step: "qualified", Count: o.Leads.ByStatus["qualified"] + o.Leads.ByStatus["converted"]},
		{Step: "converted", Count: o.Leads.ByStatus["converted"]},
		{Step: "won", Count: o.Deals.ByStage[deal.ClosedWon]},
	}
	if o.Pipeline, err = pipeline(tallies["deal"]); err != nil {
		return rest.Overview{}, err
	}
	for _, r := range page.Records {
		l := &aidapb.Lead{}
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(r.State, l); err != nil {
			return rest.Overview{}, fmt.Errorf("parse lead %s state: %w", r.ID, err)
		}
		o.RecentLeads = append(o.RecentLeads, rest.ViewRecentLead(l))
	}
	return o, nil
}

// count returns the total of the tallies and their counts per status, with a key (0 or more)
// for each of statuses; a status outside them counts in the total only.
func count(ts []persistence.Tally, statuses []string) (int64, map[string]int64) {
	by := make(map[string]int64, len(statuses))
	for _, s := range statuses {
		by[s] = 0
	}
	var total int64
	for _, t := range ts {
		total += t.Count
		if _, ok := by[t.Status]; ok {
			by[t.Status] += t.Count
		}
	}
	return total, by
}

// levels returns the counts of the tallies per autonomy level, with keys "1" to "5".
func levels(ts []persistence.Tally) map[string]int64 {
	by := make(map[string]int64, 5)
	for l := 1; l <= 5; l++ {
		by[strconv.Itoa(l)] = 0
	}
	for _, t := range ts {
		if t.Level >= 1 && t.Level <= 5 {
			by[strconv.Itoa(int(t.Level))] += t.Count
		}
	}
	return by
}

// money is an exact running total of deals.
type money struct {
	count           int64
	value, weighted decimal.Decimal
}

func (m *money) add(t persistence.Tally, value, weighted decimal.Decimal) {
	m.count += t.Count
	m.value, m.weighted = m.value.Add(value), m.weighted.Add(weighted)
}

// pipeline adds the deal tallies into the open, won and per-forecast-category totals.
func pipeline(ts []persistence.Tally) (rest.Pipeline, error) {
	categories := []string{deal.ForecastPipeline, deal.ForecastBestCase, deal.ForecastCommit, deal.ForecastClosed, deal.ForecastOmitted}
	var open, won money
	byCategory := make(map[string]*money, len(categories))
	for _, c := range categories {
		byCategory[c] = &money{}
	}
	for _, t := range ts {
		value, err := decimal.NewFromString(t.Amount)
		if err != nil {
			return rest.Pipeline{}, fmt.Errorf("deal tally %s/%d amount %q: %w", t.Status, t.Level, t.Amount, err)
		}
		weighted, err := decimal.NewFromString(t.Weighted)
		if err != nil {
			return rest.Pipeline{}, fmt.Errorf("deal tally %s/%d weighted %q: %w", t.Status, t.Level, t.Weighted, err)
		}
		if m, ok := byCategory[deal.Forecast(t.Status)]; ok {
			m.add(t, value, weighted)
		}
		switch {
		case t.Status == deal.ClosedWon:
			won.add(t, value, weighted)
		case deal.ValidStage(t.Status) && !deal.IsClosed(t.Status):
			open.add(t, value, weighted)
		}
	}
	p := rest.Pipeline{
		OpenValue: open.value.StringFixed(2), WeightedValue: open.weighted.StringFixed(2), WonValue: won.value.StringFixed(2),
		ByForecast: make(map[string]rest.ForecastTotal, len(categories)),
	}
	for _, c := range categories {
		m := byCategory[c]
		p.ByForecast[c] = rest.ForecastTotal{Count: m.count, Value: m.value.StringFixed(2), Weighted: m.weighted.StringFixed(2)}
	}
	return p, nil
}
