package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aidacrm/aida/persistence"
)

// amountCents is the amount (a decimal text with at most 2 places, or NULL) as an exact integer
// count of cents: the integer part and the first two decimals are read as integers, never
// through a REAL, so it is exact for every amount below 9.2e16 (numeric(15,2) amounts stay
// below 1e13). Digits past the second decimal are dropped. The index entities_amount_order
// (migrations/00003_stats_and_sorts.sql) holds the same expression: keep them equal.
const amountCents = `CASE WHEN instr(amount, '.') = 0 THEN CAST(amount AS INTEGER) * 100
	ELSE CAST(substr(amount, 1, instr(amount, '.') - 1) AS INTEGER) * 100
		+ (CASE WHEN substr(amount, 1, 1) = '-' THEN -1 ELSE 1 END)
		* CAST(substr(substr(amount, instr(amount, '.') + 1) || '00', 1, 2) AS INTEGER)
	END`

// sortKey returns the SQL expression an order's key (persistence.Order.Key) sorts by, as its
// index holds it (migrations/00003_stats_and_sorts.sql). Each is an integer.
func sortKey(key string) string {
	switch key {
	case "score":
		return "coalesce(score, -1)"
	case "amount":
		return "coalesce(" + amountCents + ", -1)"
	}
	return key // created_at, updated_at: unix microseconds
}

// listQuery is the SQL of one page of a List: it selects entityColumns and then the row's sort
// key, limit+1 rows to tell whether another page follows.
type listQuery struct {
	order persistence.Order
	limit int
	sql   string
	args  []any
}

// buildList writes the query of q, reading q.Sort's index in its order from q.Cursor on.
func buildList(q persistence.Query) (listQuery, error) {
	order, err := persistence.OrderOf(q.Sort)
	if err != nil {
		return listQuery{}, err
	}
	key := sortKey(order.Key)
	where := []string{"kind = ?"}
	args := []any{q.Kind}
	for _, f := range []struct{ col, val string }{{"status", q.Status}, {"source", q.Source}, {"owner", q.Owner}} {
		if f.val != "" {
			where = append(where, f.col+" = ?")
			args = append(args, f.val)
		}
	}
	if q.ExcludeStatus != "" && q.Status == "" {
		where = append(where, "status IS NOT ?") // NULL IS NOT 'x' is true
		args = append(args, q.ExcludeStatus)
	}
	if q.VisibleTo != "" {
		where = append(where, "(owner IS NULL OR owner = '' OR owner = ?)")
		args = append(args, q.VisibleTo)
	}
	if q.MinScore != 0 {
		where = append(where, "score >= ?")
		args = append(args, q.MinScore)
	}
	dir, after := "ASC", ">"
	if order.Desc {
		dir, after = "DESC", "<"
	}
	if q.Cursor != "" {
		raw, id, err := persistence.DecodeCursor(q.Cursor, order.Name)
		if err != nil {
			return listQuery{}, err
		}
		k, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return listQuery{}, fmt.Errorf("cursor key %q: %w", raw, persistence.ErrBadCursor)
		}
		// key <= k AND (key < k OR id < id) rather than the row value (key, id) < (k, id):
		// SQLite seeks an expression index (-score, -amount) only on a plain range of its key.
		where = append(where, fmt.Sprintf("%[1]s %[2]s= ? AND (%[1]s %[2]s ? OR id %[2]s ?)", key, after))
		args = append(args, k, k, id)
	}
	limit := persistence.PageSize(q.Limit)
	return listQuery{
		order: order,
		limit: limit,
		sql: `SELECT ` + entityColumns + `, ` + key + ` FROM entities WHERE ` + strings.Join(where, " AND ") +
			` ORDER BY ` + key + ` ` + dir + `, id ` + dir + ` LIMIT ?`,
		args: append(args, limit+1),
	}, nil
}

// List returns a page of snapshots of q.Kind in the order q.Sort, read from the order's index.
func (s *Store) List(ctx context.Context, q persistence.Query) (persistence.Page, error) {
	if err := s.checkOpen("list"); err != nil {
		return persistence.Page{}, err
	}
	lq, err := buildList(q)
	if err != nil {
		return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, err)
	}
	rows, err := s.read.QueryContext(ctx, lq.sql, lq.args...)
	if err != nil {
		return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, unavailableIfContext(err))
	}
	defer rows.Close()
	var (
		page    persistence.Page
		hasMore bool
		lastKey int64
	)
	for rows.Next() {
		if len(page.Records) == lq.limit {
			hasMore = true
			break
		}
		r, err := scanRecord(rows, &lastKey)
		if err != nil {
			return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, err)
		}
		page.Records = append(page.Records, r)
	}
	if err := rows.Err(); err != nil {
		return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, unavailableIfContext(err))
	}
	if hasMore {
		last := page.Records[len(page.Records)-1]
		page.NextCursor = persistence.EncodeCursor(lq.order.Name, strconv.FormatInt(lastKey, 10), last.ID)
	}
	return page, nil
}
