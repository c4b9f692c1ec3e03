package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence/memory"
)

// NewMemory returns the memory of s (memory.Brute over the table memory), embedding with e:
// Remember embeds the text, then inserts the row and drops the entity's earliest rows past the
// limit in one transaction, under an advisory lock of the entity so that concurrent Remembers of
// one entity trim in turn; Recall ranks the entity's rows by cosine similarity in Go. Its clock
// defaults to the store's. Calls fail once the Store is closed.
func NewMemory(s *Store, e memory.Embedder, opts ...memory.Option) *memory.Brute {
	return memory.NewBrute(memoryTable{s}, e, append([]memory.Option{memory.WithClock(s.now)}, opts...)...)
}

// memoryTable is the table memory, for memory.Brute.
type memoryTable struct{ s *Store }

func (m memoryTable) Insert(ctx context.Context, it memory.Item, v []float32, keep int) error {
	if err := m.s.checkOpen("remember"); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, m.s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))`, it.Kind, it.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memory (kind, id, text, source, at, dims, embedding)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, it.Kind, it.ID, it.Text, it.Source, it.At, len(v), memory.Encode(v)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM memory WHERE seq IN (SELECT seq FROM memory
			WHERE kind = $1 AND id = $2 ORDER BY at DESC, seq DESC OFFSET $3)`, it.Kind, it.ID, keep)
		return err
	})
	if err != nil {
		return classify(err)
	}
	return nil
}

func (m memoryTable) Candidates(ctx context.Context, kind, id string, dims int) ([]memory.Candidate, error) {
	if err := m.s.checkOpen("recall"); err != nil {
		return nil, err
	}
	rows, err := m.s.pool.Query(ctx, `SELECT seq, text, source, at, embedding FROM memory
		WHERE kind = $1 AND id = $2 AND dims = $3`, kind, id, dims)
	if err != nil {
		return nil, classify(err)
	}
	cs, err := pgx.CollectRows(rows, scanCandidate)
	if err != nil {
		return nil, classify(err)
	}
	return cs, nil
}

func (m memoryTable) Delete(ctx context.Context, kind, id string) error {
	if err := m.s.checkOpen("forget"); err != nil {
		return err
	}
	if _, err := m.s.pool.Exec(ctx, `DELETE FROM memory WHERE kind = $1 AND id = $2`, kind, id); err != nil {
		return classify(err)
	}
	return nil
}

// scanCandidate reads one row of seq, text, source, at, embedding.
func scanCandidate(row pgx.CollectableRow) (memory.Candidate, error) {
	var (
		c    memory.Candidate
		blob []byte
	)
	if err := row.Scan(&c.Seq, &c.Text, &c.Source, &c.At, &blob); err != nil {
		return c, err
	}
	c.At = c.At.UTC()
	v, err := memory.Decode(blob)
	c.Vector = v
	return c, err
}
