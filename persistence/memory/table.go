package memory

import (
	"context"
	"fmt"
)

// Table is what a SQL backend keeps of memory: rows of items with their vectors. Brute builds
// the Store over it; the backends (persistence/sqlite, persistence/postgres) write only the SQL.
// Errors are the backend's (wrapping persistence.ErrUnavailable when it cannot answer).
type Table interface {
	// Insert stores it with v and drops the entity's earliest items past keep, atomically.
	Insert(ctx context.Context, it Item, v []float32, keep int) error
	// Candidates returns the entity's items whose vectors have dims dimensions.
	Candidates(ctx context.Context, kind, id string, dims int) ([]Candidate, error)
	// Delete removes every item of the entity.
	Delete(ctx context.Context, kind, id string) error
}

// Brute is a Store over a Table: it checks the arguments, embeds with its Embedder, and ranks
// the entity's items by cosine similarity in Go (at most MaxItems rows of an entity are read:
// 10 MB for 5,000 items of 512 floats).
type Brute struct {
	t     Table
	embed Embedder
	cfg   Config
}

var _ Store = (*Brute)(nil)

// NewBrute returns the Store over t, embedding with e.
func NewBrute(t Table, e Embedder, opts ...Option) *Brute {
	return &Brute{t: t, embed: e, cfg: Configure(opts...)}
}

// Remember stores it and keeps the entity's latest MaxItems items.
func (b *Brute) Remember(ctx context.Context, it Item) error {
	it, err := b.cfg.Stamp(it)
	if err != nil {
		return fmt.Errorf("remember: %w", err)
	}
	v, err := EmbedOne(ctx, b.embed, it.Text)
	if err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, err)
	}
	if err := b.t.Insert(ctx, it, v, b.cfg.MaxItems); err != nil {
		return fmt.Errorf("remember for %s %s: %w", it.Kind, it.ID, err)
	}
	return nil
}

// Recall returns the k items of (kind, id) most similar to query, best first.
func (b *Brute) Recall(ctx context.Context, kind, id, query string, k int) ([]Hit, error) {
	if err := CheckRecall(kind, id, query, k); err != nil {
		return nil, fmt.Errorf("recall: %w", err)
	}
	q, err := EmbedOne(ctx, b.embed, query)
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, err)
	}
	cs, err := b.t.Candidates(ctx, kind, id, len(q))
	if err != nil {
		return nil, fmt.Errorf("recall for %s %s: %w", kind, id, err)
	}
	return Rank(q, cs, k), nil
}

// Forget deletes every item of (kind, id).
func (b *Brute) Forget(ctx context.Context, kind, id string) error {
	if err := CheckEntity(kind, id); err != nil {
		return fmt.Errorf("forget: %w", err)
	}
	if err := b.t.Delete(ctx, kind, id); err != nil {
		return fmt.Errorf("forget %s %s: %w", kind, id, err)
	}
	return nil
}
