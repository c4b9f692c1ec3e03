package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// waitFor is how long a test waits for something that should happen at once.
const waitFor = 10 * time.Second

// noon is the tests' fixed clock.
var noon = time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return noon }

// runHub runs a hub until the test ends; stop cancels it and returns Run's error.
func runHub(t testing.TB, opts ...Option) (h *Hub, stop func() error) {
	t.Helper()
	h = NewHub(opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return h, stop
}

// serveHub serves h's handler on a random port until the test ends and returns the stream URL
// and the HTTP base URL.
func serveHub(t testing.TB, h *Hub, snaps Snapshots, opts ...HandlerOption) (wsURL, httpURL string) {
	t.Helper()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/api/v1/stream", Handler(h, snaps, opts...))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(waitFor); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-served
	})
	return "ws://" + ln.Addr().String() + "/api/v1/stream", "http://" + ln.Addr().String() + "/api/v1/stream"
}

// frame is any frame the server sends.
type frame struct {
	Type        string            `json:"type"`
	Sub         string            `json:"sub"`
	Kind        string            `json:"kind"`
	ID          string            `json:"id"`
	Version     int64             `json:"version"`
	View        json.RawMessage   `json:"view"`
	Items       []json.RawMessage `json:"items"`
	Entry       json.RawMessage   `json:"entry"`
	Code        string            `json:"code"`
	Message     string            `json:"message"`
	ServerTime  string            `json:"server_time"`
	HeartbeatMS int64             `json:"heartbeat_ms"`
	Limits      *Limits           `json:"limits"`
	At          json.RawMessage   `json:"at"`
}

// view is the part of a REST view tests look at.
type view struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Owner   string `json:"owner"`
	Version int64  `json:"version"`
}

func (f frame) String() string {
	return fmt.Sprintf("%s sub=%s kind=%s id=%s v=%d code=%s %s", f.Type, f.Sub, f.Kind, f.ID, f.Version, f.Code, f.Message)
}

// itemIDs returns the IDs of a snapshot frame's items.
func (f frame) itemIDs(t testing.TB) []string {
	t.Helper()
	ids := []string{}
	for _, raw := range f.Items {
		var v view
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("snapshot item %s: %v", raw, err)
		}
		ids = append(ids, v.ID)
	}
	return ids
}

// wsClient is a test's websocket client.
type wsClient struct {
	t    testing.TB
	conn *websocket.Conn
}

// dial connects to url and reads the hello frame.
func dial(t testing.TB, url string) *wsClient {
	t.Helper()
	c := dialWith(t, url, &websocket.Dialer{HandshakeTimeout: waitFor})
	if f := c.read(); f.Type != frameHello {
		t.Fatalf("first frame %v, want hello", f)
	}
	return c
}

func dialWith(t testing.TB, url string, d *websocket.Dialer) *wsClient {
	t.Helper()
	conn, resp, err := d.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	_ = resp.Body.Close()
	t.Cleanup(func() { _ = conn.Close() })
	return &wsClient{t: t, conn: conn}
}

func (c *wsClient) sendRaw(msg string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(string(b))
}

// read returns the next frame, heartbeats included.
func (c *wsClient) read() frame {
	c.t.Helper()
	f, err := c.tryRead()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *wsClient) tryRead() (frame, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(waitFor))
	typ, data, err := c.conn.ReadMessage()
	if err != nil {
		return frame{}, err
	}
	if typ != websocket.TextMessage {
		return frame{}, fmt.Errorf("message type %d", typ)
	}
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		return frame{}, fmt.Errorf("frame %s: %w", data, err)
	}
	return f, nil
}

// next returns the next frame that is not a heartbeat.
func (c *wsClient) next() frame {
	c.t.Helper()
	for {
		if f := c.read(); f.Type != frameHeartbeat {
			return f
		}
	}
}

// expect reads the next frame and checks its type (and sub when given).
func (c *wsClient) expect(typ, sub string) frame {
	c.t.Helper()
	f := c.next()
	if f.Type != typ || sub != "" && f.Sub != sub {
		c.t.Fatalf("got %v, want %s of %q", f, typ, sub)
	}
	return f
}

// subscribe sends a subscribe and returns the snapshot frames that acknowledge it.
func (c *wsClient) subscribe(m map[string]any, snapshots int) []frame {
	c.t.Helper()
	m["type"] = msgSubscribe
	c.send(m)
	var out []frame
	for range snapshots {
		out = append(out, c.expect(frameSnapshot, m["sub"].(string)))
	}
	return out
}

// ping sends a ping and waits for its pong: everything the server sent before is read.
func (c *wsClient) ping(at int) {
	c.t.Helper()
	c.send(map[string]any{"type": msgPing, "at": at})
	f := c.expect(framePong, "")
	if string(f.At) != fmt.Sprint(at) {
		c.t.Fatalf("pong at %s, want %d", f.At, at)
	}
}

// expectClose reads frames until the connection closes and checks the close code.
func (c *wsClient) expectClose(code int) {
	c.t.Helper()
	for {
		_, err := c.tryRead()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("connection ended with %v, want close %d", err, code)
		}
		if ce.Code != code {
			c.t.Fatalf("close %d %q, want %d", ce.Code, ce.Text, code)
		}
		return
	}
}

// leadView is a small lead view.
func leadView(id string, version int64, status, owner string) json.RawMessage {
	return mustJSON(view{ID: id, Status: status, Owner: owner, Version: version})
}

func leadUpdate(id string, version int64, status string, entries ...json.RawMessage) Update {
	return Update{Kind: "lead", ID: id, Version: version, View: leadView(id, version, status, "user:7"),
		Status: status, Owner: "user:7", Entries: entries}
}

// memSnapshots is an in-memory Snapshots: items most recently updated first.
type memSnapshots struct {
	mu     sync.Mutex
	items  []snapItem
	err    error
	onGet  func() // called by Get before it answers
	recent int    // calls of Recent
}

type snapItem struct {
	Item
	status, owner string
}

func (m *memSnapshots) add(kind, id string, version int64, status, owner string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items = append(m.items, snapItem{Item{kind, id, version, leadView(id, version, status, owner)}, status, owner})
}

func (m *memSnapshots) Recent(_ context.Context, kind string, f Filter, n int) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recent++
	if m.err != nil {
		return nil, m.err
	}
	var out []Item
	for _, it := range m.items {
		if it.Kind == kind && f.Match(it.status, it.owner) && len(out) < n {
			out = append(out, it.Item)
		}
	}
	return out, nil
}

func (m *memSnapshots) Get(_ context.Context, kind, id string) (Item, bool, error) {
	m.mu.Lock()
	onGet, items, err := m.onGet, slices.Clone(m.items), m.err
	m.mu.Unlock()
	if onGet != nil {
		onGet()
	}
	if err != nil {
		return Item{}, false, err
	}
	for _, it := range items {
		if it.Kind == kind && it.ID == id {
			return it.Item, true, nil
		}
	}
	return Item{}, false, nil
}

var _ Snapshots = (*memSnapshots)(nil)

// eventually polls cond until it holds or waitFor passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func droppedClients(h *Hub, reason string) float64 {
	return testutil.ToFloat64(h.metrics.dropped.WithLabelValues(reason))
}

func droppedUpdates(h *Hub, reason string) float64 {
	return testutil.ToFloat64(h.metrics.updatesDropped.WithLabelValues(reason))
}

func testutilValue(c prometheus.Collector) float64 { return testutil.ToFloat64(c) }
