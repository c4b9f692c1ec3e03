package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence"
)

const idempotencyColumns = `scope, key, fingerprint, status, content_type, location, body, created_at, done`

// ReserveIdempotency stores rec as running unless a row of (scope, key) created at or after
// stale exists; it returns that row otherwise. One transaction: ON CONFLICT DO UPDATE locks the
// conflicting row even when its WHERE keeps it, so the read that follows sees the row that won.
func (s *Store) ReserveIdempotency(ctx context.Context, rec persistence.IdempotencyRecord, stale time.Time) (persistence.IdempotencyRecord, bool, error) {
	if err := s.checkOpen("reserve idempotency key"); err != nil {
		return persistence.IdempotencyRecord{}, false, err
	}
	rec = persistence.IdempotencyRecord{Scope: rec.Scope, Key: rec.Key, Fingerprint: rec.Fingerprint,
		CreatedAt: stamp(rec.CreatedAt, s.now())}
	var (
		got      = rec
		reserved bool
	)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO idempotency (scope, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = 0,
				content_type = '', location = '', body = '', created_at = excluded.created_at, done = false
			WHERE idempotency.created_at < $5
			RETURNING true`, rec.Scope, rec.Key, rec.Fingerprint, rec.CreatedAt, stamp(stale, time.Time{})).Scan(&reserved)
		if err == nil || !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+idempotencyColumns+` FROM idempotency WHERE scope = $1 AND key = $2`,
			rec.Scope, rec.Key)
		if err != nil {
			return err
		}
		got, err = pgx.CollectExactlyOneRow(rows, scanIdempotency)
		return err
	})
	if err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("reserve idempotency key: %w", classify(err))
	}
	return got, reserved, nil
}

// CompleteIdempotency saves the answer of the running row of (scope, key, fingerprint).
func (s *Store) CompleteIdempotency(ctx context.Context, rec persistence.IdempotencyRecord) error {
	if err := s.checkOpen("complete idempotency key"); err != nil {
		return err
	}
	body := rec.Body
	if body == nil {
		body = []byte{}
	}
	_, err := s.pool.Exec(ctx, `UPDATE idempotency SET status = $1, content_type = $2, location = $3, body = $4, done = true
		WHERE scope = $5 AND key = $6 AND fingerprint = $7 AND NOT done`,
		rec.Status, rec.ContentType, rec.Location, body, rec.Scope, rec.Key, rec.Fingerprint)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", classify(err))
	}
	return nil
}

// ReleaseIdempotency deletes the row of (scope, key) if it is still running.
func (s *Store) ReleaseIdempotency(ctx context.Context, scope, key string) error {
	if err := s.checkOpen("release idempotency key"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM idempotency WHERE scope = $1 AND key = $2 AND NOT done`, scope, key)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", classify(err))
	}
	return nil
}

// PurgeIdempotency deletes the rows created before before.
func (s *Store) PurgeIdempotency(ctx context.Context, before time.Time) (int64, error) {
	if err := s.checkOpen("purge idempotency keys"); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency WHERE created_at < $1`, stamp(before, time.Time{}))
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", classify(err))
	}
	return tag.RowsAffected(), nil
}

// scanIdempotency reads one row of idempotencyColumns.
func scanIdempotency(row pgx.CollectableRow) (persistence.IdempotencyRecord, error) {
	var r persistence.IdempotencyRecord
	err := row.Scan(&r.Scope, &r.Key, &r.Fingerprint, &r.Status, &r.ContentType, &r.Location, &r.Body, &r.CreatedAt, &r.Done)
	r.CreatedAt = r.CreatedAt.UTC()
	return r, err
}
