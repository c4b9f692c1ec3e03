package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/bench/load"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/cluster"
)

// benchActivate is B3: the first request to passivated leads, each loading its snapshot from
// the store, beside the first request to bare actors that load nothing.
func benchActivate(ctx context.Context, b *bencher) ([]row, error) {
	cfg := b.config("b3")
	n := b.size(100000, 5000)
	ids := make([]string, n)
	b.say("capturing %d leads, then restarting so that every actor is passivated", n)
	sys, stop, err := b.startSystem(ctx, cfg)
	if err != nil {
		return nil, err
	}
	_, elapsed, err := fanOut(ctx, n, 256, func(i int) error {
		l, _, err := sys.Gateway().Capture(ctx, captureCmd(fmt.Sprintf("b3-%d@bench.example", i)))
		ids[i] = l.GetId()
		return err
	})
	stop()
	if err != nil {
		return nil, err
	}
	b.say("captured in %s", elapsed.Round(time.Millisecond))

	sys, stop, err = b.startSystem(ctx, cfg, bareKinds())
	if err != nil {
		return nil, err
	}
	defer stop()
	// Let the relay publish the captures' events first: activation is measured alone.
	if err := drained(ctx, sys.Store()); err != nil {
		return nil, err
	}
	per := n / b.rounds
	var aidas, bases []figure
	for round := range b.rounds {
		part := ids[round*per : (round+1)*per]
		aida, err := activate(ctx, sys.Member(), lead.Kind, part)
		if err != nil {
			return nil, fmt.Errorf("AIDA round %d: %w", round+1, err)
		}
		fresh := make([]string, per)
		for i := range fresh {
			fresh[i] = entity.NewID()
		}
		base, err := activate(ctx, sys.Member(), bareKind, fresh)
		if err != nil {
			return nil, fmt.Errorf("baseline round %d: %w", round+1, err)
		}
		b.say("round %d AIDA %s; baseline %s", round+1, aida, base)
		aidas, bases = append(aidas, aida), append(bases, base)
	}
	r := row{id: "B3", what: fmt.Sprintf("first request to %d passivated leads (snapshot from SQLite), 64 callers", n),
		aida: median(aidas), baseline: median(bases), goal: "≥ 20,000 activations/s; p99 ≤ 5 ms"}
	r.met = r.aida.rate >= 20000 && r.aida.p99 <= 5*time.Millisecond
	return []row{r}, nil
}

// activate sends one get to each id of kind from 64 goroutines: each is the actor's first message.
func activate(ctx context.Context, m *cluster.Member, kind string, ids []string) (figure, error) {
	lat, elapsed, err := fanOut(ctx, len(ids), 64, func(i int) error {
		res, err := m.Request(ctx, kind, ids[i], &aidapb.Command{Id: ids[i], Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
		if err != nil {
			return err
		}
		if e := res.(*aidapb.Reply).GetError(); e != nil {
			return fault.FromProto(e)
		}
		return nil
	})
	if err != nil {
		return figure{}, err
	}
	return figure{rate: float64(len(ids)) / elapsed.Seconds(), unit: "activations/s",
		p50: load.Percentile(lat, 50), p99: load.Percentile(lat, 99)}, nil
}

// drained waits until the relay has published every journal row.
func drained(ctx context.Context, store persistence.Store) error {
	for {
		left, err := store.Unpublished(ctx, 1)
		if err != nil || len(left) == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
