package idempotency

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence/sqlite"
)

// clock is a hand-moved clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time       { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) move(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fixture is an app behind the middleware on a real SQLite store. POST /leads creates a lead
// (201, Location, the count of runs in the body); POST /fail answers 503 until told not to;
// POST /slow waits for release.
type fixture struct {
	app     *fiber.App
	clk     *clock
	store   *sqlite.Store
	runs    atomic.Int64
	failing atomic.Bool
	started chan struct{}
	release chan struct{}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	f := &fixture{app: fiber.New(), store: s, started: make(chan struct{}, 1), release: make(chan struct{}),
		clk: &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}}
	f.failing.Store(true)
	scope := func(c *fiber.Ctx) string { return c.Get("X-Principal") } // the test's stand-in for c.Locals
	f.app.Use(Middleware(s, scope, f.clk.now, WithLogger(slog.New(slog.DiscardHandler))))
	f.app.Post("/leads", func(c *fiber.Ctx) error {
		n := f.runs.Add(1)
		c.Set(fiber.HeaderLocation, fmt.Sprintf("/leads/l%d", n))
		return c.Status(fiber.StatusCreated).JSON(map[string]int64{"run": n})
	})
	f.app.Get("/leads", func(c *fiber.Ctx) error { f.runs.Add(1); return c.SendString("list") })
	f.app.Post("/fail", func(c *fiber.Ctx) error {
		f.runs.Add(1)
		if f.failing.Load() {
			return c.Status(fiber.StatusServiceUnavailable).SendString("down")
		}
		return c.SendStatus(fiber.StatusAccepted)
	})
	f.app.Post("/error", func(c *fiber.Ctx) error { f.runs.Add(1); return fmt.Errorf("boom") })
	f.app.Post("/slow", func(c *fiber.Ctx) error {
		f.started <- struct{}{}
		<-f.release
		return c.SendStatus(fiber.StatusCreated)
	})
	return f
}

// call is one request of a scenario and what it must get.
type call struct {
	method, path, principal, key, body string
	status                             int
	replayed                           bool
	body0                              string // the body the answer must hold ("" for any)
	runs                               int64  // handler runs so far
}

func (f *fixture) do(t *testing.T, c call) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	req.Header.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	if c.principal != "" {
		req.Header.Set("X-Principal", c.principal)
	}
	if c.key != "" {
		req.Header.Set(Header, c.key)
	}
	res, err := f.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestMiddleware(t *testing.T) {
	const a, b = "key:a", "key:b"
	tests := []struct {
		name  string
		calls []call
	}{
		{"first answer, then replayed", []call{
			{"POST", "/leads", a, "k1", `{"x":1}`, 201, false, `{"run":1}`, 1},
			{"POST", "/leads", a, "k1", `{"x":1}`, 201, true, `{"run":1}`, 1},
			{"POST", "/leads", a, `"k1"`, `{"x":1}`, 201, true, `{"run":1}`, 1}, // the quoted form is the same key
			{"POST", "/leads", a, "k2", `{"x":1}`, 201, false, `{"run":2}`, 2},
		}},
		{"another request with the key", []call{
			{"POST", "/leads", a, "k1", `{"x":1}`, 201, false, "", 1},
			{"POST", "/leads", a, "k1", `{"x":2}`, 422, false, "", 1},
			{"POST", "/leads?dry=1", a, "k1", `{"x":1}`, 422, false, "", 1},
		}},
		{"scopes are apart", []call{
			{"POST", "/leads", a, "k1", `{}`, 201, false, `{"run":1}`, 1},
			{"POST", "/leads", b, "k1", `{}`, 201, false, `{"run":2}`, 2},
			{"POST", "/leads", b, "k1", `{}`, 201, true, `{"run":2}`, 2},
		}},
		{"5xx releases the key", []call{
			{"POST", "/fail", a, "k1", `{}`, 503, false, "down", 1},
			{"POST", "/fail", a, "k1", `{}`, 503, false, "down", 2},
		}},
		{"an error releases the key", []call{
			{"POST", "/error", a, "k1", `{}`, 500, false, "", 1},
			{"POST", "/error", a, "k1", `{}`, 500, false, "", 2},
		}},
		{"bad keys", []call{
			{"POST", "/leads", a, "has space", `{}`, 400, false, "", 0},
			{"POST", "/leads", a, strings.Repeat("k", 256), `{}`, 400, false, "", 0},
			{"POST", "/leads", a, "naïve", `{}`, 400, false, "", 0},
			{"POST", "/leads", a, `""`, `{}`, 400, false, "", 0},
			{"POST", "/leads", a, strings.Repeat("k", 255), `{}`, 201, false, "", 1},
		}},
		{"pass through", []call{
			{"POST", "/leads", a, "", `{}`, 201, false, `{"run":1}`, 1},
			{"POST", "/leads", a, "", `{}`, 201, false, `{"run":2}`, 2},
			{"GET", "/leads", a, "k1", "", 200, false, "list", 3},
			{"GET", "/leads", a, "k1", "", 200, false, "list", 4},
			{"POST", "/leads", "", "k1", `{}`, 201, false, `{"run":5}`, 5}, // no principal
			{"POST", "/leads", "", "k1", `{}`, 201, false, `{"run":6}`, 6},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			for i, c := range tt.calls {
				res, body := f.do(t, c)
				replayed := res.Header.Get(HeaderReplayed) == "true"
				if res.StatusCode != c.status || replayed != c.replayed || (c.body0 != "" && body != c.body0) || f.runs.Load() != c.runs {
					t.Fatalf("call %d: %d replayed %v body %s, %d runs; want %d replayed %v body %s, %d runs",
						i, res.StatusCode, replayed, body, f.runs.Load(), c.status, c.replayed, c.body0, c.runs)
				}
				if c.replayed && (res.Header.Get(fiber.HeaderLocation) != "/leads/l1" && res.Header.Get(fiber.HeaderLocation) != "/leads/l2" ||
					!strings.HasPrefix(res.Header.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON)) {
					t.Fatalf("call %d: replayed headers %v", i, res.Header)
				}
				if c.status == 400 || c.status == 422 {
					checkProblem(t, res, body, c.status)
				}
			}
		})
	}
}

// checkProblem checks that an answer is a problem of status for the request's path.
func checkProblem(t *testing.T, res *http.Response, body string, status int) {
	t.Helper()
	var p rest.Problem
	if res.Header.Get(fiber.HeaderContentType) != rest.ProblemContentType {
		t.Fatalf("content type %q, want %s", res.Header.Get(fiber.HeaderContentType), rest.ProblemContentType)
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil || p.Status != status || p.Instance == "" || p.Detail == "" {
		t.Fatalf("problem %s: %+v, %v", body, p, err)
	}
}

// TestRunningKey: while the first request runs, a retry gets 409 with Retry-After: 1; after it,
// the retry is replayed.
func TestRunningKey(t *testing.T) {
	f := newFixture(t)
	first := make(chan int, 1)
	go func() {
		req := httptest.NewRequest("POST", "/slow", strings.NewReader(`{}`))
		req.Header.Set("X-Principal", "key:a")
		req.Header.Set(Header, "k1")
		res, err := f.app.Test(req, -1)
		if err != nil {
			first <- 0
			return
		}
		first <- res.StatusCode
	}()
	<-f.started
	retry := call{"POST", "/slow", "key:a", "k1", `{}`, 0, false, "", 0}
	res, body := f.do(t, retry)
	if res.StatusCode != 409 || res.Header.Get(fiber.HeaderRetryAfter) != "1" {
		t.Fatalf("retry while running: %d, Retry-After %q; want 409, 1", res.StatusCode, res.Header.Get(fiber.HeaderRetryAfter))
	}
	checkProblem(t, res, body, 409)
	close(f.release)
	if status := <-first; status != 201 {
		t.Fatalf("first request: %d, want 201", status)
	}
	if res, _ := f.do(t, retry); res.StatusCode != 201 || res.Header.Get(HeaderReplayed) != "true" {
		t.Fatalf("retry after the first: %d replayed %q; want 201 replayed", res.StatusCode, res.Header.Get(HeaderReplayed))
	}
}

// TestExpiry: a key is kept 24 hours (to the microsecond); after them the same key runs again, and Purge finds it.
func TestExpiry(t *testing.T) {
	f := newFixture(t)
	c := call{"POST", "/leads", "key:a", "k1", `{}`, 0, false, "", 0}
	f.do(t, c)
	f.clk.move(TTL)
	if res, _ := f.do(t, c); res.Header.Get(HeaderReplayed) != "true" || f.runs.Load() != 1 {
		t.Fatalf("at 24 h: replayed %q, %d runs; want replayed, 1", res.Header.Get(HeaderReplayed), f.runs.Load())
	}
	f.clk.move(time.Microsecond)
	if res, body := f.do(t, c); res.StatusCode != 201 || res.Header.Get(HeaderReplayed) != "" || body != `{"run":2}` {
		t.Fatalf("after 24 h: %d replayed %q body %s; want a new run", res.StatusCode, res.Header.Get(HeaderReplayed), body)
	}
	if n, err := f.store.PurgeIdempotency(t.Context(), f.clk.now().Add(-TTL+time.Second)); err != nil || n != 0 {
		t.Fatalf("purge: %d, %v; want 0 (the key was renewed)", n, err)
	}
}
