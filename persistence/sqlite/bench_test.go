package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// BenchmarkAppend measures appends of new entities (two journal rows and a snapshot of about
// 2 KB each, like a captured lead) in batches of 256.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
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

// BenchmarkLoad measures loading snapshots of about 2 KB by id from a store of 10,000.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	state := []byte(`{"note":"` + strings.Repeat("x", 2030) + `"}`)
	const n = 10000
	now := time.Now()
	for start := 0; start < n; start += 250 {
		batch := make([]persistence.Append, 250)
		for i := range batch {
			id := fmt.Sprintf("id-%09d", start+i)
			batch[i] = persistence.Append{
				Events:   []persistence.Entry{{Kind: "lead", ID: id, Version: 1, EventID: id, Type: "t", Time: now, Data: state}},
				Snapshot: persistence.Record{Kind: "lead", ID: id, Version: 1, State: state},
			}
		}
		for _, err := range s.Append(ctx, batch) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := s.Load(ctx, "lead", fmt.Sprintf("id-%09d", i%n)); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}
