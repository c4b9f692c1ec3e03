package bus

import (
	"context"
	"errors"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/runtime/consumer"
)

// TestPingRecreatesDeletedStream: with the events stream deleted, Ping reports it (not ready)
// and creates it again; the next Ping is ready.
func TestPingRecreatesDeletedStream(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	ctx := testCtx(t, 10*time.Second)
	if err := b.Ping(ctx); err != nil {
		t.Fatalf("ping before: %v", err)
	}
	if err := b.JetStream().DeleteStream(ctx, b.Stream().Name); err != nil {
		t.Fatal(err)
	}
	if err := b.Ping(ctx); !errors.Is(err, ErrStreamRecreated) {
		t.Fatalf("ping after the delete: %v, want ErrStreamRecreated", err)
	}
	if _, err := b.JetStream().Stream(ctx, b.Stream().Name); err != nil {
		t.Fatalf("the stream is not back: %v", err)
	}
	if err := b.Ping(ctx); err != nil {
		t.Fatalf("ping once recreated: %v", err)
	}
}

// TestGuardRecreatesDeletedStream: the guard brings a deleted stream back by itself, and
// returns nil when its context ends.
func TestGuardRecreatesDeletedStream(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Guard(ctx, 20*time.Millisecond) }()
	if err := b.JetStream().DeleteStream(testCtx(t, 5*time.Second), b.Stream().Name); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the stream created again", func() bool {
		_, err := b.JetStream().Stream(testCtx(t, time.Second), b.Stream().Name)
		return err == nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Guard returned %v", err)
	}
}

// TestPingReportsMissingConsumer: while a durable consumer of this process is missing, Ping
// reports it by name; once it is back, Ping is ready.
func TestPingReportsMissingConsumer(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	ctx := testCtx(t, 10*time.Second)
	b.consumerGone("agent-nurture", true)
	if err := b.Ping(ctx); !errors.Is(err, ErrConsumerMissing) || !strings.Contains(err.Error(), "agent-nurture") {
		t.Fatalf("ping with a consumer gone: %v, want ErrConsumerMissing naming it", err)
	}
	b.consumerGone("agent-nurture", false)
	if err := b.Ping(ctx); err != nil {
		t.Fatalf("ping once it is back: %v", err)
	}
}

// TestConsumeReportsDeletedStreamUntilBack: a running Consume whose stream is deleted marks its
// consumer missing; once the stream is created again (by Ping) the consumer is created again
// and Ping is ready.
func TestConsumeReportsDeletedStreamUntilBack(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	var rec recorder
	runConsume(t, b, consumer.Config{Durable: "heal", Filters: []string{"crm.inbound.heal"}}, rec.handle)
	waitFor(t, 10*time.Second, "the consumer created", func() bool {
		_, err := b.JetStream().Consumer(testCtx(t, time.Second), b.Stream().Name, "heal")
		return err == nil
	})
	if err := b.JetStream().DeleteStream(testCtx(t, 5*time.Second), b.Stream().Name); err != nil {
		t.Fatal(err)
	}
	// The consumer notices the loss (the server's notice, or missed heartbeats) and reports it
	// missing until it is back: counted once, however briefly the state lasts.
	waitFor(t, 60*time.Second, "the consumer found missing", func() bool { return testutil.ToFloat64(b.metrics.consumerMissing) == 1 })
	waitFor(t, 30*time.Second, "ready again", func() bool { return b.Ping(testCtx(t, 5*time.Second)) == nil })
	publish(t, b, "crm.inbound.heal", "h-0")
	waitFor(t, 10*time.Second, "a message after the heal", func() bool { return rec.has([]string{"h-0"}) })
}

// TestStreamLimits: the stream is created with its size limits, and JetStream refuses a message
// larger than the largest it takes.
func TestStreamLimits(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL(), WithStream(StreamConfig{MaxBytes: 8 << 20, MaxMsgSize: 2048}))
	ctx := testCtx(t, 10*time.Second)
	st, err := b.JetStream().Stream(ctx, b.Stream().Name)
	if err != nil {
		t.Fatal(err)
	}
	if c := st.CachedInfo().Config; c.MaxBytes != 8<<20 || c.MaxMsgSize != 2048 {
		t.Fatalf("stream limits %d bytes, %d per message; want %d and 2048", c.MaxBytes, c.MaxMsgSize, 8<<20)
	}
	if _, err := b.JetStream().Publish(ctx, "crm.inbound.email.replied", make([]byte, 4096)); err == nil {
		t.Fatal("a 4 KiB message was stored in a stream that takes 2 KiB at most")
	}
	if _, err := b.JetStream().Publish(ctx, "crm.inbound.email.replied", make([]byte, 512)); err != nil {
		t.Fatalf("a 512-byte message: %v", err)
	}
}

// TestStreamLimitBeyondStore: a stream limit larger than the server's store is refused at
// connect, with what to change.
func TestStreamLimitBeyondStore(t *testing.T) {
	e, err := StartEmbedded(EmbeddedConfig{StoreDir: t.TempDir(), Port: RandomPort, MaxStore: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	_, err = Connect(testCtx(t, 10*time.Second), e.ClientURL(), WithStream(StreamConfig{MaxBytes: 1 << 30}))
	if err == nil || !strings.Contains(err.Error(), "AIDA_EVENTS_MAX_BYTES") {
		t.Fatalf("connect with a 1 GiB stream on a 64 MiB store: %v, want an error naming AIDA_EVENTS_MAX_BYTES", err)
	}
}
