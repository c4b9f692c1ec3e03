package chroma_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence/memory"
	"github.com/aidacrm/aida/persistence/memory/chroma"
	"github.com/aidacrm/aida/persistence/memory/chroma/chromatest"
	"github.com/aidacrm/aida/persistence/memory/memorytest"
)

// server is the one Chroma server of this package's tests (nil when not installed).
var server *chromatest.Server

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	start := time.Now()
	s, err := chromatest.Start(context.Background())
	switch {
	case errors.Is(err, chromatest.ErrNotInstalled) && chromatest.Required():
		fmt.Fprintln(os.Stderr, "chroma tests: CI=true, and", err)
		return 1
	case errors.Is(err, chromatest.ErrNotInstalled):
		fmt.Fprintln(os.Stderr, "chroma tests skip:", err)
	case err != nil:
		fmt.Fprintln(os.Stderr, "chroma tests:", err)
		return 1
	default:
		fmt.Fprintf(os.Stderr, "chroma server %s up in %v\n", s.URL, time.Since(start).Round(time.Millisecond))
		server = s
		defer s.Close()
	}
	return m.Run()
}

// collections numbers the collections of the tests: each store gets a fresh one.
var collections atomic.Int64

func TestContract(t *testing.T) {
	memorytest.Run(t, func(t *testing.T, e memory.Embedder, opts ...memory.Option) memory.Store {
		if server == nil {
			t.Skip("Chroma is not installed (cd tools/chroma && npm ci)")
		}
		name := fmt.Sprintf("test-%d-%s", collections.Add(1), strings.ReplaceAll(t.Name(), "/", "-"))
		s, err := chroma.Open(t.Context(), server.URL, name, e, opts...)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := chroma.Open(ctx, "http://127.0.0.1:1", "", memory.Lexical(0))
	if err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("open a closed port: %v, want an unavailable store", err)
	}
}
