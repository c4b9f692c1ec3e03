package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/bench/load"
	"github.com/aidacrm/aida/cmd/internal/system"
	"github.com/aidacrm/aida/persistence"
)

// benchWrite is B2: durable captures over HTTP on SQLite and on PostgreSQL, beside the same
// store's raw batched append of the same rows (journal + snapshot), without HTTP, actors or
// group commit.
func benchWrite(ctx context.Context, b *bencher) ([]row, error) {
	var rows []row
	for _, backend := range []struct {
		name, goal string
		min        float64
		maxP99     time.Duration
		writers    int
	}{
		{"SQLite", "≥ 10,000/s", 10000, 0, 1},
		{"PostgreSQL", "≥ 20,000/s; p99 ≤ 50 ms", 20000, 50 * time.Millisecond, 4},
	} {
		cfg, err := b.backendConfig(ctx, "b2", backend.name)
		if err != nil {
			return nil, err
		}
		r, err := b.writeOne(ctx, cfg, backend.writers)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", backend.name, err)
		}
		r.what = "POST lead (capture, dedup, score, append), 256 conns, " + backend.name
		r.goal = backend.goal + "; ratio reported"
		r.met = r.aida.rate >= backend.min && (backend.maxP99 == 0 || r.aida.p99 <= backend.maxP99)
		rows = append(rows, r)
	}
	return rows, nil
}

func (b *bencher) writeOne(ctx context.Context, cfg system.Config, writers int) (row, error) {
	sys, stop, err := b.startSystem(ctx, cfg)
	if err != nil {
		return row{}, err
	}
	defer stop()
	addr := sys.Addr().String()
	var aidas, bases []figure
	for round := range b.rounds {
		prefix := "b2-" + strconv.Itoa(round) + "-"
		res, err := load.Run(load.Options{Addr: addr, Conns: 256, Duration: b.duration, Warmup: b.warmup,
			OK: func(s int) bool { return s == 201 },
			Request: func(conn, n int, req *fasthttp.Request) {
				req.Header.SetMethod("POST")
				req.Header.SetContentType("application/json")
				req.SetRequestURI("http://" + addr + "/api/v1/leads")
				req.Header.Set("Authorization", b.auth)
				req.SetBodyString(`{"email":"` + prefix + strconv.Itoa(conn) + "-" + strconv.Itoa(n) +
					`@bench.example","first_name":"Ada","last_name":"Lovelace","company":"Analytical Engines Ltd",` +
					`"source":"demo_request","campaign":"spring","utm":{"utm_source":"newsletter","utm_medium":"email","utm_campaign":"pricing"}}`)
			}})
		if err != nil {
			return row{}, fmt.Errorf("AIDA round %d: %w", round+1, err)
		}
		if res.Errors > 0 {
			return row{}, fmt.Errorf("AIDA round %d: %d failed captures", round+1, res.Errors)
		}
		b.say("round %d AIDA     %s", round+1, res)
		aidas = append(aidas, figure{rate: res.Throughput(), unit: "captures/s", p50: res.P50, p99: res.P99})

		base, err := b.rawAppend(ctx, sys.Store(), writers, "raw-"+strconv.Itoa(round))
		if err != nil {
			return row{}, fmt.Errorf("baseline round %d: %w", round+1, err)
		}
		b.say("round %d baseline %s (batches of 256)", round+1, base)
		bases = append(bases, base)
	}
	return row{id: "B2", aida: median(aidas), baseline: median(bases)}, nil
}

// rawAppend appends batches of 256 capture-equivalent rows straight to the store from writers
// goroutines for the round's duration; the latencies are those of one batch.
func (b *bencher) rawAppend(ctx context.Context, store persistence.Store, writers int, prefix string) (figure, error) {
	tmpl, err := sampleAppend(entity.NewID(), "template@bench.example", time.Now())
	if err != nil {
		return figure{}, err
	}
	return b.loop(ctx, writers, "rows/s", func(w, n int) (int, error) {
		batch := make([]persistence.Append, 256)
		for i := range batch {
			batch[i] = cloneAppend(tmpl, entity.NewID(), fmt.Sprintf("%s-%d-%d-%d@bench.example", prefix, w, n, i))
		}
		for _, err := range store.Append(ctx, batch) {
			if err != nil {
				return 0, err
			}
		}
		return len(batch), nil
	})
}

// cloneAppend copies the template append for another entity: new id, unique key and event ids;
// the JSON payloads are shared.
func cloneAppend(t persistence.Append, id, key string) persistence.Append {
	a := t
	a.Events = slices.Clone(t.Events)
	for i := range a.Events {
		a.Events[i].ID = id
		a.Events[i].EventID = entity.NewID()
	}
	a.Snapshot.ID = id
	a.Snapshot.Index.UniqueKey = key
	return a
}
