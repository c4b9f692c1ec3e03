package bus

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/consumer"
)

// runConsume runs b.Consume until the returned stop is called (or the test ends); stop waits
// for Consume and checks it returned nil.
func runConsume(t *testing.T, b *Bus, cfg consumer.Config, h consumer.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- b.Consume(ctx, cfg, h) }()
	var stopped atomic.Bool
	stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("consume %s: %v", cfg.Durable, err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// recorder keeps the messages a handler saw.
type recorder struct {
	mu   sync.Mutex
	msgs []consumer.Message
}

func (r *recorder) handle(_ context.Context, m consumer.Message) error {
	r.add(m)
	return nil
}

func (r *recorder) add(m consumer.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
}

func (r *recorder) all() []consumer.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

// ids returns the MsgIDs seen, in order.
func (r *recorder) ids() []string {
	var ids []string
	for _, m := range r.all() {
		ids = append(ids, m.MsgID)
	}
	return ids
}

// has reports whether every one of ids was seen.
func (r *recorder) has(ids []string) bool {
	seen := map[string]bool{}
	for _, id := range r.ids() {
		seen[id] = true
	}
	for _, id := range ids {
		if !seen[id] {
			return false
		}
	}
	return true
}

// idRange returns prefix-from … prefix-(to-1).
func idRange(prefix string, from, to int) []string {
	var ids []string
	for i := from; i < to; i++ {
		ids = append(ids, fmt.Sprintf("%s-%d", prefix, i))
	}
	return ids
}

// publish publishes one signal per id on subject, with the id as Nats-Msg-Id and data.
func publish(t *testing.T, b *Bus, subject string, ids ...string) {
	t.Helper()
	ctx := testCtx(t, 10*time.Second)
	for _, id := range ids {
		if err := b.PublishSignal(ctx, subject, id, []byte(id)); err != nil {
			t.Fatalf("publish %s: %v", id, err)
		}
	}
}

// consumerInfo returns the server's view of the durable consumer.
func consumerInfo(t *testing.T, b *Bus, durable string) *jetstream.ConsumerInfo {
	t.Helper()
	cons, err := b.JetStream().Consumer(testCtx(t, 5*time.Second), b.Stream().Name, durable)
	if err != nil {
		t.Fatalf("consumer %s: %v", durable, err)
	}
	return cons.CachedInfo()
}

// consumerGoroutines returns the stacks of the goroutines of Consume and of its pulls.
func consumerGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "runtime/bus.(*consumer)") || strings.Contains(g, "runtime/bus.(*Bus).Consume") ||
			strings.Contains(g, "jetstream.(*pullSubscription)") || strings.Contains(g, "jetstream.(*pullConsumer).Messages") {
			out = append(out, g)
		}
	}
	return out
}

// checkNoLeaks waits until no goroutine of a consumer is left.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := consumerGoroutines()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d consumer goroutines left after Consume returned:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(5 * time.Millisecond) // polling interval
	}
}

// metricValue returns the value of the series name{labels} gathered from reg, or -1.
func metricValue(t *testing.T, reg prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue series
				}
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

// TestConsumeInOrder: with Concurrency 1 the handler sees the filtered messages once each, in
// stream order, with their metadata; other subjects are not delivered.
func TestConsumeInOrder(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	var rec recorder
	runConsume(t, b, consumer.Config{Durable: "in-order", Filters: []string{"crm.inbound.a", "crm.inbound.b"}}, rec.handle)

	var want []string
	for i := range 30 {
		subject := "crm.inbound.a"
		if i%3 == 1 {
			subject = "crm.inbound.b"
		}
		id := fmt.Sprintf("o-%d", i)
		publish(t, b, subject, id)
		want = append(want, id)
		if i%7 == 0 {
			publish(t, b, "crm.inbound.c", fmt.Sprintf("c-%d", i)) // filtered out
		}
	}
	waitFor(t, 10*time.Second, "30 messages handled", func() bool { return rec.len() >= 30 })

	msgs := rec.all()
	if got := rec.ids(); !slices.Equal(got, want) {
		t.Fatalf("handled %v,\nwant %v", got, want)
	}
	var last uint64
	for i, m := range msgs {
		switch {
		case m.StreamSeq <= last:
			t.Errorf("message %d: stream seq %d after %d", i, m.StreamSeq, last)
		case m.Delivered != 1:
			t.Errorf("message %d delivered %d times", i, m.Delivered)
		case string(m.Data) != m.MsgID || m.Headers.Get(jetstream.MsgIDHeader) != m.MsgID:
			t.Errorf("message %d: data %q, header %q, msg id %q", i, m.Data, m.Headers.Get(jetstream.MsgIDHeader), m.MsgID)
		case m.Key != m.Subject || (m.Subject != "crm.inbound.a" && m.Subject != "crm.inbound.b"):
			t.Errorf("message %d: subject %q key %q", i, m.Subject, m.Key)
		case m.Time.IsZero():
			t.Errorf("message %d has no time", i)
		}
		last = m.StreamSeq
	}
}

// TestConsumeRetryAndPoison: a failing handler gets the message again with a growing delivery
// count, a panic counts as a failure, and a poison message is terminated, never redelivered.
func TestConsumeRetryAndPoison(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	reg := prometheus.NewPedanticRegistry()
	var rec recorder
	h := func(_ context.Context, m consumer.Message) error {
		rec.add(m)
		switch {
		case m.MsgID == "flaky" && m.Delivered < 3:
			return errors.New("not yet")
		case m.MsgID == "panicky" && m.Delivered == 1:
			panic("boom")
		case m.MsgID == "poison":
			return fmt.Errorf("decode %s: %w", m.MsgID, consumer.ErrPoison)
		}
		return nil
	}
	runConsume(t, b, consumer.Config{
		Durable: "retry", Filters: []string{"crm.inbound.retry"},
		RetryMin: 10 * time.Millisecond, RetryMax: 20 * time.Millisecond, Registerer: reg,
	}, h)
	publish(t, b, "crm.inbound.retry", "flaky", "poison", "panicky", "ok")

	waitFor(t, 10*time.Second, "flaky, panicky and ok to succeed", func() bool { return rec.len() >= 7 })
	waitFor(t, 10*time.Second, "every message answered", func() bool {
		info := consumerInfo(t, b, "retry")
		return info.NumAckPending == 0 && info.NumPending == 0 && info.NumRedelivered == 0
	})
	deliveries := map[string][]uint64{}
	for _, m := range rec.all() {
		deliveries[m.MsgID] = append(deliveries[m.MsgID], m.Delivered)
	}
	want := map[string][]uint64{"flaky": {1, 2, 3}, "poison": {1}, "panicky": {1, 2}, "ok": {1}}
	for id, w := range want {
		if !slices.Equal(deliveries[id], w) {
			t.Errorf("%s delivered as %v, want %v", id, deliveries[id], w)
		}
	}
	for result, n := range map[string]float64{"ack": 3, "nak": 3, "term": 1} {
		if got := metricValue(t, reg, "aida_bus_consumer_handled_total", "consumer", "retry", "result", result); got != n {
			t.Errorf("handled_total{result=%s} = %v, want %v", result, got, n)
		}
	}
}

// TestRetryDelay: the nak delay doubles with each delivery and stops at its cap.
func TestRetryDelay(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		delivered uint64
		want      time.Duration
	}{{0, 100 * ms}, {1, 100 * ms}, {2, 200 * ms}, {3, 400 * ms}, {4, 800 * ms}, {5, time.Second}, {1 << 40, time.Second}} {
		if got := retryDelay(100*ms, time.Second, tc.delivered); got != tc.want {
			t.Errorf("retryDelay(delivered %d) = %s, want %s", tc.delivered, got, tc.want)
		}
	}
	if got := backoff(time.Hour, 1<<62, 100); got != 1<<62 {
		t.Errorf("backoff near the int64 limit = %d, want the cap", got)
	}
}

// TestConsumeDurableResume: a second Consume with the same durable name handles only what was
// published after the first one acked its messages.
func TestConsumeDurableResume(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	cfg := consumer.Config{Durable: "resume", Filters: []string{"crm.inbound.resume"}}
	first := idRange("d", 0, 10)
	publish(t, b, "crm.inbound.resume", first...)

	var rec1 recorder
	stop1 := runConsume(t, b, cfg, rec1.handle)
	waitFor(t, 10*time.Second, "the first run", func() bool { return rec1.len() >= 10 })
	stop1()
	checkNoLeaks(t)
	// Each ack is published (not waited for) before its handler returns; the server counts it a
	// moment later.
	waitFor(t, 5*time.Second, "the first run's acks", func() bool {
		info := consumerInfo(t, b, "resume")
		return info.NumAckPending == 0 && info.NumPending == 0
	})

	second := idRange("d", 10, 20)
	publish(t, b, "crm.inbound.resume", second...)
	var rec2 recorder
	stop2 := runConsume(t, b, cfg, rec2.handle)
	waitFor(t, 10*time.Second, "the second run", func() bool { return rec2.len() >= 10 })
	stop2()
	checkNoLeaks(t)
	if got := rec1.ids(); !slices.Equal(got, first) {
		t.Errorf("first run handled %v", got)
	}
	if got := rec2.ids(); !slices.Equal(got, second) {
		t.Errorf("second run handled %v, want %v", got, second)
	}
}

// TestConsumeDeliverNew: a new consumer with DeliverNew skips the stored messages; a later
// Consume without DeliverNew keeps the policy (the server refuses to change it) and resumes
// with the message published while no Consume ran.
func TestConsumeDeliverNew(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	publish(t, b, "crm.inbound.dn", idRange("x", 0, 5)...)

	cfg := consumer.Config{Durable: "fresh", Filters: []string{"crm.inbound.dn"}, DeliverNew: true}
	var rec1 recorder
	stop1 := runConsume(t, b, cfg, rec1.handle)
	waitFor(t, 10*time.Second, "the consumer to exist", func() bool {
		_, err := b.JetStream().Consumer(testCtx(t, 5*time.Second), b.Stream().Name, "fresh")
		return err == nil
	})
	publish(t, b, "crm.inbound.dn", idRange("x", 5, 10)...)
	waitFor(t, 10*time.Second, "new messages", func() bool { return rec1.len() >= 5 })
	stop1()
	if got, want := rec1.ids(), idRange("x", 5, 10); !slices.Equal(got, want) {
		t.Errorf("handled %v, want %v", got, want)
	}

	// Published right after the stop: it must not go to the first run's pull (it would come
	// back only after AckWait, 30 s).
	publish(t, b, "crm.inbound.dn", "x-10")
	cfg.DeliverNew = false
	var rec2 recorder
	runConsume(t, b, cfg, rec2.handle)
	waitFor(t, 10*time.Second, "the message after the restart", func() bool { return rec2.len() >= 1 })
	if got := rec2.ids(); !slices.Equal(got, []string{"x-10"}) {
		t.Errorf("second run handled %v, want [x-10]", got)
	}
	if p := consumerInfo(t, b, "fresh").Config.DeliverPolicy; p != jetstream.DeliverNewPolicy {
		t.Errorf("deliver policy changed to %v", p)
	}
}

// TestConsumeServerRestart: the server stops and restarts (same store and port) while a
// handler is busy; every message published before and after is handled at least once, and
// nothing of the consumer is left running after Consume returns.
func TestConsumeServerRestart(t *testing.T) {
	dir := t.TempDir()
	e := startServer(t, dir, 0)
	cfg := e.Config()
	b := connect(t, e.ClientURL())

	var rec recorder
	blocked, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h := func(ctx context.Context, m consumer.Message) error {
		rec.add(m)
		if m.MsgID == "r-20" {
			once.Do(func() { close(blocked) })
			select {
			case <-resume:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	stop := runConsume(t, b, consumer.Config{Durable: "restart", Filters: []string{"crm.inbound.restart"}, AckWait: 2 * time.Second}, h)
	before, after := idRange("r", 0, 60), idRange("r", 60, 120)
	publish(t, b, "crm.inbound.restart", before...)
	select {
	case <-blocked:
	case <-testCtx(t, 10*time.Second).Done():
		t.Fatalf("handler never reached r-20")
	}

	e.Shutdown()
	e2, err := StartEmbedded(cfg)
	if err != nil {
		t.Fatalf("restart embedded nats: %v", err)
	}
	t.Cleanup(e2.Shutdown)
	close(resume)
	publish(t, b, "crm.inbound.restart", after...)
	all := append(slices.Clone(before), after...)
	waitFor(t, 20*time.Second, "every message handled", func() bool { return rec.has(all) })
	stop()
	checkNoLeaks(t)
	t.Logf("%d deliveries of %d messages", rec.len(), len(all))
}

// TestConsumeWaitsForServer: Consume started while NATS is down creates its consumer once the
// server is back.
func TestConsumeWaitsForServer(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	cfg := e.Config()
	b := connect(t, e.ClientURL())
	e.Shutdown()
	waitFor(t, 5*time.Second, "the client to see the server gone", func() bool { return !b.Conn().IsConnected() })

	var rec recorder
	runConsume(t, b, consumer.Config{Durable: "late", Filters: []string{"crm.inbound.late"}}, rec.handle)
	e2, err := StartEmbedded(cfg)
	if err != nil {
		t.Fatalf("restart embedded nats: %v", err)
	}
	t.Cleanup(e2.Shutdown)
	ids := idRange("w", 0, 5)
	publish(t, b, "crm.inbound.late", ids...)
	waitFor(t, 20*time.Second, "messages handled", func() bool { return rec.has(ids) })
}

// TestConsumeKeysNeverOverlap: with Concurrency 4, messages of different keys run at once, but
// never two of the same key, and each key's messages run in stream order.
func TestConsumeKeysNeverOverlap(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	const keys, total = 8, 200
	workers := map[int]bool{}
	perKey := map[string]*atomic.Int32{}
	for k := range keys {
		subject := fmt.Sprintf("crm.inbound.key.k%d", k)
		perKey[subject] = new(atomic.Int32)
		workers[route(subject, 4)] = true
	}
	if len(workers) < 2 {
		t.Fatalf("the keys route to %d worker(s); the test needs at least 2", len(workers))
	}

	var (
		inflight, overlaps atomic.Int32
		together           = make(chan struct{})
		once               sync.Once
		mu                 sync.Mutex
		lastSeq            = map[string]uint64{}
		outOfOrder         []string
		rec                recorder
	)
	h := func(ctx context.Context, m consumer.Message) error {
		if perKey[m.Key].Add(1) > 1 {
			overlaps.Add(1)
		}
		defer perKey[m.Key].Add(-1)
		if inflight.Add(1) >= 2 {
			once.Do(func() { close(together) })
		}
		defer inflight.Add(-1)
		select { // the first handlers wait until two run at once
		case <-together:
		case <-ctx.Done():
			return ctx.Err()
		}
		for range 50 {
			runtime.Gosched() // work, so that an overlap would show
		}
		mu.Lock()
		if m.StreamSeq <= lastSeq[m.Key] {
			outOfOrder = append(outOfOrder, fmt.Sprintf("%s: seq %d after %d", m.Key, m.StreamSeq, lastSeq[m.Key]))
		}
		lastSeq[m.Key] = m.StreamSeq
		mu.Unlock()
		rec.add(m)
		return nil
	}
	runConsume(t, b, consumer.Config{Durable: "keys", Filters: []string{"crm.inbound.key.>"}, Concurrency: 4}, h)
	var all []string
	for i := range total {
		id := fmt.Sprintf("k-%d", i)
		publish(t, b, fmt.Sprintf("crm.inbound.key.k%d", i%keys), id)
		all = append(all, id)
	}
	waitFor(t, 20*time.Second, "every message handled", func() bool { return rec.has(all) })
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d times a message ran while another of its key ran", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(outOfOrder) > 0 {
		t.Errorf("out of order within a key: %v", outOfOrder)
	}
}

// TestConsumePendingGauge: the pending gauge counts undelivered and unacked messages and falls
// to 0 once they are handled; a second Consume on the same registry reuses the series.
func TestConsumePendingGauge(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	reg := prometheus.NewPedanticRegistry()
	cfg := consumer.Config{Durable: "gauge", Filters: []string{"crm.inbound.gauge"}, InfoInterval: 20 * time.Millisecond, Registerer: reg}
	pending := func() float64 { return metricValue(t, reg, "aida_bus_consumer_pending", "consumer", "gauge") }
	acked := func() float64 {
		return metricValue(t, reg, "aida_bus_consumer_handled_total", "consumer", "gauge", "result", "ack")
	}

	release := make(chan struct{})
	h := func(ctx context.Context, _ consumer.Message) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	stop := runConsume(t, b, cfg, h)
	publish(t, b, "crm.inbound.gauge", idRange("g", 0, 20)...)
	waitFor(t, 10*time.Second, "pending 20 while the handler is stuck", func() bool { return pending() == 20 })
	close(release)
	waitFor(t, 10*time.Second, "pending 0 after draining", func() bool { return pending() == 0 })
	if got := acked(); got != 20 {
		t.Errorf("handled_total{result=ack} = %v, want 20", got)
	}
	stop()

	runConsume(t, b, cfg, func(context.Context, consumer.Message) error { return nil })
	publish(t, b, "crm.inbound.gauge", "g-20")
	waitFor(t, 10*time.Second, "the second run's ack counted", func() bool { return acked() == 21 })
}

// TestConsumeBadConfig: a config without durable name or filters, or no handler, fails at once.
func TestConsumeBadConfig(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	ok := func(context.Context, consumer.Message) error { return nil }
	for _, tc := range []struct {
		name string
		cfg  consumer.Config
		h    consumer.Handler
	}{
		{"no durable", consumer.Config{Filters: []string{"crm.>"}}, ok},
		{"dotted durable", consumer.Config{Durable: "a.b", Filters: []string{"crm.>"}}, ok},
		{"no filters", consumer.Config{Durable: "a"}, ok},
		{"empty filter", consumer.Config{Durable: "a", Filters: []string{""}}, ok},
		{"no handler", consumer.Config{Durable: "a", Filters: []string{"crm.>"}}, nil},
	} {
		if err := b.Consume(testCtx(t, 5*time.Second), tc.cfg, tc.h); !errors.Is(err, ErrBadConsumerConfig) {
			t.Errorf("%s: %v, want ErrBadConsumerConfig", tc.name, err)
		}
	}
}

// TestPublishSignal: only literal subjects under crm.inbound. are accepted, and a repeated
// message ID is stored once.
func TestPublishSignal(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	ctx := testCtx(t, 10*time.Second)
	for _, s := range []string{"", "crm.lead.captured", "crm.inbound", "crm.inbound.", "crm.inbound.a..b",
		"crm.inbound.a.", "crm.inbound.*", "crm.inbound.>", "crm.inbound.a b", "aida.state.lead.x"} {
		if err := b.PublishSignal(ctx, s, "id", nil); !errors.Is(err, ErrBadSubject) {
			t.Errorf("subject %q: %v, want ErrBadSubject", s, err)
		}
	}
	for _, id := range []string{"sig-1", "sig-1", "", ""} {
		if err := b.PublishSignal(ctx, "crm.inbound.email.reply", id, []byte(`{}`)); err != nil {
			t.Fatalf("publish %q: %v", id, err)
		}
	}
	st, err := b.JetStream().Stream(ctx, b.Stream().Name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 3 {
		t.Errorf("stream holds %d messages, want 3 (one per ID, each without ID)", info.State.Msgs)
	}
}

// TestConsumeRecreatesDeletedConsumer: when the consumer is deleted under a running Consume,
// Consume creates it again and goes on (from the start of the stream: at least once).
func TestConsumeRecreatesDeletedConsumer(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	var rec recorder
	runConsume(t, b, consumer.Config{Durable: "deleted", Filters: []string{"crm.inbound.del"}}, rec.handle)
	first := idRange("del", 0, 5)
	publish(t, b, "crm.inbound.del", first...)
	waitFor(t, 10*time.Second, "the first messages", func() bool { return rec.has(first) })
	if err := b.JetStream().DeleteConsumer(testCtx(t, 5*time.Second), b.Stream().Name, "deleted"); err != nil {
		t.Fatalf("delete consumer: %v", err)
	}
	second := idRange("del", 5, 10)
	publish(t, b, "crm.inbound.del", second...)
	waitFor(t, 10*time.Second, "the messages after the delete", func() bool { return rec.has(second) })
	consumerInfo(t, b, "deleted") // exists again
}

// TestConsumeClosedBus: Consume returns when the bus is closed under it, instead of retrying
// forever, and its handlers and pulls are gone.
func TestConsumeClosedBus(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	var rec recorder
	done := make(chan error, 1)
	go func() {
		done <- b.Consume(testCtx(t, 20*time.Second), consumer.Config{Durable: "closed", Filters: []string{"crm.inbound.closed"}}, rec.handle)
	}()
	publish(t, b, "crm.inbound.closed", "c-0")
	waitFor(t, 10*time.Second, "a message handled", func() bool { return rec.len() == 1 })
	b.Close()
	select {
	case err := <-done:
		if !errors.Is(err, nats.ErrConnectionClosed) {
			t.Errorf("Consume returned %v, want nats.ErrConnectionClosed", err)
		}
	case <-testCtx(t, 10*time.Second).Done():
		t.Fatalf("Consume still runs on a closed bus")
	}
	checkNoLeaks(t)
}
