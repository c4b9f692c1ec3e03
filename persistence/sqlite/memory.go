package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aidacrm/aida/persistence/memory"
)

// Memory is a memory.Store in the store's table memory: Remember embeds the text, then inserts
// the row and drops the entity's earliest rows past the limit in one transaction; Recall reads the
// entity's rows and ranks them by cosine similarity in Go (brute force: at most MaxItems rows of
// dims float32s each, 10 MB for 5,000 items of 512 floats). Calls fail once the Store is closed.
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
	if err := m.insert(ctx, it, v); err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, unavailableIfContext(err))
	}
	return nil
}

func (m *Memory) insert(ctx context.Context, it memory.Item, v []float32) error {
	tx, err := m.s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `INSERT INTO memory (kind, id, text, source, at, dims, embedding)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, it.Kind, it.ID, it.Text, it.Source, it.At.UnixMicro(), len(v), memory.Encode(v)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM memory WHERE seq IN (SELECT seq FROM memory
		WHERE kind = ?1 AND id = ?2 ORDER BY at DESC, seq DESC LIMIT -1 OFFSET ?3)`, it.Kind, it.ID, m.cfg.MaxItems); err != nil {
		return err
	}
	return tx.Commit()
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
	rows, err := m.s.read.QueryContext(ctx, `SELECT seq, text, source, at, embedding FROM memory
		WHERE kind = ? AND id = ? AND dims = ?`, kind, id, len(q))
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, unavailableIfContext(err))
	}
	cs, err := collect(rows, scanCandidate)
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, unavailableIfContext(err))
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
	if _, err := m.s.write.ExecContext(ctx, `DELETE FROM memory WHERE kind = ? AND id = ?`, kind, id); err != nil {
		return fmt.Errorf("forget %s %s: %w", kind, id, unavailableIfContext(err))
	}
	return nil
}

// scanCandidate reads one row of seq, text, source, at, embedding.
func scanCandidate(rows *sql.Rows) (memory.Candidate, error) {
	var (
		c    memory.Candidate
		at   int64
		blob []byte
	)
	if err := rows.Scan(&c.Seq, &c.Text, &c.Source, &at, &blob); err != nil {
		return c, err
	}
	c.At = fromMicros(at)
	v, err := memory.Decode(blob)
	c.Vector = v
	return c, err
}
