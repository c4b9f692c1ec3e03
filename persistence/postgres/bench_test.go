package postgres_test

import (
	"testing"

	"github.com/aidacrm/aida/persistence/postgres"
	"github.com/aidacrm/aida/persistence/storetest"
)

// BenchmarkAppend measures batches of 256 lead-like appends (storetest.BenchmarkAppend).
func BenchmarkAppend(b *testing.B) {
	s, err := postgres.Open(b.Context(), server.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkAppend(b, s)
}
