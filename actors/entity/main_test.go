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

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
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

// hooks lets a test put a fault in front of the real store for the probe kind only.
type hooks struct {
	mu     sync.Mutex
	append func(ctx context.Context, a persistence.Append) error // nil: the real group
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

// panicky is the lead behaviour under another kind name, except that the note "panic" makes
// Decide panic: it exercises the shell's recovery.
func panicky() Behavior[*aidapb.Lead] {
	return Behavior[*aidapb.Lead]{Kind: kindProbe, Apply: lead.Apply, Index: lead.Index, View: leadView,
		Reminders: (*aidapb.Lead).GetReminders,
		Decide: func(s *aidapb.Lead, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
			if cmd.GetAddNote().GetText() == "panic" {
				panic("probe told to panic")
			}
			return lead.Decide(s, cmd, now)
		}}
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
		deps := Deps{Loader: env.store, Appender: env.group, Metrics: NewMetrics(env.reg),
			PassivateAfter: time.Second, Timeout: 5 * time.Second}
		kinds := Kinds(deps)
		probeDeps := deps
		probeDeps.Appender = env.hooks
		kinds = append(kinds, cluster.Kind{Name: kindProbe, Props: Props(panicky(), probeDeps)})
		env.member, err = cluster.Start(cluster.Config{}, kinds...)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer env.member.Stop()
		env.gateway = NewGateway(env.member, env.store, 2)
		return m.Run()
	}())
}

// deadline gives each call in a test a generous deadline, so a hang fails instead of blocking.
func deadline(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
