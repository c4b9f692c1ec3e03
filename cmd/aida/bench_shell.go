package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/bench/load"
	"github.com/aidacrm/aida/runtime/cluster"
)

// benchShell is B5: a command's round trip through the entity shell in process (decide and
// reply, no store write), beside a bare protoactor cluster request with the same message.
func benchShell(ctx context.Context, b *bencher) ([]row, error) {
	sys, stop, err := b.startSystem(ctx, b.config("b5"), bareKinds())
	if err != nil {
		return nil, err
	}
	defer stop()
	const actors = 64
	leadIDs := make([]string, actors)
	for i := range leadIDs {
		l, _, err := sys.gateway.Capture(ctx, captureCmd(fmt.Sprintf("b5-%d@bench.example", i)))
		if err != nil {
			return nil, err
		}
		leadIDs[i] = l.GetId()
	}
	bareIDs := freshIDs(actors)
	var aidas, bases []figure
	for round := range b.rounds {
		aida, err := b.hammer(ctx, sys.member, entity.KindLead, leadIDs)
		if err != nil {
			return nil, fmt.Errorf("AIDA round %d: %w", round+1, err)
		}
		base, err := b.hammer(ctx, sys.member, bareKind, bareIDs)
		if err != nil {
			return nil, fmt.Errorf("baseline round %d: %w", round+1, err)
		}
		b.say("round %d AIDA %s; baseline %s", round+1, aida, base)
		aidas, bases = append(aidas, aida), append(bases, base)
	}
	r := row{id: "B5", what: "get through the entity shell, 64 actors, 64 callers",
		aida: median(aidas), baseline: median(bases), goal: "≥ 0.5 of baseline"}
	r.met = r.ratio() >= 0.5
	return []row{r}, nil
}

// hammer sends gets to ids (caller i to ids[i]) in closed loops for the round's duration.
func (b *bencher) hammer(ctx context.Context, m *cluster.Member, kind string, ids []string) (figure, error) {
	var (
		count   atomic.Int64
		mu      sync.Mutex
		lat     []time.Duration
		failure error
		wg      sync.WaitGroup
	)
	start := time.Now()
	measureFrom := start.Add(b.warmup)
	end := measureFrom.Add(b.duration)
	for _, id := range ids {
		wg.Go(func() {
			local := make([]time.Duration, 0, 1<<16)
			for ctx.Err() == nil {
				t := time.Now()
				if t.After(end) {
					break
				}
				res, err := m.Request(ctx, kind, id, &aidapb.Command{Id: id, Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
				if err == nil {
					if e := res.(*aidapb.Reply).GetError(); e != nil {
						err = fault.FromProto(e)
					}
				}
				if err != nil {
					mu.Lock()
					failure = err
					mu.Unlock()
					return
				}
				if t.After(measureFrom) {
					local = append(local, time.Since(t))
					count.Add(1)
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
	slices.Sort(lat)
	return figure{rate: float64(count.Load()) / b.duration.Seconds(), unit: "req/s",
		p50: load.Percentile(lat, 50), p99: load.Percentile(lat, 99)}, nil
}
