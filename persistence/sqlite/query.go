package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aidacrm/aida/persistence"
)

const entityColumns = `kind, id, version, state, status, source, owner, unique_key, score, amount, level, created_at, updated_at`

// scanRecord reads one snapshot row selected with entityColumns, and then the columns of more.
func scanRecord(row interface{ Scan(...any) error }, more ...any) (persistence.Record, error) {
	var (
		r                persistence.Record
		n                nullable
		state            string
		created, updated int64
	)
	err := row.Scan(append([]any{&r.Kind, &r.ID, &r.Version, &state, &n.status, &n.source, &n.owner, &n.key,
		&n.score, &n.amount, &n.level, &created, &updated}, more...)...)
	if err != nil {
		return r, err
	}
	r.State, r.Index = []byte(state), n.index()
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return r, nil
}

// Load returns the snapshot of (kind, id) or persistence.ErrNotFound.
func (s *Store) Load(ctx context.Context, kind, id string) (persistence.Record, error) {
	if err := s.checkOpen("load"); err != nil {
		return persistence.Record{}, err
	}
	row := s.stmt.load.QueryRowContext(ctx, kind, id)
	r, err := scanRecord(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return r, fmt.Errorf("load %s/%s: %w", kind, id, persistence.ErrNotFound)
	case err != nil:
		return r, fmt.Errorf("load %s/%s: %w", kind, id, unavailableIfContext(err))
	}
	return r, nil
}

// FindUnique returns the ID of the entity of kind holding key, or persistence.ErrNotFound.
func (s *Store) FindUnique(ctx context.Context, kind, key string) (string, error) {
	if err := s.checkOpen("find unique"); err != nil {
		return "", err
	}
	if key == "" {
		return "", fmt.Errorf("find %s key %q: %w", kind, key, persistence.ErrNotFound)
	}
	var id string
	err := s.stmt.find.QueryRowContext(ctx, kind, key).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("find %s key %q: %w", kind, key, persistence.ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("find %s key %q: %w", kind, key, unavailableIfContext(err))
	}
	return id, nil
}

const entryColumns = `kind, id, version, event_id, type, actor, time, data, published`

// queryEntries runs a journal query selecting entryColumns.
func (s *Store) queryEntries(ctx context.Context, query string, args ...any) ([]persistence.Entry, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, unavailableIfContext(err)
	}
	return collect(rows, func(rows *sql.Rows) (persistence.Entry, error) {
		var (
			e    persistence.Entry
			at   int64
			data string
		)
		err := rows.Scan(&e.Kind, &e.ID, &e.Version, &e.EventID, &e.Type, &e.Actor, &at, &data, &e.Published)
		e.Time, e.Data = fromMicros(at), []byte(data)
		return e, err
	})
}

// collect scans every row of rows with scan and closes them. A failed scan is returned as it
// is; a failure of the query while reading rows is classified (unavailableIfContext).
func collect[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailableIfContext(err)
	}
	return out, nil
}

// Journal returns up to limit entries of (kind, id) after version after, in version order.
// A non-positive limit means 500.
func (s *Store) Journal(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
	if err := s.checkOpen("journal"); err != nil {
		return nil, err
	}
	out, err := s.queryEntries(ctx, `SELECT `+entryColumns+` FROM journal
		WHERE kind = ? AND id = ? AND version > ? ORDER BY version LIMIT ?`, kind, id, after, persistence.EntryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("journal %s/%s: %w", kind, id, err)
	}
	return out, nil
}

// Unpublished returns up to limit unpublished entries in commit order (a non-positive limit
// means 500).
func (s *Store) Unpublished(ctx context.Context, limit int) ([]persistence.Entry, error) {
	if err := s.checkOpen("unpublished"); err != nil {
		return nil, err
	}
	out, err := s.queryEntries(ctx, `SELECT `+entryColumns+` FROM journal
		WHERE published = 0 ORDER BY seq LIMIT ?`, persistence.EntryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("unpublished: %w", err)
	}
	return out, nil
}

// MarkPublished marks the entries with these event IDs published.
func (s *Store) MarkPublished(ctx context.Context, eventIDs []string) error {
	if err := s.checkOpen("mark published"); err != nil {
		return err
	}
	if len(eventIDs) == 0 {
		return nil
	}
	ids, err := json.Marshal(eventIDs)
	if err != nil {
		return fmt.Errorf("mark published: %w", err)
	}
	_, err = s.write.ExecContext(ctx, `UPDATE journal SET published = 1
		WHERE published = 0 AND event_id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return fmt.Errorf("mark published: %w", unavailableIfContext(err))
	}
	return nil
}
