package entity

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/runtime/cluster"
)

// One cluster member serves the whole package: starting one takes a second.
var env struct {
	store   *sqlite.Store
	group   *persistence.Group
	member  *cluster.Member
	gateway *Gateway
	reg     *prometheus.Registry
	hooks   *hooks
}

// hooks lets a test put a fault in front of the real store, or watch its loads.
type hooks struct {
	mu     sync.Mutex
	append func(ctx context.Context, a persistence.Append) error // nil: the real group
	load   func()                                                // nil: nothing to tell
}

func (h *hooks) Load(ctx context.Context, kind, id string) (persistence.Record, error) {
	h.mu.Lock()
	f := h.load
	h.mu.Unlock()
	if f != nil {
		f()
	}
	return env.store.Load(ctx, kind, id)
}

func (h *hooks) setLoad(f func()) {
	h.mu.Lock()
	h.load = f
	h.mu.Unlock()
}

func (h *hooks) Append(ctx context.Context, a persistence.Append) error {
	h.mu.Lock()
	f := h.append
	h.mu.Unlock()
	if f != nil {
		return f(ctx, a)
	}
	return env.group.Append(ctx, a)
}

func (h *hooks) set(f func(ctx context.Context, a persistence.Append) error) {
	h.mu.Lock()
	h.append = f
	h.mu.Unlock()
}

const kindProbe = "probe"

// probe is the smallest kind the shell can run, so that its tests hold no domain's rules: a
// capture_lead creates it (its email is its unique key), and the shared commands do the rest.
// Its Follow panics on the note "panic", to exercise the shell's recovery.
func probe() Behavior[*aidapb.Lead] {
	return Behavior[*aidapb.Lead]{
		Kind: kindProbe,
		Decide: func(s *aidapb.Lead, cmd *aidapb.Command, _ time.Time) ([]*aidapb.Event, error) {
			c := cmd.GetCaptureLead()
			switch {
			case c == nil:
				return nil, fault.New(fault.Invalid, "a probe takes only capture_lead")
			case s != nil:
				return nil, fault.New(fault.Duplicate, "probe %s exists", s.GetId())
			}
			l := &aidapb.Lead{Id: cmd.GetId(), Email: c.GetEmail(), Owner: c.GetOwner(), AutonomyLevel: c.GetAutonomyLevel()}
			return []*aidapb.Event{{Type: "crm.probe.captured", Data: &aidapb.Event_LeadCaptured{LeadCaptured: &aidapb.LeadCaptured{Lead: l}}}}, nil
		},
		Apply: func(s *aidapb.Lead, e *aidapb.Event) *aidapb.Lead {
			if c := e.GetLeadCaptured(); c != nil {
				s = proto.Clone(c.GetLead()).(*aidapb.Lead)
				s.CreatedAt, s.UpdatedAt, s.Version = record.Stamp(e), record.Stamp(e), e.GetVersion()
			}
			return s
		},
		Traits: func(s *aidapb.Lead) record.Traits {
			return record.Traits{Kind: kindProbe, Limits: record.Limits{Note: 100, Author: 100, Reason: 100}, Owner: s.GetOwner(),
				Email: s.GetEmail(), Level: &s.AutonomyLevel, Notes: &s.Notes, Work: &s.Work, Engagement: &s.Engagement,
				Reminders: &s.Reminders, UpdatedAt: &s.UpdatedAt, Version: &s.Version}
		},
		Follow: func(_ *aidapb.Lead, cmd *aidapb.Command, events []*aidapb.Event, _ time.Time) []*aidapb.Event {
			if cmd.GetAddNote().GetText() == "panic" {
				panic("probe told to panic")
			}
			return events
		},
		Index: func(s *aidapb.Lead) record.Index {
			return record.Index{UniqueKey: s.GetEmail(), Score: -1, Level: s.GetAutonomyLevel()}
		},
		View: func(s *aidapb.Lead) *aidapb.Reply { return &aidapb.Reply{View: &aidapb.Reply_Lead{Lead: s}} },
	}
}

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "entity-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		ctx := context.Background()
		env.store, err = sqlite.Open(ctx, filepath.Join(dir, "aida.db"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer env.store.Close()
		env.group = persistence.NewGroup(env.store)
		env.group.Start()
		defer env.group.Stop()
		env.reg = prometheus.NewRegistry()
		env.hooks = &hooks{}
		deps := Deps{Loader: env.hooks, Appender: env.hooks, Metrics: NewMetrics(env.reg),
			PassivateAfter: time.Second, Timeout: 5 * time.Second}
		env.member, err = cluster.Start(cluster.Config{}, cluster.Kind{Name: kindProbe, Props: Props(probe(), deps)})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer env.member.Stop()
		env.gateway = NewGateway(env.member, env.store)
		return m.Run()
	}())
}

// deadline gives each call in a test a generous deadline, so a hang fails instead of blocking.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
