package webtest

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a test that records its failures instead of failing, to check that the helpers
// fail a test when they should.
type recorder struct {
	*testing.T
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) failures() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>
<link rel="icon" href="data:,"></head><body>
<p data-testid="n">0</p><button data-testid="b" type="button">go</button>
<select data-testid="s"><option value="a">A</option><option value="b">B</option></select>
<script>
const n = document.querySelector('[data-testid="n"]');
document.querySelector('[data-testid="b"]').addEventListener('click', () => setTimeout(() => { n.textContent = '1'; }, 50));
document.querySelector('[data-testid="s"]').addEventListener('change', (e) => { n.textContent = 'chose ' + e.target.value; });
if (location.search === '?noisy') {
  console.error('boom');
  console.warn('careful');
  setTimeout(() => { throw new Error('uncaught'); });
  fetch('/missing');
}
</script></body></html>`

func server(t *testing.T) string {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestConsoleFailsTheTest: console errors and warnings, an uncaught exception and a failed
// load each fail the test; Allow spares what it matches; a quiet page fails nothing.
func TestConsoleFailsTheTest(t *testing.T) {
	url := server(t)
	r := &recorder{T: t}
	b := Start(r, Allow(`^careful$`))
	b.Navigate(url + "/?noisy")
	b.WaitText("n", "is there", func(s string) bool { return s == "0" }, 0)
	// The exception comes from a timer and the failed load from the network: wait for both.
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for len(b.Console()) < 4 && time.Now().Before(deadline) {
		if _, err := Eval[int](b, "1"); err != nil { // a round trip: events before it are recorded
			t.Fatal(err)
		}
		<-tick.C
	}
	t.Logf("console: %v", b.Console())
	b.CheckConsole()
	got := r.failures()
	for _, want := range []string{"console.error: boom", "exception: Uncaught", "404"} {
		if !strings.Contains(got, want) {
			t.Errorf("failures lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "careful") {
		t.Errorf("an allowed warning failed the test:\n%s", got)
	}

	quiet := &recorder{T: t}
	q := Start(quiet)
	q.Navigate(url + "/")
	q.CheckConsole()
	if f := quiet.failures(); f != "" {
		t.Errorf("a quiet page failed the test:\n%s", f)
	}
}

// TestWaitsAndInput: Click, Select and WaitText see the page change; PollText gives up with
// ErrNotYet at its deadline.
func TestWaitsAndInput(t *testing.T) {
	b := Start(t, WithSize(390, 844))
	b.Navigate(server(t) + "/")
	b.Click("b")
	b.WaitText("n", "turns 1", func(s string) bool { return s == "1" }, 0)
	b.Select("s", "b")
	if got := b.Text("n"); got != "chose b" {
		t.Errorf("after select: %q", got)
	}
	if _, err := b.PollText("n", func(s string) bool { return s == "never" }, 100*time.Millisecond); !errors.Is(err, ErrNotYet) {
		t.Errorf("PollText: %v, want ErrNotYet", err)
	}
	if b.Exists("absent") {
		t.Error("Exists found an absent test id")
	}
	if w, err := Eval[int](b, "window.innerWidth"); err != nil || w != 390 {
		t.Errorf("viewport width %d (%v), want 390", w, err)
	}
	if paths := b.Screenshot("page"); len(paths) != 1 {
		t.Errorf("screenshot paths %v", paths)
	}
}
