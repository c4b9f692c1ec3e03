package bus

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Stream defaults.
const (
	DefaultStreamName      = "CRM_EVENTS"
	DefaultStreamSubject   = "crm.>"
	DefaultMaxAge          = 30 * 24 * time.Hour
	DefaultDuplicateWindow = 2 * time.Hour
	DefaultMaxMsgSize      = 1 << 20
)

// StreamConfig configures the JetStream stream the relay publishes to. It is always stored on
// file, with limits retention (old messages go first when a limit is reached). Zero fields take
// the defaults of DefaultStreamConfig.
type StreamConfig struct {
	Name            string        // default CRM_EVENTS
	Subjects        []string      // default crm.>
	MaxAge          time.Duration // default 30 days
	MaxBytes        int64         // default -1: no limit (old events go first when it is reached)
	MaxMsgSize      int32         // the largest event the stream stores, bytes; default 1 MiB (NATS's default payload limit)
	DuplicateWindow time.Duration // how long a Nats-Msg-Id is remembered; default 2 h, at most MaxAge
	Replicas        int           // default 1; more only on a clustered NATS
}

// DefaultStreamConfig returns the stream configuration Connect uses without WithStream.
func DefaultStreamConfig() StreamConfig { return StreamConfig{}.withDefaults() }

func (c StreamConfig) withDefaults() StreamConfig {
	if c.Name == "" {
		c.Name = DefaultStreamName
	}
	if len(c.Subjects) == 0 {
		c.Subjects = []string{DefaultStreamSubject}
	}
	if c.MaxAge <= 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = -1
	}
	if c.MaxMsgSize <= 0 {
		c.MaxMsgSize = DefaultMaxMsgSize
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = DefaultDuplicateWindow
	}
	c.DuplicateWindow = min(c.DuplicateWindow, c.MaxAge) // JetStream refuses a longer window
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	return c
}

// ensureStream creates the stream or updates it to cfg.
func ensureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) error {
	_, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.Name,
		Description: "AIDA CRM events (CloudEvents JSON), one per journal entry",
		Subjects:    cfg.Subjects,
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      cfg.MaxAge,
		MaxBytes:    cfg.MaxBytes,
		MaxMsgSize:  cfg.MaxMsgSize,
		Duplicates:  cfg.DuplicateWindow,
		Replicas:    cfg.Replicas,
	})
	if err != nil && strings.Contains(err.Error(), "insufficient") {
		return fmt.Errorf("create or update stream %s with a limit of %d bytes (lower AIDA_EVENTS_MAX_BYTES, or free disk space): %w",
			cfg.Name, cfg.MaxBytes, err)
	}
	if err != nil {
		return fmt.Errorf("create or update stream %s: %w", cfg.Name, err)
	}
	return nil
}
