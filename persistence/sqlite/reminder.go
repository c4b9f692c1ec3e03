package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// writeReminders applies an appended item's reminder changes, in order, in its transaction.
func (s *Store) writeReminders(ctx context.Context, tx *sql.Tx, a persistence.Append) error {
	snap := a.Snapshot
	for _, c := range a.Reminders {
		r := c.Set
		var err error
		if c.Cancel {
			_, err = tx.StmtContext(ctx, s.stmt.remCancel).ExecContext(ctx, snap.Kind, snap.ID, r.Name, r.Token, r.Token)
		} else {
			_, err = tx.StmtContext(ctx, s.stmt.remSet).ExecContext(ctx, snap.Kind, snap.ID, r.Name, r.Token,
				r.DueAt.UnixMicro(), jsonText(r.Payload))
		}
		if err != nil {
			return fmt.Errorf("reminder %s/%s %q: %w", snap.Kind, snap.ID, r.Name, err)
		}
	}
	return nil
}

// DueReminders returns up to limit reminders due at now, earliest first (a non-positive limit
// means 500).
func (s *Store) DueReminders(ctx context.Context, now time.Time, limit int) ([]persistence.Reminder, error) {
	if err := s.checkOpen("due reminders"); err != nil {
		return nil, err
	}
	rows, err := s.stmt.due.QueryContext(ctx, now.UnixMicro(), persistence.EntryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", unavailableIfContext(err))
	}
	out, err := collect(rows, func(rows *sql.Rows) (persistence.Reminder, error) {
		var (
			r       persistence.Reminder
			due     int64
			payload string
		)
		err := rows.Scan(&r.Kind, &r.ID, &r.Name, &r.Token, &due, &payload, &r.Attempts)
		r.DueAt, r.Payload = fromMicros(due), []byte(payload)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	return out, nil
}

// NextReminder returns the earliest due time of all reminders, or persistence.ErrNotFound.
func (s *Store) NextReminder(ctx context.Context) (time.Time, error) {
	if err := s.checkOpen("next reminder"); err != nil {
		return time.Time{}, err
	}
	var due sql.NullInt64
	err := s.stmt.next.QueryRowContext(ctx).Scan(&due)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && !due.Valid):
		return time.Time{}, fmt.Errorf("next reminder: %w", persistence.ErrNotFound)
	case err != nil:
		return time.Time{}, fmt.Errorf("next reminder: %w", unavailableIfContext(err))
	}
	return fromMicros(due.Int64), nil
}

// RetryReminder moves the reminder to next and counts a failed attempt, if its token is token.
func (s *Store) RetryReminder(ctx context.Context, kind, id, name, token string, next time.Time) error {
	if err := s.checkOpen("retry reminder"); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, `UPDATE reminders SET due_at = ?, attempts = attempts + 1
		WHERE kind = ? AND id = ? AND name = ? AND token = ?`, next.UnixMicro(), kind, id, name, token)
	if err != nil {
		return fmt.Errorf("retry reminder %s/%s %q: %w", kind, id, name, unavailableIfContext(err))
	}
	return nil
}

// DeleteReminder deletes the reminder if its token is token.
func (s *Store) DeleteReminder(ctx context.Context, kind, id, name, token string) error {
	if err := s.checkOpen("delete reminder"); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, `DELETE FROM reminders WHERE kind = ? AND id = ? AND name = ? AND token = ?`,
		kind, id, name, token)
	if err != nil {
		return fmt.Errorf("delete reminder %s/%s %q: %w", kind, id, name, unavailableIfContext(err))
	}
	return nil
}
