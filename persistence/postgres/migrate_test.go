package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence/postgres"
)

// TestMigrateFillsLevel: migration 00003 reads the autonomy level of the snapshots stored
// before it from their state (either JSON name), and counts them in Aggregate.
func TestMigrateFillsLevel(t *testing.T) {
	if server == nil {
		t.Skip("PostgreSQL (initdb, pg_ctl) is not installed")
	}
	ctx := t.Context()
	url := server.NewDatabase(t)
	if err := postgres.MigrateTo(ctx, url, 2); err != nil {
		t.Fatalf("migrate to 2: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range [][2]string{
		{"l1", `{"id":"l1","autonomyLevel":4}`},
		{"l2", `{"id":"l2","autonomy_level":3}`},
		{"l3", `{"id":"l3"}`},
	} {
		_, err := conn.Exec(ctx, `INSERT INTO entities (kind, id, version, state, status, amount, created_at, updated_at)
			VALUES ('lead', $1, 1, $2, 'new', 10.50, now(), now())`, row[0], row[1])
		if err != nil {
			t.Fatal(err)
		}
	}
	_ = conn.Close(context.WithoutCancel(ctx))

	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for id, want := range map[string]int32{"l1": 4, "l2": 3, "l3": 0} {
		r, err := s.Load(ctx, "lead", id)
		if err != nil || r.Index.Level != want {
			t.Errorf("%s: level %d (%v), want %d", id, r.Index.Level, err, want)
		}
	}
	ts, err := s.Aggregate(ctx, "lead")
	if err != nil || len(ts) != 3 || ts[2].Level != 4 || ts[2].Amount != "10.50" {
		t.Fatalf("aggregate after migration: %+v, %v", ts, err)
	}
}
