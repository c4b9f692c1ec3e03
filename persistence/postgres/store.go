// Package postgres is the persistence.Store of AIDA on PostgreSQL, through a pgx connection pool.
//
// Appends of a batch are checked with two pipelined lookups (the entity rows, locked, and the
// holders of the unique keys) and written with one pipelined pgx.Batch: one INSERT or guarded
// UPDATE per snapshot, one multi-row INSERT … SELECT FROM unnest(…) for all journal rows, and one
// DELETE and one upsert for the net reminder changes of the whole batch.
// Connection failures and ended contexts give errors wrapping persistence.ErrUnavailable; new
// connections time out quickly (WithConnectTimeout) so a down server does not hang callers.
package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aidacrm/aida/persistence"
)

var _ persistence.Store = (*Store)(nil)

// DefaultConnectTimeout bounds the opening of one connection unless the URL sets connect_timeout.
const DefaultConnectTimeout = 3 * time.Second

// Store is a persistence.Store in a PostgreSQL database.
type Store struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	closed atomic.Bool
}

// Option configures a Store.
type Option func(*config)

type config struct {
	maxConns       int32
	connectTimeout time.Duration
	now            func() time.Time
}

// WithMaxConns sets the pool size (default: pgxpool's, max(4, NumCPU), or pool_max_conns in the URL).
func WithMaxConns(n int32) Option { return func(c *config) { c.maxConns = max(n, 1) } }

// WithConnectTimeout bounds the opening of one connection (default DefaultConnectTimeout).
func WithConnectTimeout(d time.Duration) Option { return func(c *config) { c.connectTimeout = d } }

// WithClock sets the clock that stamps snapshots and events without times (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// Open connects to the database at url (postgres://…), checks it answers and migrates its schema.
// An unreachable server gives an error wrapping persistence.ErrUnavailable.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg := config{now: time.Now}
	for _, opt := range opts {
		opt(&cfg)
	}
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	switch {
	case cfg.connectTimeout > 0:
		pcfg.ConnConfig.ConnectTimeout = cfg.connectTimeout
	case pcfg.ConnConfig.ConnectTimeout == 0:
		pcfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.maxConns > 0 {
		pcfg.MaxConns = cfg.maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s := &Store{pool: pool, now: cfg.now}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return s, nil
}

// Ping tells whether the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkOpen("ping postgres"); err != nil {
		return err
	}
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", persistence.Unavailable(err))
	}
	return nil
}

// Close closes the pool, waiting for connections in use to be released.
func (s *Store) Close() error {
	if !s.closed.Swap(true) {
		s.pool.Close()
	}
	return nil
}

// checkOpen fails with persistence.ErrClosed once the store is closed.
func (s *Store) checkOpen(op string) error {
	if s.closed.Load() {
		return fmt.Errorf("%s: %w", op, persistence.ErrClosed)
	}
	return nil
}
