package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence"
)

// reminderKey names one reminder row.
type reminderKey struct{ kind, id, name string }

// reminderOp is the net effect of a transaction's changes to one reminder: an upsert of set, or
// else a delete, unconditional (all) or of the rows whose token is one of tokens.
type reminderOp struct {
	set    *persistence.Reminder
	all    bool
	tokens []string
}

// reminderRows folds the reminder changes of a transaction's items, in order, into one net
// effect per reminder, so that one upsert and one delete statement (unnest) apply them all: a
// statement may not touch a row twice, and a later change of the same reminder must win.
type reminderRows struct {
	ops   map[reminderKey]*reminderOp
	order []reminderKey // first-change order, for deterministic statements
}

func (r *reminderRows) add(a persistence.Append) {
	for _, c := range a.Reminders {
		k := reminderKey{a.Snapshot.Kind, a.Snapshot.ID, c.Set.Name}
		if r.ops == nil {
			r.ops = make(map[reminderKey]*reminderOp)
		}
		op, ok := r.ops[k]
		if !ok {
			op = &reminderOp{}
			r.ops[k] = op
			r.order = append(r.order, k)
		}
		switch {
		case !c.Cancel:
			set := c.Set
			*op = reminderOp{set: &set}
		case c.Set.Token == "":
			*op = reminderOp{all: true}
		case op.set != nil:
			if op.set.Token == c.Set.Token {
				*op = reminderOp{all: true} // cancels what this transaction set: the row must go
			}
		case !op.all && !slices.Contains(op.tokens, c.Set.Token):
			op.tokens = append(op.tokens, c.Set.Token)
		}
	}
}

// queue queues the deletes, then the upserts; their keys are disjoint.
func (r *reminderRows) queue(b *pgx.Batch) {
	var (
		dk, di, dn, dt          []string
		sk, si, sn, st, payload []string
		due                     []time.Time
	)
	for _, k := range r.order {
		op := r.ops[k]
		switch {
		case op.set != nil:
			sk, si, sn, st = append(sk, k.kind), append(si, k.id), append(sn, k.name), append(st, op.set.Token)
			due, payload = append(due, stamp(op.set.DueAt, time.Time{})), append(payload, jsonText(op.set.Payload))
		case op.all:
			dk, di, dn, dt = append(dk, k.kind), append(di, k.id), append(dn, k.name), append(dt, "")
		default:
			for _, t := range op.tokens {
				dk, di, dn, dt = append(dk, k.kind), append(di, k.id), append(dn, k.name), append(dt, t)
			}
		}
	}
	if len(dk) > 0 {
		b.Queue(`DELETE FROM reminders r USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(k, i, n, t)
			WHERE r.kind = x.k AND r.id = x.i AND r.name = x.n AND (x.t = '' OR r.token = x.t)`, dk, di, dn, dt)
	}
	if len(sk) > 0 {
		b.Queue(`INSERT INTO reminders (kind, id, name, token, due_at, payload, attempts)
			SELECT k, i, n, t, d, p::json, 0
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS x(k, i, n, t, d, p)
			ON CONFLICT (kind, id, name) DO UPDATE SET
				token = excluded.token, due_at = excluded.due_at, payload = excluded.payload, attempts = 0`,
			sk, si, sn, st, due, payload)
	}
}

// DueReminders returns up to limit reminders due at now, earliest first (a non-positive limit
// means 500).
func (s *Store) DueReminders(ctx context.Context, now time.Time, limit int) ([]persistence.Reminder, error) {
	if err := s.checkOpen("due reminders"); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT kind, id, name, token, due_at, payload::text, attempts FROM reminders
		WHERE due_at <= $1 ORDER BY due_at, kind, id, name LIMIT $2`, now, persistence.EntryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", classify(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (persistence.Reminder, error) {
		var (
			r       persistence.Reminder
			payload string
		)
		err := row.Scan(&r.Kind, &r.ID, &r.Name, &r.Token, &r.DueAt, &payload, &r.Attempts)
		r.DueAt, r.Payload = r.DueAt.UTC(), []byte(payload)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", classify(err))
	}
	return out, nil
}

// NextReminder returns the earliest due time of all reminders, or persistence.ErrNotFound.
func (s *Store) NextReminder(ctx context.Context) (time.Time, error) {
	if err := s.checkOpen("next reminder"); err != nil {
		return time.Time{}, err
	}
	var due *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT min(due_at) FROM reminders`).Scan(&due); err != nil {
		return time.Time{}, fmt.Errorf("next reminder: %w", classify(err))
	}
	if due == nil {
		return time.Time{}, fmt.Errorf("next reminder: %w", persistence.ErrNotFound)
	}
	return due.UTC(), nil
}

// RetryReminder moves the reminder to next and counts a failed attempt, if its token is token.
func (s *Store) RetryReminder(ctx context.Context, kind, id, name, token string, next time.Time) error {
	if err := s.checkOpen("retry reminder"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `UPDATE reminders SET due_at = $1, attempts = attempts + 1
		WHERE kind = $2 AND id = $3 AND name = $4 AND token = $5`, stamp(next, time.Time{}), kind, id, name, token)
	if err != nil {
		return fmt.Errorf("retry reminder %s/%s %q: %w", kind, id, name, classify(err))
	}
	return nil
}

// DeleteReminder deletes the reminder if its token is token.
func (s *Store) DeleteReminder(ctx context.Context, kind, id, name, token string) error {
	if err := s.checkOpen("delete reminder"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM reminders WHERE kind = $1 AND id = $2 AND name = $3 AND token = $4`,
		kind, id, name, token)
	if err != nil {
		return fmt.Errorf("delete reminder %s/%s %q: %w", kind, id, name, classify(err))
	}
	return nil
}
