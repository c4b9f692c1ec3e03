package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/aidacrm/aida/bench/load"
	"github.com/aidacrm/aida/cmd/internal/system"
)

// benchRead is B1: GET /api/v1/leads/{id} against warm lead actors, beside a fiber
// hello-world handler in the same process, both driven by the same load generator.
func benchRead(ctx context.Context, b *bencher) ([]row, error) {
	var rows []row
	for _, backend := range []string{"SQLite", "PostgreSQL"} {
		cfg, err := b.backendConfig(ctx, "b1", backend)
		if err != nil {
			return nil, err
		}
		r, err := b.readOne(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", backend, err)
		}
		r.what += ", " + backend
		rows = append(rows, r)
	}
	return rows, nil
}

func (b *bencher) readOne(ctx context.Context, cfg system.Config) (row, error) {
	sys, stop, err := b.startSystem(ctx, cfg)
	if err != nil {
		return row{}, err
	}
	defer stop()
	n := b.size(10000, 1000)
	b.say("capturing %d leads (their actors stay warm)", n)
	ids := make([]string, n)
	if _, _, err := fanOut(ctx, n, 64, func(i int) error {
		l, _, err := sys.Gateway().Capture(ctx, captureCmd(fmt.Sprintf("b1-%d@bench.example", i)))
		ids[i] = l.GetId()
		return err
	}); err != nil {
		return row{}, err
	}
	helloAddr, stopHello, err := helloServer()
	if err != nil {
		return row{}, err
	}
	defer stopHello()

	aidaAddr := sys.Addr().String()
	read := func(conn, i int, req *fasthttp.Request) {
		req.SetRequestURI("http://" + aidaAddr + "/api/v1/leads/" + ids[rand.IntN(len(ids))])
		req.Header.Set("Authorization", b.auth)
	}
	hello := func(conn, i int, req *fasthttp.Request) {
		req.SetRequestURI("http://" + helloAddr + "/hello")
	}
	aida, base, err := b.alternate(64, aidaAddr, read, helloAddr, hello)
	if err != nil {
		return row{}, err
	}
	r := row{id: "B1", what: fmt.Sprintf("GET lead by id, %d warm actors, 64 conns", n),
		aida: aida, baseline: base, goal: "≥ 0.70 of baseline; p99 ≤ 10 ms"}
	r.met = r.ratio() >= 0.70 && aida.p99 <= 10*time.Millisecond
	return r, nil
}

// alternate measures AIDA and the baseline in alternating rounds, so drift of the machine
// hits both alike, and returns the median of each.
func (b *bencher) alternate(conns int, aidaAddr string, aidaReq load.Request, baseAddr string, baseReq load.Request) (figure, figure, error) {
	var aidas, bases []figure
	for round := range b.rounds {
		for _, side := range []struct {
			name string
			addr string
			req  load.Request
			into *[]figure
		}{{"AIDA", aidaAddr, aidaReq, &aidas}, {"baseline", baseAddr, baseReq, &bases}} {
			res, err := load.Run(load.Options{Addr: side.addr, Conns: conns, Duration: b.duration,
				Warmup: b.warmup, Request: side.req})
			if err != nil {
				return figure{}, figure{}, fmt.Errorf("%s round %d: %w", side.name, round+1, err)
			}
			if res.Errors > 0 {
				return figure{}, figure{}, fmt.Errorf("%s round %d: %d failed requests", side.name, round+1, res.Errors)
			}
			b.say("round %d %-8s %s", round+1, side.name, res)
			*side.into = append(*side.into, figure{rate: res.Throughput(), unit: "req/s", p50: res.P50, p99: res.P99})
		}
	}
	return median(aidas), median(bases), nil
}
