package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aidacrm/aida/persistence"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

const keyColumns = `id, name, role, hash, rate_limit, created_at, revoked_at, last_used_at`

// CreateKey stores a new key; a taken ID gives an error wrapping persistence.ErrDuplicate.
func (s *Store) CreateKey(ctx context.Context, k persistence.Key) error {
	if err := s.checkOpen("create key"); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO keys (`+keyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.Name, k.Role, k.Hash, k.RateLimit, stamp(k.CreatedAt, s.now()), micros(k.RevokedAt), micros(k.LastUsedAt))
	var se *msqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return fmt.Errorf("create key %s: %w", k.ID, persistence.ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("create key %s: %w", k.ID, unavailableIfContext(err))
	}
	return nil
}

// LoadKey returns the key with this ID, or persistence.ErrNotFound.
func (s *Store) LoadKey(ctx context.Context, id string) (persistence.Key, error) {
	if err := s.checkOpen("load key"); err != nil {
		return persistence.Key{}, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+keyColumns+` FROM keys WHERE id = ?`, id)
	if err != nil {
		return persistence.Key{}, fmt.Errorf("load key %s: %w", id, unavailableIfContext(err))
	}
	keys, err := collect(rows, scanKey)
	return persistence.First(keys, err, "load key "+id, func(err error) error { return err }) // collect classified it
}

// Keys returns every key, oldest first.
func (s *Store) Keys(ctx context.Context) ([]persistence.Key, error) {
	if err := s.checkOpen("keys"); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+keyColumns+` FROM keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", unavailableIfContext(err))
	}
	keys, err := collect(rows, scanKey)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return keys, nil
}

// RevokeKey marks the key revoked at at, unless it is revoked already.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time) error {
	if err := s.checkOpen("revoke key"); err != nil {
		return err
	}
	// coalesce keeps the first revocation; the row counts as changed either way, so zero rows
	// means no such key.
	res, err := s.write.ExecContext(ctx, `UPDATE keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`,
		stamp(at, s.now()), id)
	if err != nil {
		return fmt.Errorf("revoke key %s: %w", id, unavailableIfContext(err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("revoke key %s: %w", id, errors.Join(persistence.ErrNotFound, err))
	}
	return nil
}

// TouchKey records a use of the key at at, unless a later one is recorded.
func (s *Store) TouchKey(ctx context.Context, id string, at time.Time) error {
	if err := s.checkOpen("touch key"); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, `UPDATE keys SET last_used_at = ?1
		WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?1)`, stamp(at, s.now()), id)
	if err != nil {
		return fmt.Errorf("touch key %s: %w", id, unavailableIfContext(err))
	}
	return nil
}

// scanKey reads one row of keyColumns.
func scanKey(rows *sql.Rows) (persistence.Key, error) {
	var (
		k                 persistence.Key
		created           int64
		revoked, lastUsed sql.NullInt64
	)
	err := rows.Scan(&k.ID, &k.Name, &k.Role, &k.Hash, &k.RateLimit, &created, &revoked, &lastUsed)
	k.CreatedAt = fromMicros(created)
	if revoked.Valid {
		k.RevokedAt = fromMicros(revoked.Int64)
	}
	if lastUsed.Valid {
		k.LastUsedAt = fromMicros(lastUsed.Int64)
	}
	return k, err
}

// micros stores a zero time as NULL, any other as unix microseconds.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}
