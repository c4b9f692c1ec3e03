package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/aidacrm/aida/persistence"
)

// sortKey returns the SQL expression an order's key (persistence.Order.Key) sorts by, as its
// index holds it (migrations/00003_stats_and_sorts.sql).
func sortKey(key string) string {
	switch key {
	case "score":
		return "coalesce(score, -1)"
	case "amount":
		return "coalesce(amount, -1)"
	}
	return key // created_at, updated_at
}

// keyOf writes the sort key of r for a cursor: unix microseconds, the score, the amount; a
// missing score or amount is -1, as sortKey counts it.
func keyOf(key string, r persistence.Record) string {
	switch key {
	case "created_at":
		return strconv.FormatInt(r.CreatedAt.UnixMicro(), 10)
	case "updated_at":
		return strconv.FormatInt(r.UpdatedAt.UnixMicro(), 10)
	case "score":
		return strconv.FormatInt(int64(r.Index.Score), 10)
	}
	if r.Index.Amount == "" {
		return "-1"
	}
	return r.Index.Amount
}

// parseKey reads a cursor's sort key (keyOf) as the value its SQL compares with.
func parseKey(key, raw string) (any, error) {
	switch key {
	case "created_at", "updated_at":
		us, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cursor key %q: %w", raw, persistence.ErrBadCursor)
		}
		return time.UnixMicro(us).UTC(), nil
	case "score":
		n, err := strconv.ParseInt(raw, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("cursor key %q: %w", raw, persistence.ErrBadCursor)
		}
		return int32(n), nil
	}
	d, err := decimal.NewFromString(raw)
	if err != nil || len(raw) > 64 {
		return nil, fmt.Errorf("cursor key %q: %w", raw, persistence.ErrBadCursor)
	}
	return d.String(), nil // sent as text, read by PostgreSQL as the numeric it is compared with
}

// listQuery is the SQL of one page of a List: it selects entityColumns, limit+1 rows to tell
// whether another page follows.
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
	args := []any{q.Kind}
	where := []string{"kind = $1"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	for _, f := range []struct{ col, val string }{{"status", q.Status}, {"source", q.Source}, {"owner", q.Owner}} {
		if f.val != "" {
			where = append(where, f.col+" = "+arg(f.val))
		}
	}
	if q.ExcludeStatus != "" && q.Status == "" {
		where = append(where, "status IS DISTINCT FROM "+arg(q.ExcludeStatus))
	}
	if q.VisibleTo != "" {
		where = append(where, "(owner IS NULL OR owner = '' OR owner = "+arg(q.VisibleTo)+")")
	}
	if q.MinScore != 0 {
		where = append(where, "score >= "+arg(q.MinScore))
	}
	key := sortKey(order.Key)
	dir, after := "ASC", ">"
	if order.Desc {
		dir, after = "DESC", "<"
	}
	if q.Cursor != "" {
		raw, id, err := persistence.DecodeCursor(q.Cursor, order.Name)
		if err != nil {
			return listQuery{}, err
		}
		k, err := parseKey(order.Key, raw)
		if err != nil {
			return listQuery{}, err
		}
		// A row comparison: PostgreSQL seeks the order's index to it.
		where = append(where, fmt.Sprintf("(%s, id) %s (%s, %s)", key, after, arg(k), arg(id)))
	}
	limit := persistence.PageSize(q.Limit)
	return listQuery{
		order: order,
		limit: limit,
		sql: `SELECT ` + entityColumns + ` FROM entities WHERE ` + strings.Join(where, " AND ") +
			` ORDER BY ` + key + ` ` + dir + `, id ` + dir + ` LIMIT ` + arg(limit+1),
		args: args,
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
	rows, err := s.pool.Query(ctx, lq.sql, lq.args...)
	if err != nil {
		return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, classify(err))
	}
	defer rows.Close()
	var page persistence.Page
	more := false
	for rows.Next() {
		if len(page.Records) == lq.limit {
			more = true
			break
		}
		r, err := scanRecord(rows)
		if err != nil {
			return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, classify(err))
		}
		page.Records = append(page.Records, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return persistence.Page{}, fmt.Errorf("list %s: %w", q.Kind, classify(err))
	}
	if more {
		last := page.Records[len(page.Records)-1]
		page.NextCursor = persistence.EncodeCursor(lq.order.Name, keyOf(lq.order.Key, last), last.ID)
	}
	return page, nil
}
