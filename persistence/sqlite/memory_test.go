package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/aidacrm/aida/persistence/memory"
	"github.com/aidacrm/aida/persistence/memory/memorytest"
	"github.com/aidacrm/aida/persistence/sqlite"
)

func TestMemoryContract(t *testing.T) {
	memorytest.Run(t, func(t *testing.T, e memory.Embedder, opts ...memory.Option) memory.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return sqlite.NewMemory(s, e, opts...)
	})
}
