package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/aidacrm/aida/persistence"
)

// aggregateSQL groups the snapshots of a kind ($1) by status and level.
const aggregateSQL = `SELECT coalesce(status, ''), level, count(*),
		coalesce(sum(amount), 0)::text, coalesce(sum(amount * coalesce(score, 0)), 0)::text
	FROM entities WHERE kind = $1 GROUP BY status, level`

// Aggregate counts the snapshots of kind per (status, level) and sums their amounts, reading
// the index entities_stats. The sums are numeric, hence exact at any size.
func (s *Store) Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error) {
	if err := s.checkOpen("aggregate"); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, aggregateSQL, kind)
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", kind, classify(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.Tally, error) {
		var (
			t              persistence.Tally
			amount, scored string
		)
		if err := r.Scan(&t.Status, &t.Level, &t.Count, &amount, &scored); err != nil {
			return t, err
		}
		a, err := decimal.NewFromString(amount)
		if err != nil {
			return t, fmt.Errorf("sum of amounts %q: %w", amount, err)
		}
		w, err := decimal.NewFromString(scored)
		if err != nil {
			return t, fmt.Errorf("sum of amount × score %q: %w", scored, err)
		}
		t.Amount, t.Weighted = persistence.Sums(a, w)
		return t, nil
	})
	if err != nil {
		return nil, fmt.Errorf("aggregate %s: %w", kind, classify(err))
	}
	persistence.SortTallies(out)
	return out, nil
}
