package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/storetest"
)

// BenchmarkAppend measures batches of 256 lead-like appends (storetest.BenchmarkAppend).
func BenchmarkAppend(b *testing.B) {
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkAppend(b, s)
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
