package stream

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// memWire records what a client's writer writes.
type memWire struct {
	mu     sync.Mutex
	frames []string
	closed []int
}

var _ wire = (*memWire)(nil)

func (w *memWire) write(parts ...[]byte) error {
	var b strings.Builder
	for _, p := range parts {
		b.Write(p)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.frames = append(w.frames, b.String())
	return nil
}

func (w *memWire) ping() error { return nil }

func (w *memWire) close(code int, _ string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = append(w.closed, code)
	return nil
}

func (w *memWire) setReadDeadline(time.Time) {}
func (w *memWire) abort()                    {}

// subscribeNow subscribes c without a snapshot.
func subscribeNow(t testing.TB, h *Hub, c *client, m clientMessage) *subscription {
	t.Helper()
	s := newSubscription(c, m)
	if err := h.register(s); err != nil {
		t.Fatal(err)
	}
	c.ready(s, nil)
	return s
}

// drain takes what c's queue holds, as the writer would.
func drain(c *client) []item {
	var out []item
	for {
		it, ok, _ := c.next()
		if !ok {
			return out
		}
		out = append(out, it)
	}
}

func publishNow(h *Hub, u Update) {
	h.dispatch([]*envelope{{u: u, key: u.Kind + "/" + u.ID, at: noon}})
}

// TestQueueCoalesces: only the newest view of an entity waits, in the place of the first; an
// older version is dropped.
func TestQueueCoalesces(t *testing.T) {
	h := NewHub(WithQueue(4))
	c, err := h.attach(&memWire{}, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := subscribeNow(t, h, c, clientMessage{Sub: "s", Kinds: []string{"lead"}})
	for v := range int64(100) {
		publishNow(h, leadUpdate("a", v+1, "new"))
		publishNow(h, leadUpdate("b", v+1, "new"))
	}
	publishNow(h, leadUpdate("a", 50, "new")) // older than the hub has: stale
	c.offer([]offer{{s, &encoded{ent: h.latest["lead/b"], key: "lead/b", version: 7, change: []byte(`,"id":"b"}`)}}})
	got := drain(c)
	if len(got) != 3 || got[0].frameType != frameHello ||
		got[1].enc.key != "lead/a" || got[1].enc.version != 100 || got[2].enc.key != "lead/b" || got[2].enc.version != 100 {
		t.Fatalf("queue %+v", got)
	}
	if c.isClosing() || droppedUpdates(h, updateStale) != 1 {
		t.Fatalf("closing %v, stale %v", c.isClosing(), droppedUpdates(h, updateStale))
	}
}

// TestQueueOverflow: entries are not coalesced; a queue full of them closes the client with
// 4000 and drops what it held.
func TestQueueOverflow(t *testing.T) {
	h := NewHub(WithQueue(4))
	w := &memWire{}
	c, err := h.attach(w, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	subscribeNow(t, h, c, clientMessage{Sub: "s", IDs: []string{"lead/a"}, Activity: true})
	entry := json.RawMessage(`{"summary":"x"}`)
	publishNow(h, leadUpdate("a", 1, "new", entry, entry)) // hello, change, 2 entries: full
	if c.isClosing() {
		t.Fatal("closed with a full queue")
	}
	publishNow(h, leadUpdate("a", 2, "new", entry)) // the change coalesces, the entry overflows
	if !c.isClosing() || droppedClients(h, dropTooSlow) != 1 {
		t.Fatalf("closing %v dropped %v", c.isClosing(), droppedClients(h, dropTooSlow))
	}
	if it, ok, done := c.next(); ok || !done {
		t.Fatalf("next after overflow: %+v %v %v", it, ok, done)
	}
	c.writeLoop()
	if len(w.frames) != 0 || len(w.closed) != 1 || w.closed[0] != CloseTooSlow {
		t.Fatalf("frames %v close %v", w.frames, w.closed)
	}
}

// TestWriteLoopFrames: the writer assembles change and activity frames from the subscription
// name and the update's tail.
func TestWriteLoopFrames(t *testing.T) {
	h := NewHub(WithClock(fixedClock))
	w := &memWire{}
	c, err := h.attach(w, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	subscribeNow(t, h, c, clientMessage{Sub: `s"1`, Kinds: []string{"lead"}, Activity: true})
	publishNow(h, leadUpdate("a", 3, "new", json.RawMessage(`{"summary":"hi"}`)))
	c.close(closeGoingAway, "bye", true)
	c.writeLoop()
	want := []string{
		`{"type":"hello","server_time":"2025-03-04T12:00:00Z","heartbeat_ms":15000,"limits":{"subscriptions":16,"ids":100,"message_bytes":16384,"queue":256}}`,
		`{"type":"change","sub":"s\"1","kind":"lead","id":"a","version":3,"view":{"id":"a","status":"new","owner":"user:7","version":3}}`,
		`{"type":"activity","sub":"s\"1","kind":"lead","id":"a","entry":{"summary":"hi"}}`,
	}
	if strings.Join(w.frames, "\n") != strings.Join(want, "\n") || len(w.closed) != 1 || w.closed[0] != closeGoingAway {
		t.Fatalf("frames\n%s\nclose %v", strings.Join(w.frames, "\n"), w.closed)
	}
	for _, f := range w.frames {
		if !json.Valid([]byte(f)) {
			t.Errorf("not JSON: %s", f)
		}
	}
}

// TestPublishNeverBlocks: with the dispatcher not running, Publish merges updates of an entity
// that wait and drops what does not fit.
func TestPublishNeverBlocks(t *testing.T) {
	h := NewHub(WithInput(2))
	e1, e2 := json.RawMessage(`{"n":1}`), json.RawMessage(`{"n":2}`)
	h.Publish(leadUpdate("a", 1, "new", e1))
	h.Publish(leadUpdate("a", 2, "contacted", e2))
	h.Publish(leadUpdate("a", 2, "qualified")) // not newer than the waiting one
	h.Publish(leadUpdate("b", 1, "new"))
	h.Publish(leadUpdate("c", 1, "new"))         // a third entity: full
	h.Publish(leadUpdate("b", 2, "new", e1, e2)) // merged, but its entries do not fit
	if got := droppedUpdates(h, updateQueueFull); got != 1 {
		t.Errorf("dropped %v, want 1", got)
	}
	if got := droppedUpdates(h, updateStale); got != 1 {
		t.Errorf("stale %v, want 1", got)
	}
	if got := testutilValue(h.metrics.coalesced); got != 2 {
		t.Errorf("coalesced %v, want 2", got)
	}
	if got := testutilValue(h.metrics.entriesDropped); got != 2 {
		t.Errorf("entries dropped %v, want 2", got)
	}
	batch := h.in.take(nil)
	if len(batch) != 2 || batch[0].key != "lead/a" || batch[0].u.Version != 2 || batch[0].u.Status != "contacted" ||
		len(batch[0].u.Entries) != 2 || batch[1].key != "lead/b" || batch[1].u.Version != 2 || len(batch[1].u.Entries) != 0 {
		t.Fatalf("batch %+v %+v", batch[0], batch[1])
	}
	h.Publish(Update{Kind: "lead", ID: "d", Version: 1, View: json.RawMessage(`{`)})
	h.dispatch(h.in.take(nil))
	if got := droppedUpdates(h, updateInvalid); got != 1 {
		t.Fatalf("invalid %v, want 1", got)
	}
}
