package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence"
)

const keyColumns = `id, name, role, hash, rate_limit, created_at, revoked_at, last_used_at`

// CreateKey stores a new key; a taken ID gives an error wrapping persistence.ErrDuplicate.
func (s *Store) CreateKey(ctx context.Context, k persistence.Key) error {
	if err := s.checkOpen("create key"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO keys (`+keyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		k.ID, k.Name, k.Role, k.Hash, k.RateLimit, stamp(k.CreatedAt, s.now()), nullTime(k.RevokedAt), nullTime(k.LastUsedAt))
	if violated(err) == "keys_pkey" {
		return fmt.Errorf("create key %s: %w", k.ID, persistence.ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("create key %s: %w", k.ID, classify(err))
	}
	return nil
}

// LoadKey returns the key with this ID, or persistence.ErrNotFound.
func (s *Store) LoadKey(ctx context.Context, id string) (persistence.Key, error) {
	if err := s.checkOpen("load key"); err != nil {
		return persistence.Key{}, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM keys WHERE id = $1`, id)
	if err != nil {
		return persistence.Key{}, fmt.Errorf("load key %s: %w", id, classify(err))
	}
	keys, err := pgx.CollectRows(rows, scanKey)
	return persistence.First(keys, err, "load key "+id, classify)
}

// Keys returns every key, oldest first.
func (s *Store) Keys(ctx context.Context) ([]persistence.Key, error) {
	if err := s.checkOpen("keys"); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+keyColumns+` FROM keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", classify(err))
	}
	keys, err := pgx.CollectRows(rows, scanKey)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", classify(err))
	}
	return keys, nil
}

// RevokeKey marks the key revoked at at, unless it is revoked already.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time) error {
	if err := s.checkOpen("revoke key"); err != nil {
		return err
	}
	// coalesce keeps the first revocation; the row counts as updated either way, so zero rows
	// means no such key.
	tag, err := s.pool.Exec(ctx, `UPDATE keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`,
		stamp(at, s.now()), id)
	if err != nil {
		return fmt.Errorf("revoke key %s: %w", id, classify(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke key %s: %w", id, persistence.ErrNotFound)
	}
	return nil
}

// TouchKey records a use of the key at at, unless a later one is recorded.
func (s *Store) TouchKey(ctx context.Context, id string, at time.Time) error {
	if err := s.checkOpen("touch key"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `UPDATE keys SET last_used_at = $1
		WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, stamp(at, s.now()), id)
	if err != nil {
		return fmt.Errorf("touch key %s: %w", id, classify(err))
	}
	return nil
}

// scanKey reads one row of keyColumns.
func scanKey(row pgx.CollectableRow) (persistence.Key, error) {
	var (
		k                 persistence.Key
		revoked, lastUsed *time.Time
	)
	err := row.Scan(&k.ID, &k.Name, &k.Role, &k.Hash, &k.RateLimit, &k.CreatedAt, &revoked, &lastUsed)
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked != nil {
		k.RevokedAt = revoked.UTC()
	}
	if lastUsed != nil {
		k.LastUsedAt = lastUsed.UTC()
	}
	return k, err
}

// nullTime stores a zero time as NULL, any other cut to microseconds.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := stamp(t, time.Time{})
	return &u
}
