package main

import (
	"context"
	"fmt"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
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
		l, _, err := sys.Gateway().Capture(ctx, captureCmd(fmt.Sprintf("b5-%d@bench.example", i)))
		if err != nil {
			return nil, err
		}
		leadIDs[i] = l.GetId()
	}
	bareIDs := freshIDs(actors)
	var aidas, bases []figure
	for round := range b.rounds {
		aida, err := b.hammer(ctx, sys.Member(), lead.Kind, leadIDs)
		if err != nil {
			return nil, fmt.Errorf("AIDA round %d: %w", round+1, err)
		}
		base, err := b.hammer(ctx, sys.Member(), bareKind, bareIDs)
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
	return b.loop(ctx, len(ids), "req/s", func(w, _ int) (int, error) {
		res, err := m.Request(ctx, kind, ids[w], &aidapb.Command{Id: ids[w], Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
		if err != nil {
			return 0, err
		}
		if e := res.(*aidapb.Reply).GetError(); e != nil {
			return 0, fault.FromProto(e)
		}
		return 1, nil
	})
}
