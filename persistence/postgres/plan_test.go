package postgres_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/postgres"
)

// explain returns the EXPLAIN of query on conn.
func explain(ctx context.Context, t *testing.T, conn *pgx.Conn, query string, args ...any) string {
	t.Helper()
	rows, err := conn.Query(ctx, "EXPLAIN (COSTS OFF) "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	return strings.Join(lines, "\n")
}

// TestPlans checks the queries behind the dashboard: Aggregate reads only the index
// entities_stats, and every list order reads its index in order (no sort step), seeking to the
// cursor with an index condition. Sequential scans and sorts are priced out (an empty table
// would make any plan cheap), so the test shows which index can serve each query, not which
// one the planner picks on a given table.
func TestPlans(t *testing.T) {
	if server == nil {
		t.Skip("PostgreSQL (initdb, pg_ctl) is not installed")
	}
	url := server.NewDatabase(t)
	ps, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	_ = ps.Close() // migrated
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.WithoutCancel(ctx)) })
	for _, set := range []string{"SET enable_seqscan = off", "SET enable_sort = off", "SET enable_hashagg = off", "SET enable_bitmapscan = off"} {
		if _, err := conn.Exec(ctx, set); err != nil {
			t.Fatal(err)
		}
	}

	plan := explain(ctx, t, conn, postgres.AggregateSQL, "deal")
	t.Logf("aggregate:\n%s", plan)
	if !strings.Contains(plan, "Index Only Scan using entities_stats") || strings.Contains(plan, "Sort") {
		t.Errorf("aggregate plan:\n%s\nwant an index-only scan of entities_stats, no sort", plan)
	}

	seek := regexp.MustCompile(`Index Cond: .*ROW\(`)
	tests := []struct {
		q     persistence.Query
		index string
	}{
		{persistence.Query{Kind: "lead"}, "entities_list"},
		{persistence.Query{Kind: "lead", Sort: "created_at"}, "entities_list"},
		{persistence.Query{Kind: "lead", Sort: "-updated_at"}, "entities_updated"},
		{persistence.Query{Kind: "lead", Sort: "updated_at"}, "entities_updated"},
		{persistence.Query{Kind: "lead", Sort: "-score"}, "entities_score_order"},
		{persistence.Query{Kind: "deal", Sort: "-amount"}, "entities_amount_order"},
		{persistence.Query{Kind: "deal", Sort: "-updated_at", Status: "proposal"}, "entities_status_updated"},
		{persistence.Query{Kind: "deal", Status: "proposal"}, "entities_status"},
	}
	for _, tc := range tests {
		order, err := persistence.OrderOf(tc.q.Sort)
		if err != nil {
			t.Fatal(err)
		}
		key := "5"
		if order.Key == "amount" {
			key = "12500.00"
		}
		for _, cursor := range []string{"", persistence.EncodeCursor(order.Name, key, "x")} {
			q := tc.q
			q.Cursor = cursor
			query, args, err := postgres.ListSQL(q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			plan := explain(ctx, t, conn, query, args...)
			t.Logf("sort %q status %q cursor %v:\n%s", q.Sort, q.Status, cursor != "", plan)
			if !regexp.MustCompile(`Index Scan( Backward)? using `+tc.index+` on`).MatchString(plan) || strings.Contains(plan, "Sort") {
				t.Errorf("%+v plan:\n%s\nwant an index scan of %s, no sort", q, plan, tc.index)
			}
			if cursor != "" && !seek.MatchString(plan) {
				t.Errorf("%+v plan:\n%s\nwant the cursor as an index condition", q, plan)
			}
		}
	}
}
