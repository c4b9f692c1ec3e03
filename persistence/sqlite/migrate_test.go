package sqlite

import (
	"database/sql"
	"io/fs"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/aidacrm/aida/persistence/memory"
)

// TestMigrateFillsLevel: migration 00003 reads the autonomy level of the snapshots stored
// before it from their state (either JSON name), and counts them in Aggregate.
func TestMigrateFillsLevel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aida.db")
	db, err := sql.Open("sqlite", dsn(path, config{busyTimeout: 5e9}, false))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, dir, goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), 2); err != nil {
		t.Fatalf("migrate to 2: %v", err)
	}
	for _, row := range [][2]string{
		{"l1", `{"id":"l1","autonomyLevel":4}`},
		{"l2", `{"id":"l2","autonomy_level":3}`},
		{"l3", `{"id":"l3"}`},
	} {
		_, err := db.Exec(`INSERT INTO entities (kind, id, version, state, status, amount, created_at, updated_at)
			VALUES ('lead', ?, 1, ?, 'new', '10.50', 1, 1)`, row[0], row[1])
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for id, want := range map[string]int32{"l1": 4, "l2": 3, "l3": 0} {
		r, err := s.Load(t.Context(), "lead", id)
		if err != nil || r.Index.Level != want {
			t.Errorf("%s: level %d (%v), want %d", id, r.Index.Level, err, want)
		}
	}
	ts, err := s.Aggregate(t.Context(), "lead")
	if err != nil || len(ts) != 3 || ts[2].Level != 4 || ts[2].Amount != "10.50" {
		t.Fatalf("aggregate after migration: %+v, %v", ts, err)
	}
}

// TestMigrateMemoryDownUp: migration 00006 (the memory table) goes down and up again; Open
// migrates a database at 00005 up to a working memory.
func TestMigrateMemoryDownUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "aida.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	m := NewMemory(s, memory.Lexical(0))
	if err := m.Remember(t.Context(), memory.Item{Kind: "lead", ID: "l1", Text: "asked about pricing"}); err != nil {
		t.Fatalf("remember: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, config{busyTimeout: 5e9}, false))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, dir, goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(t.Context(), 5); err != nil {
		t.Fatalf("down to 5: %v", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'memory'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after down: %d memory tables (%v), want 0", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	hits, err := NewMemory(s, memory.Lexical(0)).Recall(t.Context(), "lead", "l1", "pricing", 5)
	if err != nil || len(hits) != 0 {
		t.Fatalf("recall after down and up: %+v, %v; want an empty memory", hits, err)
	}
}
