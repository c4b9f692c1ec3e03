// Package sqlite is the embedded persistence.Store of AIDA, on modernc.org/sqlite (pure Go).
//
// The database runs in WAL mode with synchronous=FULL, so an append is durable once it returns.
// SQLite allows one writer: the store keeps one writer connection (appends queue for it) and a
// separate pool of read-only connections that read beside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/aidacrm/aida/persistence"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

var _ persistence.Store = (*Store)(nil)

// Store is a persistence.Store in one SQLite file.
type Store struct {
	write  *sql.DB // one connection: SQLite has one writer
	read   *sql.DB // read-only pool
	now    func() time.Time
	stmt   statements // the writer's prepared statements
	closed atomic.Bool
}

// Option configures a Store.
type Option func(*config)

type config struct {
	readers     int
	busyTimeout time.Duration
	now         func() time.Time
}

// WithReaders sets the size of the read pool (default 4).
func WithReaders(n int) Option { return func(c *config) { c.readers = max(n, 1) } }

// WithBusyTimeout sets how long a connection waits for a lock held by another (default 5 s).
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// WithClock sets the clock that stamps snapshots without CreatedAt/UpdatedAt (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// Open opens (creating if needed) the database file at path and migrates its schema.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := config{readers: 4, busyTimeout: 5 * time.Second, now: time.Now}
	for _, opt := range opts {
		opt(&cfg)
	}
	write, err := sql.Open("sqlite", dsn(path, cfg, false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	s := &Store{write: write, now: cfg.now}
	if err := s.Migrate(ctx); err != nil {
		_ = write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(path, cfg, true))
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(cfg.readers)
	read.SetMaxIdleConns(cfg.readers)
	s.read = read
	if err := s.prepare(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// dsn builds the modernc DSN: WAL, synchronous=FULL, busy timeout, foreign keys; writer
// transactions take the write lock at BEGIN (immediate), readers are query-only.
func dsn(path string, cfg config, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.busyTimeout.Milliseconds()))
	q.Add("_pragma", "page_size(16384)") // before the first table: fewer, larger writes
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// Checkpoint the WAL every ~40 MB (2500 pages of 16 KB) rather than every 4 MB: index pages rewritten by many
	// appends between two checkpoints are copied back once.
	q.Add("_pragma", "wal_autocheckpoint(2500)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Ping tells whether both the writer and the read pool answer.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return fmt.Errorf("ping sqlite: %w", persistence.ErrClosed)
	}
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", persistence.Unavailable(err))
	}
	if err := s.read.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite: %w", persistence.Unavailable(err))
	}
	return nil
}

// Close closes the connections. Later calls fail with persistence.ErrClosed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close sqlite: %w", err)
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
