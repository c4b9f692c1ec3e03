package edge

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/policies/access"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
)

// fakeEntities is an Entities whose methods call its function fields; a nil field fails.
type fakeEntities struct {
	capture   func(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error)
	create    func(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error)
	send      func(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
	convert   func(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error)
	onboard   func(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error)
	list      func(ctx context.Context, q persistence.Query) (persistence.Page, error)
	aggregate func(ctx context.Context, kind string) ([]persistence.Tally, error)
	timeline  func(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
	ready     func(ctx context.Context) error
}

var _ Entities = (*fakeEntities)(nil)

var errNotFaked = fault.New(fault.Internal, "not faked")

func (f *fakeEntities) Capture(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
	if f.capture == nil {
		return nil, false, errNotFaked
	}
	return f.capture(ctx, cmd)
}

func (f *fakeEntities) Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	if f.create == nil {
		return nil, errNotFaked
	}
	return f.create(ctx, kind, cmd)
}

func (f *fakeEntities) Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	if f.send == nil {
		return nil, errNotFaked
	}
	return f.send(ctx, kind, id, cmd)
}

func (f *fakeEntities) Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error) {
	if f.convert == nil {
		return nil, errNotFaked
	}
	return f.convert(ctx, leadID, cmd)
}

func (f *fakeEntities) StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	if f.onboard == nil {
		return nil, errNotFaked
	}
	return f.onboard(ctx, accountID, cmd)
}

func (f *fakeEntities) List(ctx context.Context, q persistence.Query) (persistence.Page, error) {
	if f.list == nil {
		return persistence.Page{}, errNotFaked
	}
	return f.list(ctx, q)
}

func (f *fakeEntities) Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error) {
	if f.aggregate == nil {
		return nil, errNotFaked
	}
	return f.aggregate(ctx, kind)
}

func (f *fakeEntities) Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
	if f.timeline == nil {
		return nil, errNotFaked
	}
	return f.timeline(ctx, kind, id, after, limit)
}

func (f *fakeEntities) Ready(ctx context.Context) error {
	if f.ready == nil {
		return errNotFaked
	}
	return f.ready(ctx)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is a server over a fake, with its registry and its log.
type harness struct {
	srv  *Server
	keys *access.Keys
	fake *fakeEntities
	reg  *prometheus.Registry
	logs *syncBuffer
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	h := &harness{fake: &fakeEntities{}, reg: prometheus.NewRegistry(), logs: &syncBuffer{}}
	h.keys = testKeys(t)
	logger := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg, Deps{Entities: h.fake, Logger: logger, Registerer: h.reg, Gatherer: h.reg,
		NewID: func() string { return "generated-id" }, Keys: h.keys})
	if err != nil {
		t.Fatal(err)
	}
	h.srv = srv
	return h
}

// response is a recorded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

func (h *harness) do(t *testing.T, method, path, body string, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Host = "127.0.0.1:8080" // httptest's example.com is not an allowed host
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+testAdminKey) // an empty Authorization in header sends none
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		}
		req.Header.Set(header[i], header[i+1])
		if header[i+1] == "" {
			req.Header.Del(header[i])
		}
	}
	res, err := h.srv.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// wantProblem checks r is a problem+json of status and returns it.
func wantProblem(t *testing.T, r response, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type = %q, want application/problem+json", ct)
	}
	p := r.json(t)
	if p["status"] != float64(status) || p["type"] == "" || p["title"] == "" || p["request_id"] == "" {
		t.Fatalf("incomplete problem: %s", r.body)
	}
	return p
}

// testAdminKey is the harness's AIDA_ADMIN_KEY: every request of do carries it unless told
// otherwise.
const testAdminKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"

// testKeys returns Keys over a fresh SQLite store, with testAdminKey as AIDA_ADMIN_KEY.
func testKeys(t *testing.T) *access.Keys {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	keys, err := access.New(st, testAdminKey)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
