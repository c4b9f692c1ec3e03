package postgres_test

import (
	"testing"

	"github.com/aidacrm/aida/persistence/memory"
	"github.com/aidacrm/aida/persistence/memory/memorytest"
	"github.com/aidacrm/aida/persistence/postgres"
)

func TestMemoryContract(t *testing.T) {
	memorytest.Run(t, func(t *testing.T, e memory.Embedder, opts ...memory.Option) memory.Store {
		return postgres.NewMemory(open(t), e, opts...)
	})
}
