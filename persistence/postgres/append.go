package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aidacrm/aida/persistence"
)

// Append writes the batch in one transaction. An item that fails its version or unique-key check
// is skipped with its own error and the others commit. If the transaction fails on a statement
// (a concurrent writer took the id or the key first, a deadlock), each item is retried alone in
// its own transaction, so a failing item still fails alone. A lost connection or an ended
// context fails every item with an error wrapping persistence.ErrUnavailable; when it happens
// during COMMIT the items may or may not be committed.
func (s *Store) Append(ctx context.Context, batch []persistence.Append) []error {
	if err := s.checkOpen("append"); err != nil {
		return slices.Repeat([]error{err}, len(batch))
	}
	now := s.now()
	w := persistence.Writer{
		Tx:        func(idx []int) ([]error, error) { return s.appendTx(ctx, batch, idx, now) },
		Refused:   statementError,
		ItemError: func(i int, err error) error { return s.itemError(ctx, batch[i], err) },
	}
	return w.Append(batch)
}

type entityKey struct{ kind, id string }

type uniqueKey struct{ kind, key string }

// stored is what the transaction knows of an entity row.
type stored struct {
	version int64
	key     string
}

// appendTx writes the items batch[idx…] in one transaction and returns each item's own error
// (conflict, unique key) or the error that failed the transaction.
func (s *Store) appendTx(ctx context.Context, batch []persistence.Append, idx []int, now time.Time) ([]error, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	rows, holders, err := lookup(ctx, tx, batch, idx)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(idx))
	w := &pgx.Batch{}
	var (
		j     journalRows
		snaps snapshotRows
		rems  reminderRows
	)
	for n, i := range idx {
		a := batch[i]
		snap := a.Snapshot
		ek := entityKey{snap.Kind, snap.ID}
		cur := rows[ek]
		if cur.version != a.ExpectedVersion {
			errs[n] = fmt.Errorf("append %s/%s: stored version %d, expected %d: %w",
				snap.Kind, snap.ID, cur.version, a.ExpectedVersion, persistence.ErrConflict)
			continue
		}
		key := snap.Index.UniqueKey
		if holder, ok := holders[uniqueKey{snap.Kind, key}]; key != "" && ok && holder != snap.ID {
			errs[n] = &persistence.UniqueError{Kind: snap.Kind, Key: key, ExistingID: holder}
			continue
		}
		// The item will be written: later items of the batch see its version and key.
		if cur.key != "" && holders[uniqueKey{snap.Kind, cur.key}] == snap.ID {
			delete(holders, uniqueKey{snap.Kind, cur.key})
		}
		if key != "" {
			holders[uniqueKey{snap.Kind, key}] = snap.ID
		}
		rows[ek] = stored{version: snap.Version, key: key}
		snaps.add(a, now)
		j.add(a, now)
		rems.add(a)
	}
	if len(j.ids) > 0 {
		snaps.queue(w)
		j.queue(w)
		rems.queue(w)
		if err := tx.SendBatch(ctx, w).Close(); err != nil {
			return nil, fmt.Errorf("write: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return errs, nil
}

// lookup reads, in one round trip, the rows of the batch's entities (locking them) and the
// holders of the unique keys the batch asks for.
func lookup(ctx context.Context, tx pgx.Tx, batch []persistence.Append, idx []int) (map[entityKey]stored, map[uniqueKey]string, error) {
	var kinds, ids, keyKinds, keys []string
	for _, i := range idx {
		snap := batch[i].Snapshot
		kinds, ids = append(kinds, snap.Kind), append(ids, snap.ID)
		if snap.Index.UniqueKey != "" {
			keyKinds, keys = append(keyKinds, snap.Kind), append(keys, snap.Index.UniqueKey)
		}
	}
	rows := make(map[entityKey]stored, len(idx))
	holders := make(map[uniqueKey]string, len(keys))
	b := &pgx.Batch{}
	b.Queue(`SELECT e.kind, e.id, e.version, coalesce(e.unique_key, '')
		FROM entities e JOIN unnest($1::text[], $2::text[]) AS k(kind, id) ON e.kind = k.kind AND e.id = k.id
		ORDER BY e.kind, e.id FOR UPDATE OF e`, kinds, ids).Query(func(r pgx.Rows) error {
		for r.Next() {
			var (
				k  entityKey
				st stored
			)
			if err := r.Scan(&k.kind, &k.id, &st.version, &st.key); err != nil {
				return err
			}
			rows[k] = st
		}
		return r.Err()
	})
	if len(keys) > 0 {
		b.Queue(`SELECT e.kind, e.unique_key, e.id
			FROM entities e JOIN unnest($1::text[], $2::text[]) AS k(kind, key) ON e.kind = k.kind AND e.unique_key = k.key`,
			keyKinds, keys).Query(func(r pgx.Rows) error {
			for r.Next() {
				var (
					k  uniqueKey
					id string
				)
				if err := r.Scan(&k.kind, &k.key, &id); err != nil {
					return err
				}
				holders[k] = id
			}
			return r.Err()
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, fmt.Errorf("lookup: %w", err)
	}
	return rows, holders, nil
}

// snapshotRows collects the snapshot rows of a transaction as columns: one INSERT … SELECT FROM
// unnest for new entities and one UPDATE … FROM unnest for the others. One statement per kind of
// write costs PostgreSQL a fraction of one statement per row.
type snapshotRows struct {
	insert, update snapshotColumns
	updates        int
}

type snapshotColumns struct {
	kinds, ids, states                  []string
	status, sources, owners, keys, amts []*string
	scores                              []*int32
	levels                              []int32
	versions, expected                  []int64
	created, updated                    []time.Time
}

func (r *snapshotRows) add(a persistence.Append, now time.Time) {
	c := &r.insert
	if a.ExpectedVersion != 0 {
		c = &r.update
		r.updates++
	}
	snap, ix := a.Snapshot, a.Snapshot.Index
	c.kinds, c.ids, c.states = append(c.kinds, snap.Kind), append(c.ids, snap.ID), append(c.states, jsonText(snap.State))
	c.status, c.sources = append(c.status, nullText(ix.Status)), append(c.sources, nullText(ix.Source))
	c.owners, c.keys, c.amts = append(c.owners, nullText(ix.Owner)), append(c.keys, nullText(ix.UniqueKey)), append(c.amts, nullText(ix.Amount))
	var sc *int32
	if ix.Score >= 0 {
		v := ix.Score
		sc = &v
	}
	c.scores, c.levels = append(c.scores, sc), append(c.levels, ix.Level)
	c.versions, c.expected = append(c.versions, snap.Version), append(c.expected, a.ExpectedVersion)
	c.created, c.updated = append(c.created, stamp(snap.CreatedAt, now)), append(c.updated, stamp(snap.UpdatedAt, now))
}

func (r *snapshotRows) queue(b *pgx.Batch) {
	if c := r.insert; len(c.ids) > 0 {
		b.Queue(`INSERT INTO entities
			(kind, id, version, state, status, source, owner, unique_key, score, amount, level, created_at, updated_at)
			SELECT k, i, v, st::jsonb, s, src, o, key, sc, amt::numeric, lv, c, u
			FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::text[], $9::int[], $10::text[], $11::int[], $12::timestamptz[], $13::timestamptz[])
				AS x(k, i, v, st, s, src, o, key, sc, amt, lv, c, u)`,
			c.kinds, c.ids, c.versions, c.states, c.status, c.sources, c.owners, c.keys, c.scores, c.amts, c.levels,
			c.created, c.updated)
	}
	if c := r.update; len(c.ids) > 0 {
		want := len(c.ids)
		b.Queue(`UPDATE entities e SET version = x.v, state = x.st::jsonb, status = x.s, source = x.src, owner = x.o,
				unique_key = x.key, score = x.sc, amount = x.amt::numeric, level = x.lv, updated_at = x.u
			FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::text[], $9::int[], $10::text[], $11::int[], $12::timestamptz[], $13::bigint[])
				AS x(k, i, v, st, s, src, o, key, sc, amt, lv, u, expected)
			WHERE e.kind = x.k AND e.id = x.i AND e.version = x.expected`,
			c.kinds, c.ids, c.versions, c.states, c.status, c.sources, c.owners, c.keys, c.scores, c.amts, c.levels,
			c.updated, c.expected,
		).Exec(func(ct pgconn.CommandTag) error {
			if ct.RowsAffected() != int64(want) {
				return fmt.Errorf("update %d snapshots, %d changed: %w", want, ct.RowsAffected(), errLostRow)
			}
			return nil
		})
	}
}

// nullText stores an empty string as NULL.
func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// journalRows collects the journal rows of a transaction as columns for one unnest insert.
type journalRows struct {
	kinds, ids, eventIDs, types, actors, data []string
	versions                                  []int64
	times                                     []time.Time
}

func (j *journalRows) add(a persistence.Append, now time.Time) {
	for _, e := range a.Events {
		j.kinds, j.ids, j.versions = append(j.kinds, a.Snapshot.Kind), append(j.ids, a.Snapshot.ID), append(j.versions, e.Version)
		j.eventIDs, j.types, j.actors = append(j.eventIDs, e.EventID), append(j.types, e.Type), append(j.actors, e.Actor)
		j.times, j.data = append(j.times, stamp(e.Time, now)), append(j.data, jsonText(e.Data))
	}
}

// queue queues one INSERT of all rows; seq (the commit order) comes from the identity column.
func (j *journalRows) queue(b *pgx.Batch) {
	b.Queue(`INSERT INTO journal (kind, id, version, event_id, type, actor, time, data)
		SELECT k, i, v, e, t, a, tm, d::json
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
			WITH ORDINALITY AS u(k, i, v, e, t, a, tm, d, n)
		ORDER BY n`, j.kinds, j.ids, j.versions, j.eventIDs, j.types, j.actors, j.times, j.data)
}

// errLostRow: an update guarded by a version read under a row lock touched no row.
var errLostRow = errors.New("snapshot row changed under the transaction")

// itemError maps the error of an item written alone to the contract's errors.
func (s *Store) itemError(ctx context.Context, a persistence.Append, err error) error {
	snap := a.Snapshot
	switch {
	case violated(err) == "entities_pkey", errors.Is(err, errLostRow):
		return fmt.Errorf("append %s/%s: %w", snap.Kind, snap.ID, persistence.ErrConflict)
	case violated(err) == "entities_unique_key":
		ue := &persistence.UniqueError{Kind: snap.Kind, Key: snap.Index.UniqueKey}
		if id, ferr := s.FindUnique(ctx, snap.Kind, snap.Index.UniqueKey); ferr == nil {
			ue.ExistingID = id
		}
		return ue
	case retryable(err):
		return fmt.Errorf("append %s/%s: %w", snap.Kind, snap.ID, persistence.Unavailable(err))
	}
	return fmt.Errorf("append %s/%s: %w", snap.Kind, snap.ID, err)
}
