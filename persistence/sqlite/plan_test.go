package sqlite

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aidacrm/aida/persistence"
)

// explain returns the EXPLAIN QUERY PLAN of query, one detail per line.
func explain(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var (
			id, parent, unused int
			detail             string
		)
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestPlans checks the queries behind the dashboard: Aggregate reads only its covering index,
// and every list order reads its index in order (no sort step), seeking to the cursor.
func TestPlans(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })

	plan := explain(t, s, aggregateSQL, "deal")
	t.Logf("aggregate:\n%s", plan)
	if !strings.Contains(plan, "USING COVERING INDEX entities_stats (kind=?)") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("aggregate plan:\n%s\nwant the covering index entities_stats, no temporary b-tree", plan)
	}

	seek := regexp.MustCompile(`\(kind=\?( AND status=\?)? AND (\w+|<expr>)[<>]\?\)`)
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
		for _, cursor := range []string{"", persistence.EncodeCursor(order.Name, "5", "x")} {
			q := tc.q
			q.Cursor = cursor
			lq, err := buildList(q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			plan := explain(t, s, lq.sql, lq.args...)
			t.Logf("sort %q status %q cursor %v:\n%s", q.Sort, q.Status, cursor != "", plan)
			if !strings.Contains(plan, "USING INDEX "+tc.index+" (") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%+v plan:\n%s\nwant index %s, no temporary b-tree", q, plan, tc.index)
			}
			if cursor != "" && !seek.MatchString(plan) {
				t.Errorf("%+v plan:\n%s\nwant a seek on the sort key", q, plan)
			}
		}
	}
}
