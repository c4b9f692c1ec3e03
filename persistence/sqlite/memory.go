package sqlite

import (
	"context"
	"database/sql"

	"github.com/aidacrm/aida/persistence/memory"
)

// NewMemory returns the memory of s (memory.Brute over the table memory), embedding with e:
// Remember embeds the text, then inserts the row and drops the entity's earliest rows past the
// limit in one transaction; Recall ranks the entity's rows by cosine similarity in Go. Its clock
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
	tx, err := m.s.write.BeginTx(ctx, nil)
	if err != nil {
		return unavailableIfContext(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `INSERT INTO memory (kind, id, text, source, at, dims, embedding)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, it.Kind, it.ID, it.Text, it.Source, it.At.UnixMicro(), len(v), memory.Encode(v)); err != nil {
		return unavailableIfContext(err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM memory WHERE seq IN (SELECT seq FROM memory
		WHERE kind = ?1 AND id = ?2 ORDER BY at DESC, seq DESC LIMIT -1 OFFSET ?3)`, it.Kind, it.ID, keep); err != nil {
		return unavailableIfContext(err)
	}
	return unavailableIfContext(tx.Commit())
}

func (m memoryTable) Candidates(ctx context.Context, kind, id string, dims int) ([]memory.Candidate, error) {
	if err := m.s.checkOpen("recall"); err != nil {
		return nil, err
	}
	rows, err := m.s.read.QueryContext(ctx, `SELECT seq, text, source, at, embedding FROM memory
		WHERE kind = ? AND id = ? AND dims = ?`, kind, id, dims)
	if err != nil {
		return nil, unavailableIfContext(err)
	}
	cs, err := collect(rows, scanCandidate)
	return cs, unavailableIfContext(err)
}

func (m memoryTable) Delete(ctx context.Context, kind, id string) error {
	if err := m.s.checkOpen("forget"); err != nil {
		return err
	}
	_, err := m.s.write.ExecContext(ctx, `DELETE FROM memory WHERE kind = ? AND id = ?`, kind, id)
	return unavailableIfContext(err)
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
