package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/gofiber/fiber/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/bench/load"
	"github.com/aidacrm/aida/cmd/internal/system"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/postgres/pgtest"
	"github.com/aidacrm/aida/policies/access"
	"github.com/aidacrm/aida/runtime/cluster"
	"github.com/aidacrm/aida/runtime/host"
)

// config returns a server configuration for a scenario: a free port, its own data directory,
// actors that stay resident for the whole run.
// backendConfig is config for scenario (b1, b2 …) on backend: SQLite in the scratch folder, or
// a fresh database of the benchmark's PostgreSQL.
func (b *bencher) backendConfig(ctx context.Context, scenario, backend string) (system.Config, error) {
	cfg := b.config(scenario + "-" + backend)
	if backend == "PostgreSQL" {
		url, err := b.postgresURL(ctx, scenario)
		if err != nil {
			return cfg, err
		}
		cfg.DatabaseURL = url
	}
	return cfg, nil
}

func (b *bencher) config(name string) system.Config {
	cfg := system.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.NATSAddr = "127.0.0.1:0"
	cfg.DataDir = filepath.Join(b.dir, name)
	cfg.PassivateAfter = time.Hour
	cfg.RequestTimeout = 30 * time.Second
	// The scenarios measure the spine; the agents' own writes (a sequence per captured lead)
	// would add load of their own that no baseline shares.
	cfg.Agents = "none"
	return cfg
}

// startSystem starts a whole server in this process; stop stops it.
func (b *bencher) startSystem(ctx context.Context, cfg system.Config, extra ...cluster.Kind) (sys *system.System, stop func(), err error) {
	h := host.New(b.logger, time.Minute)
	sys = system.New(cfg, b.logger, system.WithKinds(extra...))
	sys.Add(h)
	if err := h.Start(ctx); err != nil {
		return nil, nil, err
	}
	// A stored key, as clients use: each request reads it from the store, as in production.
	_, token, err := sys.Keys().Create(ctx, "bench", access.Admin, 0)
	if err != nil {
		_ = h.Stop()
		return nil, nil, fmt.Errorf("make the benchmark's key: %w", err)
	}
	b.auth = "Bearer " + token
	return sys, func() { _ = h.Stop() }, nil
}

// postgresURL starts the run's private PostgreSQL on first use and returns a fresh database.
func (b *bencher) postgresURL(ctx context.Context, name string) (string, error) {
	b.pgOnce.Do(func() {
		dir := filepath.Join(b.dir, "pg")
		if b.pgErr = os.Mkdir(dir, 0o755); b.pgErr == nil {
			b.pg, b.pgErr = pgtest.StartServer(dir)
		}
	})
	if b.pgErr != nil {
		return "", fmt.Errorf("start PostgreSQL: %w", b.pgErr)
	}
	return b.pg.CreateDatabase(ctx, name)
}

// close releases what the scenarios started.
func (b *bencher) close() {
	if b.pg != nil {
		b.pg.Close()
	}
}

// bareKind is the baseline actor: it answers every command with an empty reply and loads nothing.
const bareKind = "bare"

type bare struct{}

var bareReply = &aidapb.Reply{}

func (bare) Receive(ctx actor.Context) {
	if _, ok := ctx.Message().(*aidapb.Command); ok {
		ctx.Respond(bareReply)
	}
}

func bareKinds() cluster.Kind {
	return cluster.Kind{Name: bareKind, Props: actor.PropsFromProducer(func() actor.Actor { return bare{} })}
}

// helloServer is B1's baseline: a fiber hello-world handler in the same binary.
func helloServer() (addr string, stop func(), err error) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/hello", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"hello": "world"})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	serving := host.Go(func(context.Context) error { return app.Listener(ln) })
	return ln.Addr().String(), func() { _ = app.Shutdown(); _ = serving.Stop() }, nil
}

// captureCmd is the capture every write scenario sends, for a given email.
func captureCmd(email string) *aidapb.Command {
	return &aidapb.Command{Actor: "bench", Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: email, FirstName: "Ada", LastName: "Lovelace", Company: "Analytical Engines Ltd",
		Source: "demo_request", Campaign: "spring", AutonomyLevel: 2,
		Utm: map[string]string{"utm_source": "newsletter", "utm_medium": "email", "utm_campaign": "pricing"}}}}
}

// sampleAppend builds the append a capture produces, as the entity shell would: the same
// events, snapshot and index columns, for id and email.
func sampleAppend(id, email string, now time.Time) (persistence.Append, error) {
	cmd := captureCmd(email)
	cmd.Id = id
	events, err := lead.Decide(nil, cmd, now)
	if err != nil {
		return persistence.Append{}, err
	}
	var s *aidapb.Lead
	entries := make([]persistence.Entry, len(events))
	for i, e := range events {
		e.Id, e.Actor, e.Time, e.Version = entity.NewID(), "bench", timestamppb.New(now), int64(i+1)
		s = lead.Apply(s, e)
		data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(e) // as the entity shell writes events
		if err != nil {
			return persistence.Append{}, err
		}
		entries[i] = persistence.Entry{Kind: lead.Kind, ID: id, Version: e.Version, EventID: e.Id,
			Type: e.GetType(), Actor: "bench", Time: now, Data: data}
	}
	state, err := protojson.Marshal(s)
	if err != nil {
		return persistence.Append{}, err
	}
	return persistence.Append{Events: entries, Snapshot: persistence.Record{Kind: lead.Kind, ID: id,
		Version: int64(len(events)), State: state, Index: lead.Index(s), CreatedAt: now, UpdatedAt: now}}, nil
}

// fanOut runs n calls of f over c goroutines and returns the latency of each call, sorted,
// and the elapsed time.
func fanOut(ctx context.Context, n, c int, f func(i int) error) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, n)
	errs := make([]error, c)
	var next sync.Mutex
	i := 0
	take := func() int {
		next.Lock()
		defer next.Unlock()
		if i >= n || ctx.Err() != nil {
			return -1
		}
		i++
		return i - 1
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range c {
		wg.Go(func() {
			for k := take(); k >= 0; k = take() {
				t := time.Now()
				if err := f(k); err != nil {
					errs[w] = err
					return
				}
				lat[k] = time.Since(t)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return nil, elapsed, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, elapsed, err
	}
	sortDurations(lat)
	return lat, elapsed, nil
}

// loop runs step in workers goroutines, each in a closed loop, for the round's warmup and
// duration. step reports how many operations one call did; the figure is operations per second
// in the measured window and the latency of one call.
func (b *bencher) loop(ctx context.Context, workers int, unit string, step func(worker, iter int) (int, error)) (figure, error) {
	var (
		count   atomic.Int64
		mu      sync.Mutex
		lat     []time.Duration
		failure error
		wg      sync.WaitGroup
	)
	measureFrom := time.Now().Add(b.warmup)
	end := measureFrom.Add(b.duration)
	for w := range workers {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1<<12)
			for n := 0; ctx.Err() == nil; n++ {
				t := time.Now()
				if t.After(end) {
					break
				}
				ops, err := step(w, n)
				if err != nil {
					mu.Lock()
					failure = err
					mu.Unlock()
					return
				}
				if t.After(measureFrom) {
					local = append(local, time.Since(t))
					count.Add(int64(ops))
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if failure != nil {
		return figure{}, failure
	}
	if len(lat) == 0 {
		return figure{}, fmt.Errorf("no operation finished in %s", b.duration)
	}
	slices.Sort(lat)
	return figure{rate: float64(count.Load()) / b.duration.Seconds(), unit: unit,
		p50: load.Percentile(lat, 50), p99: load.Percentile(lat, 99)}, nil
}
