package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence"
)

const entityColumns = `kind, id, version, state::text, status, source, owner, unique_key, score, amount::text, level, created_at, updated_at`

// scanRecord reads one snapshot row selected with entityColumns.
func scanRecord(row pgx.Row) (persistence.Record, error) {
	var (
		r     persistence.Record
		n     nullable
		state string
	)
	err := row.Scan(&r.Kind, &r.ID, &r.Version, &state, &n.status, &n.source, &n.owner, &n.key,
		&n.score, &n.amount, &n.level, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return r, err
	}
	r.State, r.Index = []byte(state), n.index()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// Load returns the snapshot of (kind, id) or persistence.ErrNotFound.
func (s *Store) Load(ctx context.Context, kind, id string) (persistence.Record, error) {
	if err := s.checkOpen("load"); err != nil {
		return persistence.Record{}, err
	}
	r, err := scanRecord(s.pool.QueryRow(ctx, `SELECT `+entityColumns+` FROM entities WHERE kind = $1 AND id = $2`, kind, id))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return r, fmt.Errorf("load %s/%s: %w", kind, id, persistence.ErrNotFound)
	case err != nil:
		return r, fmt.Errorf("load %s/%s: %w", kind, id, classify(err))
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
	err := s.pool.QueryRow(ctx, `SELECT id FROM entities WHERE kind = $1 AND unique_key = $2`, kind, key).Scan(&id)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", fmt.Errorf("find %s key %q: %w", kind, key, persistence.ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("find %s key %q: %w", kind, key, classify(err))
	}
	return id, nil
}

const entryColumns = `kind, id, version, event_id, type, actor, time, data::text, published`

// queryEntries runs a journal query selecting entryColumns.
func (s *Store) queryEntries(ctx context.Context, query string, args ...any) ([]persistence.Entry, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, classify(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (persistence.Entry, error) {
		var (
			e    persistence.Entry
			data string
		)
		err := r.Scan(&e.Kind, &e.ID, &e.Version, &e.EventID, &e.Type, &e.Actor, &e.Time, &data, &e.Published)
		e.Time, e.Data = e.Time.UTC(), []byte(data)
		return e, err
	})
	if err != nil {
		return nil, classify(err)
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
		WHERE kind = $1 AND id = $2 AND version > $3 ORDER BY version LIMIT $4`, kind, id, after, persistence.EntryLimit(limit))
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
		WHERE NOT published ORDER BY seq LIMIT $1`, persistence.EntryLimit(limit))
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
	_, err := s.pool.Exec(ctx, `UPDATE journal SET published = true WHERE event_id = ANY($1) AND NOT published`, eventIDs)
	if err != nil {
		return fmt.Errorf("mark published: %w", classify(err))
	}
	return nil
}
