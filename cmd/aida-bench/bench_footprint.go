package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/crm"
	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/cluster"
)

// typicalLoader serves the same captured-lead snapshot for every id: each actor decodes its
// own copy, so the resident state is what a real lead holds, without seeding a store.
type typicalLoader struct{ rec persistence.Record }

func (l typicalLoader) Load(_ context.Context, kind, id string) (persistence.Record, error) {
	r := l.rec
	r.ID = id
	return r, nil
}

// benchFootprint is B4: the memory of resident lead actors with typical state, beside the same
// number of bare protoactor grains.
func benchFootprint(ctx context.Context, b *bencher) ([]row, error) {
	n := b.size(1000000, 20000)
	sample, err := sampleAppend(entity.NewID(), "typical@bench.example", time.Now())
	if err != nil {
		return nil, err
	}
	leads := crm.Kinds(entity.Deps{Loader: typicalLoader{rec: sample.Snapshot}, PassivateAfter: time.Hour})[0]
	m, err := cluster.Start(cluster.Config{}, leads, bareKinds())
	if err != nil {
		return nil, err
	}
	defer m.Stop()

	heap0, rss0 := memory()
	b.say("activating %d bare grains", n)
	if _, err := activate(ctx, m, bareKind, freshIDs(n)); err != nil {
		return nil, err
	}
	heap1, rss1 := memory()
	b.say("activating %d lead actors", n)
	if _, err := activate(ctx, m, lead.Kind, freshIDs(n)); err != nil {
		return nil, err
	}
	heap2, rss2 := memory()
	bare := float64(heap1-heap0) / float64(n)
	lead := float64(heap2-heap1) / float64(n)
	above := lead - bare
	r := row{id: "B4", what: fmt.Sprintf("%d resident lead actors", n),
		aida:     figure{rate: lead, unit: "B/actor (heap)"},
		baseline: figure{rate: bare, unit: "B/grain (heap)"},
		goal:     "≤ 2 KB per actor above the bare grain",
		note: fmt.Sprintf("%.0f B above bare; RSS %.0f B/actor vs %.0f B/grain",
			above, float64(rss2-rss1)/float64(n), float64(rss1-rss0)/float64(n))}
	r.met = above <= 2048
	b.say("lead %.0f B/actor, bare %.0f B/grain (heap)", lead, bare)
	return []row{r}, nil
}

func freshIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = entity.NewID()
	}
	return ids
}

// memory returns the live heap after a full collection, and the resident set size.
func memory() (heap, rss int64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), residentBytes()
}

// residentBytes reads the process's resident set from /proc/self/statm (0 where absent).
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
