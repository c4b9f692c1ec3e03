package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/postgres"
	"github.com/aidacrm/aida/persistence/postgres/pgtest"
	"github.com/aidacrm/aida/persistence/storetest"
)

// server is the one PostgreSQL server of this package's tests (nil when not installed).
var server *pgtest.Server

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	s, err := pgtest.StartServer("")
	switch {
	case errors.Is(err, pgtest.ErrNotInstalled) && pgtest.Required():
		fmt.Fprintln(os.Stderr, "postgres tests: CI=true, and", err)
		return 1
	case errors.Is(err, pgtest.ErrNotInstalled):
		fmt.Fprintln(os.Stderr, "postgres tests skip:", err)
	case err != nil:
		fmt.Fprintln(os.Stderr, "postgres tests:", err)
		return 1
	default:
		server = s
		defer s.Close()
	}
	return m.Run()
}

// open opens a store on a fresh database of the shared server.
func open(t *testing.T, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	if server == nil {
		t.Skip("PostgreSQL (initdb, pg_ctl) is not installed")
	}
	s, err := postgres.Open(t.Context(), server.NewDatabase(t), opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) persistence.Store { return open(t) })
}

// TestOutage stops the shared server: calls fail fast with ErrUnavailable (not by running into
// their deadline), and the same store recovers once the server is back.
func TestOutage(t *testing.T) {
	s := open(t, postgres.WithConnectTimeout(time.Second))
	url := server.NewDatabase(t)
	if err := s.Append(t.Context(), []persistence.Append{create("a")})[0]; err != nil {
		t.Fatalf("append before outage: %v", err)
	}
	if err := server.Stop(); err != nil {
		t.Fatalf("stop server: %v", err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = server.Start()
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	checks := map[string]error{
		"append": s.Append(ctx, []persistence.Append{create("b")})[0],
		"ping":   s.Ping(ctx),
	}
	_, checks["load"] = s.Load(ctx, "lead", "a")
	if down, err := postgres.Open(ctx, url); err == nil {
		_ = down.Close()
		checks["open"] = errors.New("open succeeded with the server down")
	} else {
		checks["open"] = err
	}
	for name, err := range checks {
		if !errors.Is(err, persistence.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s while down: %v, want ErrUnavailable before the deadline", name, err)
		}
	}

	if err := server.Start(); err != nil {
		t.Fatalf("restart server: %v", err)
	}
	restarted = true
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); <-time.After(50 * time.Millisecond) {
		if err = s.Append(ctx, []persistence.Append{create("b")})[0]; err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("append after restart: %v", err)
	}
	if r, err := s.Load(ctx, "lead", "a"); err != nil || r.Version != 1 {
		t.Fatalf("load after restart: %+v, %v", r, err)
	}
}

func create(id string) persistence.Append {
	return persistence.Append{
		Events:   []persistence.Entry{{Kind: "lead", ID: id, Version: 1, EventID: "ev-" + id, Type: "crm.lead.captured", Data: []byte(`{}`)}},
		Snapshot: persistence.Record{Kind: "lead", ID: id, Version: 1, State: []byte(`{}`)},
	}
}
