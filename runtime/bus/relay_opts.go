package bus

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Relay defaults.
const (
	DefaultBatchSize    = 512
	DefaultPollInterval = 200 * time.Millisecond
	DefaultMinBackoff   = 100 * time.Millisecond
	DefaultMaxBackoff   = 5 * time.Second
)

// RelayOption configures NewRelay.
type RelayOption func(*relayConfig)

type relayConfig struct {
	batchSize  int
	poll       time.Duration
	minBackoff time.Duration
	maxBackoff time.Duration
	logger     *slog.Logger
	registerer prometheus.Registerer
	now        func() time.Time
}

func defaultRelayConfig() relayConfig {
	return relayConfig{
		batchSize:  DefaultBatchSize,
		poll:       DefaultPollInterval,
		minBackoff: DefaultMinBackoff,
		maxBackoff: DefaultMaxBackoff,
		logger:     slog.New(slog.DiscardHandler),
		now:        time.Now,
	}
}

// WithBatchSize sets how many rows one round reads and publishes (default 512).
func WithBatchSize(n int) RelayOption {
	return func(c *relayConfig) {
		if n > 0 {
			c.batchSize = n
		}
	}
}

// WithPollInterval sets how often the relay looks for rows without a Kick (default 200 ms).
func WithPollInterval(d time.Duration) RelayOption {
	return func(c *relayConfig) {
		if d > 0 {
			c.poll = d
		}
	}
}

// WithBackoff sets the first and the longest pause after a failed round (default 100 ms, 5 s);
// the pause doubles with each failure in a row.
func WithBackoff(first, longest time.Duration) RelayOption {
	return func(c *relayConfig) {
		if first > 0 {
			c.minBackoff = first
		}
		c.maxBackoff = max(longest, c.minBackoff)
	}
}

// WithRelayLogger sets the relay's logger (default: none).
func WithRelayLogger(l *slog.Logger) RelayOption {
	return func(c *relayConfig) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithRelayRegisterer registers the relay metrics (aida_relay_*) with r (default: not registered).
func WithRelayRegisterer(r prometheus.Registerer) RelayOption {
	return func(c *relayConfig) { c.registerer = r }
}

// WithClock sets the clock the lag metric is measured with (default time.Now).
func WithClock(now func() time.Time) RelayOption {
	return func(c *relayConfig) {
		if now != nil {
			c.now = now
		}
	}
}
