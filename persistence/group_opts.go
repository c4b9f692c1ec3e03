package persistence

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// GroupOption configures a Group.
type GroupOption func(*groupConfig)

type groupConfig struct {
	queue      int
	batch      int
	writers    int
	timeout    time.Duration
	now        func() time.Time
	registerer prometheus.Registerer
}

// WithQueueSize bounds the queue of waiting appends (default DefaultGroupQueue; minimum 1).
func WithQueueSize(n int) GroupOption {
	return func(c *groupConfig) { c.queue = max(n, 1) }
}

// WithMaxBatch sets the most appends written in one transaction (default DefaultGroupBatch).
func WithMaxBatch(n int) GroupOption {
	return func(c *groupConfig) { c.batch = max(n, 1) }
}

// WithWriters sets the number of concurrent writers: 1 for SQLite (the default), a few (4) for
// PostgreSQL.
func WithWriters(n int) GroupOption {
	return func(c *groupConfig) { c.writers = max(n, 1) }
}

// WithBatchTimeout bounds a batch whose callers came without a deadline
// (default DefaultGroupTimeout).
func WithBatchTimeout(d time.Duration) GroupOption {
	return func(c *groupConfig) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithGroupClock sets the clock used to measure append latency (default time.Now).
func WithGroupClock(now func() time.Time) GroupOption {
	return func(c *groupConfig) {
		if now != nil {
			c.now = now
		}
	}
}

// WithRegisterer registers the group's metrics: aida_store_append_seconds (latency from queueing
// to answer) and aida_store_batch_size (appends per transaction).
func WithRegisterer(reg prometheus.Registerer) GroupOption {
	return func(c *groupConfig) { c.registerer = reg }
}
