package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
)

// testCtx is a context that ends with the test, or after d.
func testCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// testUsers are the users of the servers startServer starts; connect connects as aida.
var testUsers = Users{
	RoleAida:        {User: "aida", Password: "aida-password-of-at-least-32-chars"},
	RoleCommands:    {User: "commands", Password: "commands-password-of-at-least-32-chars"},
	RoleIntegration: {User: "integration", Password: "integration-password-of-at-least-32"},
}

// startServer starts an embedded server with testUsers on a random port (port 0) or on port.
func startServer(t *testing.T, dir string, port int) *Embedded {
	t.Helper()
	if port == 0 {
		port = RandomPort
	}
	e, err := StartEmbedded(EmbeddedConfig{StoreDir: dir, Port: port, Users: testUsers})
	if err != nil {
		t.Fatalf("start embedded nats: %v", err)
	}
	t.Cleanup(e.Shutdown)
	return e
}

// connect connects a bus as aida (testUsers) with quick reconnects and ack timeouts.
func connect(t *testing.T, url string, opts ...Option) *Bus {
	t.Helper()
	opts = append([]Option{WithCredential(testUsers[RoleAida]), WithReconnectWait(20 * time.Millisecond),
		WithAckTimeout(time.Second)}, opts...)
	b, err := Connect(testCtx(t, 5*time.Second), url, opts...)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

// openStore opens a fresh SQLite store.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(testCtx(t, 10*time.Second), t.TempDir()+"/aida.db")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// quick are relay options for tests: short polls and backoffs.
func quick(more ...RelayOption) []RelayOption {
	return append([]RelayOption{WithPollInterval(10 * time.Millisecond), WithBackoff(10*time.Millisecond, 100*time.Millisecond)}, more...)
}

// runRelay runs r until the returned stop is called (or the test ends); stop waits for Run.
func runRelay(t *testing.T, r *Relay) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var stopped atomic.Bool
	stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// writer appends journal rows for a set of entities with unique event IDs.
type writer struct {
	s        persistence.Store
	base     time.Time
	versions map[string]int64 // "kind/id" → last version
	n        int              // events appended
}

func newWriter(s persistence.Store) *writer {
	return &writer{s: s, base: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), versions: map[string]int64{}}
}

// item is the events to append to one entity.
type item struct {
	kind, id string
	evs      []*aidapb.Event
}

// append appends the items in one batch, filling in event IDs, versions and times.
func (w *writer) append(ctx context.Context, items ...item) error {
	var batch []persistence.Append
	for _, it := range items {
		kind, id, evs := it.kind, it.id, it.evs
		from := w.versions[kind+"/"+id]
		a := persistence.Append{ExpectedVersion: from}
		for i, ev := range evs {
			v := from + int64(i) + 1
			w.n++
			at := w.base.Add(time.Duration(w.n) * time.Millisecond)
			ev.Id = fmt.Sprintf("ev-%s-%s-%d", kind, id, v)
			ev.Version = v
			ev.Time = timestamppb.New(at)
			if ev.Actor == "" {
				ev.Actor = "test"
			}
			data, err := protojson.Marshal(ev)
			if err != nil {
				return err
			}
			a.Events = append(a.Events, persistence.Entry{
				Kind: kind, ID: id, Version: v, EventID: ev.Id, Type: ev.Type,
				Actor: ev.Actor, Time: at, Data: data,
			})
		}
		last := from + int64(len(evs))
		a.Snapshot = persistence.Record{
			Kind: kind, ID: id, Version: last,
			State: fmt.Appendf(nil, `{"id":%q,"version":%d}`, id, last),
			Index: persistence.Index{Score: -1}, CreatedAt: w.base, UpdatedAt: w.base,
		}
		batch = append(batch, a)
	}
	for i, err := range w.s.Append(ctx, batch) {
		if err != nil {
			return fmt.Errorf("append %s/%s: %w", batch[i].Snapshot.Kind, batch[i].Snapshot.ID, err)
		}
		w.versions[batch[i].Snapshot.Kind+"/"+batch[i].Snapshot.ID] = batch[i].Snapshot.Version
	}
	return nil
}

// note is a small event for load tests.
func note(kind string, i int) *aidapb.Event {
	return &aidapb.Event{Type: "crm." + kind + ".note_added", Data: &aidapb.Event_NoteAdded{
		NoteAdded: &aidapb.NoteAdded{Note: &aidapb.Note{Id: fmt.Sprintf("n%d", i), Text: "hello"}},
	}}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, not a wait for an event
	}
}

// drained reports whether the store has no unpublished rows.
func drained(t *testing.T, s persistence.Store) bool {
	t.Helper()
	es, err := s.Unpublished(testCtx(t, 5*time.Second), 1)
	if err != nil {
		t.Fatalf("unpublished: %v", err)
	}
	return len(es) == 0
}

// streamMsg is one message read back from the stream.
type streamMsg struct {
	subject string
	msgID   string
	env     event.Envelope
}

// readStream reads every message of the stream in order through an ordered consumer.
func readStream(t *testing.T, b *Bus) []streamMsg {
	t.Helper()
	ctx := testCtx(t, 10*time.Second)
	st, err := b.JetStream().Stream(ctx, b.Stream().Name)
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatalf("stream info: %v", err)
	}
	want := int(info.State.Msgs)
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatalf("ordered consumer: %v", err)
	}
	var out []streamMsg
	for len(out) < want {
		batch, err := cons.Fetch(want-len(out), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			var env event.Envelope
			if err := json.Unmarshal(m.Data(), &env); err != nil {
				t.Fatalf("message %s is not an envelope: %v\n%s", m.Subject(), err, m.Data())
			}
			out = append(out, streamMsg{subject: m.Subject(), msgID: m.Headers().Get(jetstream.MsgIDHeader), env: env})
		}
		if err := batch.Error(); err != nil {
			t.Fatalf("fetch batch: %v", err)
		}
		if n == 0 && ctx.Err() != nil {
			t.Fatalf("read %d of %d stream messages", len(out), want)
		}
	}
	return out
}

// checkExactlyOnce checks that the stream holds every journal row of w's entities exactly once
// (by Nats-Msg-Id) and, per entity, versions 1…last in order.
func checkExactlyOnce(t *testing.T, w *writer, msgs []streamMsg) {
	t.Helper()
	seen := map[string]int{}
	next := map[string]int64{}
	for _, m := range msgs {
		seen[m.msgID]++
		if m.msgID != m.env.ID {
			t.Errorf("Nats-Msg-Id %q but envelope id %q", m.msgID, m.env.ID)
		}
		want := next[m.env.Subject] + 1
		if m.env.EntityVersion != want {
			t.Errorf("%s: entityversion %d arrived, want %d (out of order or gap)", m.env.Subject, m.env.EntityVersion, want)
		}
		next[m.env.Subject] = m.env.EntityVersion
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s is %d times in the stream", id, n)
		}
	}
	total := 0
	for key, last := range w.versions {
		total += int(last)
		if next[key] != last {
			t.Errorf("%s: stream ends at version %d, journal at %d", key, next[key], last)
		}
	}
	if len(msgs) != total {
		t.Errorf("stream holds %d messages, journal %d rows", len(msgs), total)
	}
}
