package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// BenchmarkAppend measures s.Append of new entities in batches of 256, each like a captured lead:
// two journal rows and a snapshot of about 2 KB. Every backend runs it from its own benchmark.
func BenchmarkAppend(b *testing.B, s persistence.Store) {
	ctx := context.Background()
	state := []byte(`{"note":"` + strings.Repeat("x", 2030) + `"}`)
	small := []byte(`{"note":"` + strings.Repeat("y", 500) + `"}`)
	now := time.Now()
	n := 0
	b.ResetTimer()
	for b.Loop() {
		batch := make([]persistence.Append, 256)
		for i := range batch {
			n++
			id := fmt.Sprintf("id-%09d", n)
			batch[i] = persistence.Append{
				Events: []persistence.Entry{
					{Kind: "lead", ID: id, Version: 1, EventID: id + "-1", Type: "crm.lead.captured", Actor: "bench", Time: now, Data: state},
					{Kind: "lead", ID: id, Version: 2, EventID: id + "-2", Type: "crm.lead.qualified", Actor: "bench", Time: now, Data: small},
				},
				Snapshot: persistence.Record{Kind: "lead", ID: id, Version: 2, State: state,
					Index: persistence.Index{Status: "new", Source: "web", UniqueKey: id + "@x.example", Score: 500}},
			}
		}
		for _, err := range s.Append(ctx, batch) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*256)/b.Elapsed().Seconds(), "appends/s")
}
