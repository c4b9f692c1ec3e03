package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// Append writes the batch in one transaction. An item that fails its version or unique-key check
// is skipped with its own error and the others commit. If the transaction itself fails, each item
// is retried alone in its own transaction, so a failing item still fails alone.
func (s *Store) Append(ctx context.Context, batch []persistence.Append) []error {
	if err := s.checkOpen("append"); err != nil {
		return slices.Repeat([]error{err}, len(batch))
	}
	now := s.now()
	w := persistence.Writer{
		Tx:        func(idx []int) ([]error, error) { return s.appendTx(ctx, batch, idx, now) },
		Refused:   func(err error) bool { return !isUnavailable(err) },
		ItemError: func(i int, err error) error { return s.itemError(ctx, batch[i], err) },
	}
	return w.Append(batch)
}

// appendTx writes the items batch[idx...] in one transaction and returns each item's own error
// (conflict, unique key) or the error that failed the transaction.
func (s *Store) appendTx(ctx context.Context, batch []persistence.Append, idx []int, now time.Time) ([]error, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	errs := make([]error, len(idx))
	for j, i := range idx {
		itemErr, err := s.appendOne(ctx, tx, batch[i], now)
		if err != nil {
			return nil, err
		}
		errs[j] = itemErr
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return errs, nil
}

// appendOne checks one item against the stored rows and writes it. It returns the item's own
// error (nothing written) or an error that fails the transaction.
func (s *Store) appendOne(ctx context.Context, tx *sql.Tx, a persistence.Append, now time.Time) (error, error) {
	snap := a.Snapshot
	var stored int64
	err := tx.StmtContext(ctx, s.stmt.version).QueryRowContext(ctx, snap.Kind, snap.ID).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		stored = 0
	case err != nil:
		return nil, fmt.Errorf("read version of %s/%s: %w", snap.Kind, snap.ID, err)
	}
	if stored != a.ExpectedVersion {
		return fmt.Errorf("append %s/%s: stored version %d, expected %d: %w",
			snap.Kind, snap.ID, stored, a.ExpectedVersion, persistence.ErrConflict), nil
	}
	if key := snap.Index.UniqueKey; key != "" {
		var holder string
		err := tx.StmtContext(ctx, s.stmt.holder).QueryRowContext(ctx, snap.Kind, key, snap.ID).Scan(&holder)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, fmt.Errorf("read unique key of %s/%s: %w", snap.Kind, snap.ID, err)
		default:
			return &persistence.UniqueError{Kind: snap.Kind, Key: key, ExistingID: holder}, nil
		}
	}
	if err := s.writeSnapshot(ctx, tx, a, now); err != nil {
		return nil, err
	}
	journal := tx.StmtContext(ctx, s.stmt.journal)
	for _, e := range a.Events {
		_, err := journal.ExecContext(ctx, snap.Kind, snap.ID, e.Version, e.EventID, e.Type, e.Actor,
			stamp(e.Time, now), jsonText(e.Data))
		if err != nil {
			return nil, fmt.Errorf("journal %s/%s v%d: %w", snap.Kind, snap.ID, e.Version, err)
		}
	}
	if err := s.writeReminders(ctx, tx, a); err != nil {
		return nil, err
	}
	return nil, nil
}

// writeSnapshot inserts (expected version 0) or updates the snapshot row.
func (s *Store) writeSnapshot(ctx context.Context, tx *sql.Tx, a persistence.Append, now time.Time) error {
	snap, ix := a.Snapshot, a.Snapshot.Index
	if a.ExpectedVersion == 0 {
		_, err := tx.StmtContext(ctx, s.stmt.insert).ExecContext(ctx, snap.Kind, snap.ID, snap.Version, jsonText(snap.State),
			null(ix.Status), null(ix.Source), null(ix.Owner), null(ix.UniqueKey), score(ix.Score), null(ix.Amount), ix.Level,
			stamp(snap.CreatedAt, now), stamp(snap.UpdatedAt, now))
		if err != nil {
			return fmt.Errorf("insert %s/%s: %w", snap.Kind, snap.ID, err)
		}
		return nil
	}
	res, err := tx.StmtContext(ctx, s.stmt.update).ExecContext(ctx, snap.Version, jsonText(snap.State),
		null(ix.Status), null(ix.Source), null(ix.Owner), null(ix.UniqueKey), score(ix.Score), null(ix.Amount), ix.Level,
		stamp(snap.UpdatedAt, now), snap.Kind, snap.ID, a.ExpectedVersion)
	if err != nil {
		return fmt.Errorf("update %s/%s: %w", snap.Kind, snap.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("update %s/%s: %d rows, %v: %w", snap.Kind, snap.ID, n, err, errLostRow)
	}
	return nil
}

// errLostRow: an update guarded by a version checked in the same transaction touched no row.
var errLostRow = errors.New("snapshot row changed under the transaction")

// itemError maps the error of an item written alone to the contract's errors.
func (s *Store) itemError(ctx context.Context, a persistence.Append, err error) error {
	snap := a.Snapshot
	switch constraintOf(err) {
	case constraintEntity:
		return fmt.Errorf("append %s/%s: %w", snap.Kind, snap.ID, persistence.ErrConflict)
	case constraintUniqueKey:
		ue := &persistence.UniqueError{Kind: snap.Kind, Key: snap.Index.UniqueKey}
		if id, ferr := s.FindUnique(ctx, snap.Kind, snap.Index.UniqueKey); ferr == nil {
			ue.ExistingID = id
		}
		return ue
	}
	if errors.Is(err, errLostRow) {
		return fmt.Errorf("append %s/%s: %w", snap.Kind, snap.ID, persistence.ErrConflict)
	}
	return fmt.Errorf("append %s/%s: %w", snap.Kind, snap.ID, err)
}

// statements are the writer's prepared statements: appends run them thousands of times a second,
// and parsing SQL each time would cost more than executing it.
type statements struct {
	version, holder, insert, update, journal, remSet, remCancel *sql.Stmt // on the writer
	load, find, due, next                                       *sql.Stmt // on the read pool
}

func (s *Store) prepare(ctx context.Context) error {
	for _, p := range []struct {
		into **sql.Stmt
		sql  string
		db   *sql.DB
	}{
		{&s.stmt.load, `SELECT ` + entityColumns + ` FROM entities WHERE kind = ? AND id = ?`, s.read},
		{&s.stmt.find, `SELECT id FROM entities WHERE kind = ? AND unique_key = ?`, s.read},
		{&s.stmt.version, `SELECT version FROM entities WHERE kind = ? AND id = ?`, s.write},
		{&s.stmt.holder, `SELECT id FROM entities WHERE kind = ? AND unique_key = ? AND id <> ?`, s.write},
		{&s.stmt.insert, `INSERT INTO entities
			(kind, id, version, state, status, source, owner, unique_key, score, amount, level, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.write},
		{&s.stmt.update, `UPDATE entities SET
			version = ?, state = ?, status = ?, source = ?, owner = ?, unique_key = ?, score = ?, amount = ?, level = ?,
			updated_at = ?
			WHERE kind = ? AND id = ? AND version = ?`, s.write},
		{&s.stmt.journal, `INSERT INTO journal (kind, id, version, event_id, type, actor, time, data, published)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`, s.write},
		{&s.stmt.remSet, `INSERT INTO reminders (kind, id, name, token, due_at, payload, attempts)
			VALUES (?, ?, ?, ?, ?, ?, 0)
			ON CONFLICT (kind, id, name) DO UPDATE SET
				token = excluded.token, due_at = excluded.due_at, payload = excluded.payload, attempts = 0`, s.write},
		{&s.stmt.remCancel, `DELETE FROM reminders WHERE kind = ? AND id = ? AND name = ? AND (? = '' OR token = ?)`, s.write},
		{&s.stmt.due, `SELECT kind, id, name, token, due_at, payload, attempts FROM reminders
			WHERE due_at <= ? ORDER BY due_at, kind, id, name LIMIT ?`, s.read},
		{&s.stmt.next, `SELECT min(due_at) FROM reminders`, s.read},
	} {
		st, err := p.db.PrepareContext(ctx, p.sql)
		if err != nil {
			return fmt.Errorf("prepare %.40q: %w", p.sql, err)
		}
		*p.into = st
	}
	return nil
}
