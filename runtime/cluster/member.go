package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	pcluster "github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/test"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/asynkron/protoactor-go/remote"
)

// Kind is one actor kind: its name and the props that produce its actors.
type Kind struct {
	Name  string
	Props *actor.Props
}

// Config configures a Member.
type Config struct {
	Name   string       // cluster name; default "aida"
	Host   string       // address the remote transport binds; default 127.0.0.1
	Port   int          // 0: any free port
	Logger *slog.Logger // protoactor's own logs; default: discarded below warnings
}

// Member is this process's cluster member.
type Member struct {
	system  *actor.ActorSystem
	cluster *pcluster.Cluster
	kinds   map[string]bool
	stopped atomic.Bool
}

// Start starts a member hosting kinds and returns once it can take requests.
func Start(cfg Config, kinds ...Kind) (*Member, error) {
	if cfg.Name == "" {
		cfg.Name = "aida"
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	system := actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return logger }),
		actor.WithDeadLetterThrottleCount(3),
		actor.WithDeadLetterRequestLogging(false),
	)
	pkinds := make([]*pcluster.Kind, 0, len(kinds))
	names := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		if k.Name == "" || k.Props == nil {
			return nil, fmt.Errorf("start cluster: kind %q needs a name and props", k.Name)
		}
		pkinds = append(pkinds, pcluster.NewKind(k.Name, k.Props))
		names[k.Name] = true
	}
	provider := test.NewTestProvider(test.NewInMemAgent())
	cfgc := pcluster.Configure(cfg.Name, provider, disthash.New(),
		remote.Configure(cfg.Host, cfg.Port),
		pcluster.WithKinds(pkinds...),
		pcluster.WithRequestLog(false),
	)
	c := pcluster.New(system, cfgc)
	c.StartMember()
	return &Member{system: system, cluster: c, kinds: names}, nil
}

// Request sends msg to the actor (kind, id) and returns its reply. It waits until ctx is done
// at the latest (default 10 s without a deadline). A message that found no live actor (it had
// just passivated) is sent again, since it was not delivered; a timeout is never retried.
func (m *Member) Request(ctx context.Context, kind, id string, msg any) (any, error) {
	if m.stopped.Load() {
		return nil, ErrStopped
	}
	if !m.kinds[kind] {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(10 * time.Second)
	}
	for attempt := 0; ; attempt++ {
		ttl := time.Until(deadline)
		if ttl <= 0 || ctx.Err() != nil {
			return nil, ErrTimeout
		}
		pid := m.pid(kind, id)
		if pid == nil {
			if attempt >= 5 {
				return nil, fmt.Errorf("activate %s %s: %w", kind, id, ErrTimeout)
			}
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
			continue
		}
		res, err := m.system.Root.RequestFuture(pid, msg, ttl).Result()
		switch {
		case err == nil:
			return res, nil
		case err == actor.ErrDeadLetter || err == remote.ErrDeadLetter:
			// Not delivered: the activation ended between lookup and send. Forget it, try again.
			m.cluster.PidCache.Remove(id, kind)
			if attempt >= 5 {
				return nil, fmt.Errorf("deliver to %s %s: %w", kind, id, err)
			}
		case err == actor.ErrTimeout || err == remote.ErrTimeout:
			return nil, ErrTimeout
		default:
			return nil, fmt.Errorf("request %s %s: %w", kind, id, err)
		}
	}
}

func (m *Member) pid(kind, id string) *actor.PID {
	if pid, ok := m.cluster.PidCache.Get(id, kind); ok && pid != nil {
		return pid
	}
	pid := m.cluster.Get(id, kind)
	if pid != nil {
		m.cluster.PidCache.Set(id, kind, pid)
	}
	return pid
}

// Stop stops the member and its actors without waiting for a graceful leave (one process has
// no peers to hand partitions to).
func (m *Member) Stop() {
	if m.stopped.Swap(true) {
		return
	}
	m.cluster.Shutdown(false)
}

// Identity returns the cluster identity protoactor gave the actor in ctx, and whether it has one.
func Identity(ctx actor.Context) (kind, id string, ok bool) {
	ci := pcluster.GetClusterIdentity(ctx)
	if ci == nil {
		return "", "", false
	}
	return ci.Kind, ci.Identity, true
}
