package memory

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits every backend enforces.
const (
	// MaxTextBytes bounds an item's text and a query (UTF-8 bytes).
	MaxTextBytes = 8 << 10
	// MaxK bounds how many hits one Recall may ask for.
	MaxK = 100
	// DefaultMaxItems is how many items an entity keeps unless WithMaxItems says otherwise.
	DefaultMaxItems = 5000
)

// Item is one thing an entity remembers.
type Item struct {
	Kind   string // the entity's kind: lead, deal, account
	ID     string // the entity's id
	Text   string // 1..MaxTextBytes bytes of UTF-8, not only spaces
	Source string // what it was: note, email_sent, reply, call, draft_rejected …
	// At is when it happened; zero means now. Stored with microsecond precision, returned in UTC.
	At time.Time
}

// Hit is one recalled item and how similar it is to the query: Score is the cosine similarity
// of their embeddings, from -1 to 1 (1: the same direction).
type Hit struct {
	Text   string
	Source string
	At     time.Time
	Score  float64
}

// Store remembers items per entity and recalls the closest to a query.
type Store interface {
	// Remember stores the item (embedding its text first). When the entity then holds more
	// than its limit of items, the earliest (by At) are dropped.
	Remember(ctx context.Context, it Item) error
	// Recall returns up to k items of (kind, id), best first (highest Score); an entity without
	// items has none. k must be 1..MaxK.
	Recall(ctx context.Context, kind, id, query string, k int) ([]Hit, error)
	// Forget removes every item of (kind, id); an entity without items is no error.
	Forget(ctx context.Context, kind, id string) error
}

// Embedder turns texts into vectors of Dimensions() floats, one per text, in order.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	Dimensions() int
}

// Config is what a backend needs besides its connection; built by Configure from Options.
type Config struct {
	MaxItems int              // items kept per entity
	Now      func() time.Time // stamps items without At
}

// Option configures a memory backend.
type Option func(*Config)

// WithMaxItems sets how many items an entity keeps (default DefaultMaxItems; at least 1).
func WithMaxItems(n int) Option { return func(c *Config) { c.MaxItems = max(n, 1) } }

// WithClock sets the clock that stamps items without At (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *Config) {
		if now != nil {
			c.Now = now
		}
	}
}

// Configure applies opts over the defaults.
func Configure(opts ...Option) Config {
	c := Config{MaxItems: DefaultMaxItems, Now: time.Now}
	for _, opt := range opts {
		opt(&c)
	}
	return c
}

// Stamp returns it checked, with At set (c.Now() when zero) to microsecond precision in UTC.
func (c Config) Stamp(it Item) (Item, error) {
	if err := checkEntity(it.Kind, it.ID); err != nil {
		return it, err
	}
	if err := checkText("text", it.Text); err != nil {
		return it, err
	}
	if it.At.IsZero() {
		it.At = c.Now()
	}
	it.At = it.At.UTC().Truncate(time.Microsecond)
	return it, nil
}

// CheckRecall checks the arguments of Recall.
func CheckRecall(kind, id, query string, k int) error {
	if err := checkEntity(kind, id); err != nil {
		return err
	}
	if err := checkText("query", query); err != nil {
		return err
	}
	if k < 1 || k > MaxK {
		return fmt.Errorf("%w: k is %d, want 1 to %d", ErrInvalid, k, MaxK)
	}
	return nil
}

// CheckEntity checks the arguments of Forget.
func CheckEntity(kind, id string) error { return checkEntity(kind, id) }

func checkEntity(kind, id string) error {
	if kind == "" || id == "" {
		return fmt.Errorf("%w: an entity needs a kind and an id (got %q, %q)", ErrInvalid, kind, id)
	}
	return nil
}

func checkText(what, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("%w: the %s is empty", ErrInvalid, what)
	case len(s) > MaxTextBytes:
		return fmt.Errorf("%w: the %s has %d bytes, at most %d are kept", ErrInvalid, what, len(s), MaxTextBytes)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: the %s is not UTF-8", ErrInvalid, what)
	}
	return nil
}
