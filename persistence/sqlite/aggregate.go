package sqlite

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/aidacrm/aida/persistence"
)

// aggregateSQL groups the snapshots of a kind (the one argument) by status and level.
const aggregateSQL = `SELECT coalesce(status, ''), level, count(*),
		coalesce(sum(cents), 0),
		coalesce(sum(cents / 100 * coalesce(score, 0)), 0),
		coalesce(sum(cents % 100 * coalesce(score, 0)), 0)
	FROM (SELECT status, level, score, ` + amountCents + ` AS cents FROM entities WHERE kind = ?)
	GROUP BY status, level`

// Aggregate counts the snapshots of kind per (status, level) and sums their amounts, reading
// only the covering index entities_stats.
//
// The sums are exact integer sums of the amounts in cents (amountCents): Σ cents, and Σ amount
// × score split into Σ whole units × score and Σ cents below a unit × score, so that no product
// leaves int64 for amounts below 1e15. On an overflow SQLite fails the query ("integer
// overflow") rather than round; a group needs amounts or a weighted total past 9.2e16 for it.
func (s *Store) Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error) {
	if err := s.checkOpen("aggregate"); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, aggregateSQL, kind)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", kind, unavailableIfContext(err))
	}
	defer rows.Close()
	var out []persistence.Tally
	for rows.Next() {
		var (
			t                   persistence.Tally
			cents, units, below int64
		)
		if err := rows.Scan(&t.Status, &t.Level, &t.Count, &cents, &units, &below); err != nil {
			return nil, fmt.Errorf("aggregate %s: %w", kind, err)
		}
		// Σ amount × score = Σ units × score + Σ cents below a unit × score / 100.
		scored := decimal.NewFromInt(units).Add(decimal.New(below, -2))
		t.Amount, t.Weighted = persistence.Sums(decimal.New(cents, -2), scored)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", kind, unavailableIfContext(err))
	}
	persistence.SortTallies(out)
	return out, nil
}
