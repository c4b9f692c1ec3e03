package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/persistence/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) persistence.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		return s
	})
}
