package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/aidacrm/aida/persistence/memory"
)

// Memory is a memory.Store in the store's table memory: Remember embeds the text, then inserts
// the row and drops the entity's earliest rows past the limit in one transaction, under an
// advisory lock of the entity so concurrent Remembers of one entity trim in turn; Recall reads
// the entity's rows and ranks them by cosine similarity in Go (brute force: at most MaxItems rows
// of dims float32s each, 10 MB for 5,000 items of 512 floats). Calls fail once the Store is
// closed.
type Memory struct {
	s     *Store
	embed memory.Embedder
	cfg   memory.Config
}

var _ memory.Store = (*Memory)(nil)

// NewMemory returns the memory of s, embedding with e. Its clock defaults to the store's.
func NewMemory(s *Store, e memory.Embedder, opts ...memory.Option) *Memory {
	return &Memory{s: s, embed: e, cfg: memory.Configure(append([]memory.Option{memory.WithClock(s.now)}, opts...)...)}
}

// Remember stores it and keeps the entity's latest cfg.MaxItems items.
func (m *Memory) Remember(ctx context.Context, it memory.Item) error {
	it, err := m.cfg.Stamp(it)
	if err != nil {
		return fmt.Errorf("remember: %w", err)
	}
	if err := m.s.checkOpen("remember"); err != nil {
		return err
	}
	v, err := memory.EmbedOne(ctx, m.embed, it.Text)
	if err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, err)
	}
	err = pgx.BeginFunc(ctx, m.s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))`, it.Kind, it.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO memory (kind, id, text, source, at, dims, embedding)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, it.Kind, it.ID, it.Text, it.Source, it.At, len(v), memory.Encode(v)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM memory WHERE seq IN (SELECT seq FROM memory
			WHERE kind = $1 AND id = $2 ORDER BY at DESC, seq DESC OFFSET $3)`, it.Kind, it.ID, m.cfg.MaxItems)
		return err
	})
	if err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, classify(err))
	}
	return nil
}

// Recall returns the k items of (kind, id) most similar to query, best first.
func (m *Memory) Recall(ctx context.Context, kind, id, query string, k int) ([]memory.Hit, error) {
	if err := memory.CheckRecall(kind, id, query, k); err != nil {
		return nil, fmt.Errorf("recall: %w", err)
	}
	if err := m.s.checkOpen("recall"); err != nil {
		return nil, err
	}
	q, err := memory.EmbedOne(ctx, m.embed, query)
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, err)
	}
	rows, err := m.s.pool.Query(ctx, `SELECT seq, text, source, at, embedding FROM memory
		WHERE kind = $1 AND id = $2 AND dims = $3`, kind, id, len(q))
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, classify(err))
	}
	cs, err := pgx.CollectRows(rows, scanCandidate)
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, classify(err))
	}
	return memory.Rank(q, cs, k), nil
}

// Forget deletes every item of (kind, id).
func (m *Memory) Forget(ctx context.Context, kind, id string) error {
	if err := memory.CheckEntity(kind, id); err != nil {
		return fmt.Errorf("forget: %w", err)
	}
	if err := m.s.checkOpen("forget"); err != nil {
		return err
	}
	if _, err := m.s.pool.Exec(ctx, `DELETE FROM memory WHERE kind = $1 AND id = $2`, kind, id); err != nil {
		return fmt.Errorf("forget %s %s: %w", kind, id, classify(err))
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
