package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/aidacrm/aida/persistence"
)

const idempotencyColumns = `scope, key, fingerprint, status, content_type, location, body, created_at, done`

// ReserveIdempotency stores rec as running unless a row of (scope, key) created at or after
// stale exists; it returns that row otherwise. One transaction on the writer: the upsert and the
// read of the row it kept see the same state.
func (s *Store) ReserveIdempotency(ctx context.Context, rec persistence.IdempotencyRecord, stale time.Time) (persistence.IdempotencyRecord, bool, error) {
	if err := s.checkOpen("reserve idempotency key"); err != nil {
		return persistence.IdempotencyRecord{}, false, err
	}
	rec = persistence.IdempotencyRecord{Scope: rec.Scope, Key: rec.Key, Fingerprint: rec.Fingerprint,
		CreatedAt: fromMicros(stamp(rec.CreatedAt, s.now()))}
	got, reserved, err := s.reserve(ctx, rec, stale)
	if err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("reserve idempotency key: %w", unavailableIfContext(err))
	}
	return got, reserved, nil
}

func (s *Store) reserve(ctx context.Context, rec persistence.IdempotencyRecord, stale time.Time) (persistence.IdempotencyRecord, bool, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return rec, false, err
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency (scope, key, fingerprint, created_at) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = 0,
			content_type = '', location = '', body = x'', created_at = excluded.created_at, done = 0
		WHERE idempotency.created_at < ?5`,
		rec.Scope, rec.Key, rec.Fingerprint, rec.CreatedAt.UnixMicro(), stale.UnixMicro())
	if err != nil {
		return rec, false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return rec, false, err
	}
	if n == 1 {
		return rec, true, tx.Commit()
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+idempotencyColumns+` FROM idempotency WHERE scope = ? AND key = ?`,
		rec.Scope, rec.Key)
	if err != nil {
		return rec, false, err
	}
	found, err := collect(rows, scanIdempotency)
	if err != nil {
		return rec, false, err
	}
	if len(found) != 1 {
		return rec, false, fmt.Errorf("the row of %s/%s vanished", rec.Scope, rec.Key)
	}
	return found[0], false, tx.Commit()
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
	_, err := s.write.ExecContext(ctx, `UPDATE idempotency SET status = ?, content_type = ?, location = ?, body = ?, done = 1
		WHERE scope = ? AND key = ? AND fingerprint = ? AND done = 0`,
		rec.Status, rec.ContentType, rec.Location, body, rec.Scope, rec.Key, rec.Fingerprint)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", unavailableIfContext(err))
	}
	return nil
}

// ReleaseIdempotency deletes the row of (scope, key) if it is still running.
func (s *Store) ReleaseIdempotency(ctx context.Context, scope, key string) error {
	if err := s.checkOpen("release idempotency key"); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, `DELETE FROM idempotency WHERE scope = ? AND key = ? AND done = 0`, scope, key)
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", unavailableIfContext(err))
	}
	return nil
}

// PurgeIdempotency deletes the rows created before before.
func (s *Store) PurgeIdempotency(ctx context.Context, before time.Time) (int64, error) {
	if err := s.checkOpen("purge idempotency keys"); err != nil {
		return 0, err
	}
	res, err := s.write.ExecContext(ctx, `DELETE FROM idempotency WHERE created_at < ?`, before.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", unavailableIfContext(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", unavailableIfContext(err))
	}
	return n, nil
}

// scanIdempotency reads one row of idempotencyColumns.
func scanIdempotency(rows *sql.Rows) (persistence.IdempotencyRecord, error) {
	var (
		r       persistence.IdempotencyRecord
		created int64
	)
	err := rows.Scan(&r.Scope, &r.Key, &r.Fingerprint, &r.Status, &r.ContentType, &r.Location, &r.Body, &created, &r.Done)
	r.CreatedAt = fromMicros(created)
	return r, err
}
