package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/persistence"
)

// TestRelayEveryEventType appends one event of every type and reads them back from a
// JetStream consumer on crm.>: subject, envelope fields and payload.
func TestRelayEveryEventType(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	s := openStore(t)
	w := newWriter(s)
	ctx := testCtx(t, 20*time.Second)

	cons, err := b.JetStream().CreateOrUpdateConsumer(ctx, DefaultStreamName, jetstream.ConsumerConfig{
		Durable: "test-all", FilterSubject: "crm.>", AckPolicy: jetstream.AckExplicitPolicy,
	})
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	samples := samples()
	for _, smp := range samples {
		if err := w.append(ctx, item{smp.kind, smp.id, []*aidapb.Event{smp.ev}}); err != nil {
			t.Fatal(err)
		}
	}
	reg := prometheus.NewPedanticRegistry()
	r := NewRelay(s, b, quick(WithRelayRegisterer(reg))...)
	runRelay(t, r)
	r.Kick()

	var got []jetstream.Msg
	for len(got) < len(samples) {
		batch, err := cons.Fetch(len(samples)-len(got), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		for m := range batch.Messages() {
			got = append(got, m)
			_ = m.Ack()
		}
		if ctx.Err() != nil {
			t.Fatalf("got %d of %d events", len(got), len(samples))
		}
	}
	for i, m := range got {
		smp := samples[i]
		var env event.Envelope
		if err := json.Unmarshal(m.Data(), &env); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		m2 := smp.ev.ProtoReflect()
		payload := m2.Get(m2.WhichOneof(m2.Descriptor().Oneofs().ByName("data"))).Message().Interface()
		wantData, _ := protojson.MarshalOptions{UseProtoNames: true}.Marshal(payload)
		switch {
		case m.Subject() != smp.ev.Type:
			t.Errorf("event %d on subject %s, want %s", i, m.Subject(), smp.ev.Type)
		case m.Headers().Get(jetstream.MsgIDHeader) != smp.ev.Id || env.ID != smp.ev.Id:
			t.Errorf("event %d: msg id %q, envelope id %q, want %q", i, m.Headers().Get(jetstream.MsgIDHeader), env.ID, smp.ev.Id)
		case env.SpecVersion != "1.0" || env.Source != "aida" || env.DataContentType != "application/json":
			t.Errorf("event %d: attributes %+v", i, env)
		case env.Type != smp.ev.Type || env.Subject != smp.kind+"/"+smp.id || env.Actor != smp.ev.Actor:
			t.Errorf("event %d: type %q subject %q actor %q", i, env.Type, env.Subject, env.Actor)
		case env.EntityVersion != smp.ev.Version || !env.Time.Equal(smp.ev.Time.AsTime()):
			t.Errorf("event %d: entityversion %d time %s, want %d %s", i, env.EntityVersion, env.Time, smp.ev.Version, smp.ev.Time.AsTime())
		case !jsonSame(env.Data, wantData):
			t.Errorf("event %d (%s): data %s, want %s", i, smp.ev.Type, env.Data, wantData)
		}
	}
	waitFor(t, 5*time.Second, "rows marked published", func() bool { return drained(t, s) })
	if n := testutil.ToFloat64(r.metrics.published); n != float64(len(samples)) {
		t.Errorf("aida_relay_published_total = %v, want %d", n, len(samples))
	}
	if n, err := testutil.GatherAndCount(reg, "aida_relay_published_total", "aida_relay_lag_events",
		"aida_relay_lag_seconds", "aida_relay_errors_total"); err != nil || n != 8 {
		t.Errorf("registered metric series: %d, %v; want 8 (3 + 5 error stages)", n, err)
	}
}

func jsonSame(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// appendLoop appends notes to entities round robin until stop closes; it reports each append
// on progress (non-blocking) and returns the writer when done.
func appendLoop(t *testing.T, s persistence.Store, entities int, stop <-chan struct{}, count *atomic.Int64) (*writer, <-chan error) {
	w := newWriter(s)
	done := make(chan error, 1)
	go func() {
		ctx := context.Background()
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			// two entities per batch, the second with two events: batches, and multi-event appends
			a := i % entities
			c := (i + entities/2) % entities
			items := []item{
				{"lead", fmt.Sprintf("l%d", a), []*aidapb.Event{note("lead", i)}},
				{"deal", fmt.Sprintf("d%d", c), []*aidapb.Event{note("deal", i), note("deal", i)}},
			}
			if err := w.append(ctx, items...); err != nil {
				done <- err
				return
			}
			count.Add(3)
		}
	}()
	return w, done
}

// TestRelayOutage stops the NATS server while appends and the relay run, restarts it on the
// same store dir and port, and checks every row reaches the stream once, in entity order.
func TestRelayOutage(t *testing.T) {
	dir := t.TempDir()
	e := startServer(t, dir, 0)
	cfg := e.Config()
	b := connect(t, e.ClientURL())
	s := openStore(t)
	r := NewRelay(s, b, quick()...)
	runRelay(t, r)

	var appended atomic.Int64
	stop := make(chan struct{})
	w, done := appendLoop(t, s, 10, stop, &appended)
	stopWriter := func() {
		close(stop)
		if err := <-done; err != nil {
			t.Fatalf("writer: %v", err)
		}
	}
	published := func() int64 { return int64(testutil.ToFloat64(r.metrics.published)) }

	waitFor(t, 10*time.Second, "some rows published before the outage", func() bool { return published() >= 300 })
	e.Shutdown()
	atOutage := appended.Load()
	waitFor(t, 10*time.Second, "rows appended during the outage", func() bool { return appended.Load() >= atOutage+600 })
	if b.Ping(testCtx(t, time.Second)) == nil {
		t.Fatalf("ping succeeded while the server is down")
	}
	pubDown, atRestart := published(), appended.Load()
	e2, err := StartEmbedded(cfg)
	if err != nil {
		stopWriter()
		t.Fatalf("restart embedded nats: %v", err)
	}
	t.Cleanup(e2.Shutdown)
	waitFor(t, 10*time.Second, "rows published after the restart", func() bool { return published() >= pubDown+300 })
	stopWriter()
	waitFor(t, 20*time.Second, "the relay to drain", func() bool { return drained(t, s) })
	if err := b.Ping(testCtx(t, 5*time.Second)); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
	if n := testutil.ToFloat64(r.metrics.errors.WithLabelValues(stagePublish)) +
		testutil.ToFloat64(r.metrics.errors.WithLabelValues(stageAck)); n == 0 {
		t.Errorf("no publish or ack errors counted across an outage")
	}
	msgs := readStream(t, b)
	checkExactlyOnce(t, w, msgs)
	t.Logf("%d events, %d relayed before the outage, %d appended during it", len(msgs), pubDown, atRestart-atOutage)
}

// TestRelayRestart stops a relay mid-way and starts another on the same store.
func TestRelayRestart(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	s := openStore(t)

	var appended atomic.Int64
	stop := make(chan struct{})
	w, done := appendLoop(t, s, 7, stop, &appended)

	r1 := NewRelay(s, b, quick(WithBatchSize(50))...)
	stop1 := runRelay(t, r1)
	waitFor(t, 10*time.Second, "the first relay to publish", func() bool { return testutil.ToFloat64(r1.metrics.published) >= 200 })
	stop1()
	r2 := NewRelay(s, b, quick(WithBatchSize(50))...)
	runRelay(t, r2)
	waitFor(t, 10*time.Second, "the second relay to publish", func() bool { return testutil.ToFloat64(r2.metrics.published) >= 200 })
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	waitFor(t, 20*time.Second, "the relay to drain", func() bool { return drained(t, s) })
	checkExactlyOnce(t, w, readStream(t, b))
}

// flakyStore is an outbox whose Unpublished and MarkPublished fail while their flags are set.
type flakyStore struct {
	Outbox
	readDown atomic.Bool
	markDown atomic.Bool
}

var errDown = errors.New("store down (test)")

func (f *flakyStore) Unpublished(ctx context.Context, limit int) ([]persistence.Entry, error) {
	if f.readDown.Load() {
		return nil, persistence.Unavailable(errDown)
	}
	return f.Outbox.Unpublished(ctx, limit)
}

func (f *flakyStore) MarkPublished(ctx context.Context, ids []string) error {
	if f.markDown.Load() {
		return persistence.Unavailable(errDown)
	}
	return f.Outbox.MarkPublished(ctx, ids)
}

// TestRelayStoreDown: reads fail, then marks fail after JetStream stored the rows (a crash
// between ack and mark); the relay retries, re-sends, and the stream still holds each row once.
func TestRelayStoreDown(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	real := openStore(t)
	s := &flakyStore{Outbox: real}
	w := newWriter(real)
	ctx := testCtx(t, 20*time.Second)
	for i := range 40 {
		if err := w.append(ctx, item{"lead", fmt.Sprintf("l%d", i%4), []*aidapb.Event{note("lead", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	s.readDown.Store(true)
	s.markDown.Store(true)
	r := NewRelay(s, b, quick(WithBatchSize(16))...)
	runRelay(t, r)
	errs := func(stage string) float64 { return testutil.ToFloat64(r.metrics.errors.WithLabelValues(stage)) }
	waitFor(t, 5*time.Second, "read errors", func() bool { return errs(stageRead) >= 2 })
	s.readDown.Store(false)
	waitFor(t, 5*time.Second, "mark errors", func() bool { return errs(stageMark) >= 2 })
	if drained(t, real) {
		t.Fatalf("rows marked published while marking fails")
	}
	s.markDown.Store(false)
	waitFor(t, 10*time.Second, "the relay to drain", func() bool { return drained(t, real) })
	checkExactlyOnce(t, w, readStream(t, b))
	if got := testutil.ToFloat64(r.metrics.published); got != 40 {
		t.Errorf("published_total %v, want 40", got)
	}
	waitFor(t, 5*time.Second, "lag gauges back to 0", func() bool {
		return testutil.ToFloat64(r.metrics.lagEvents) == 0 && testutil.ToFloat64(r.metrics.lagSeconds) == 0
	})
}

// TestRelayBadDataPublishedRaw: a row whose data is no event is published raw, not skipped.
func TestRelayBadDataPublishedRaw(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	s := openStore(t)
	ctx := testCtx(t, 20*time.Second)
	errs := s.Append(ctx, []persistence.Append{{
		Events: []persistence.Entry{{Kind: "lead", ID: "x", Version: 1, EventID: "bad-1", Type: "crm.lead.captured",
			Time: time.Unix(1, 0), Data: []byte(`{"leadCaptured":"not a message"}`)}},
		Snapshot: persistence.Record{Kind: "lead", ID: "x", Version: 1, State: []byte(`{}`), Index: persistence.Index{Score: -1}},
	}})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	r := NewRelay(s, b, quick()...)
	runRelay(t, r)
	waitFor(t, 10*time.Second, "the relay to drain", func() bool { return drained(t, s) })
	msgs := readStream(t, b)
	if len(msgs) != 1 || string(msgs[0].env.Data) != `{"leadCaptured":"not a message"}` || msgs[0].msgID != "bad-1" {
		t.Fatalf("stream holds %+v", msgs)
	}
	if testutil.ToFloat64(r.metrics.errors.WithLabelValues(stageEncode)) < 1 {
		t.Errorf("encode error not counted")
	}
}

// TestRelayBackoff checks the pause doubles and stops at its cap.
func TestRelayBackoff(t *testing.T) {
	r := &Relay{cfg: defaultRelayConfig()}
	WithBackoff(100*time.Millisecond, time.Second)(&r.cfg)
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := r.backoff(i + 1); got != w*time.Millisecond && !(w == 1000 && got == time.Second) {
			t.Errorf("backoff(%d) = %s, want %dms", i+1, got, w)
		}
	}
}
