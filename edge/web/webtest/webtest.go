// Package webtest drives headless Chromium (chromedp) for browser tests of the dashboard.
//
// Start opens one tab in its own browser process and records everything the page writes to
// its console; when the test ends, any console error or warning, uncaught exception or failed
// load the browser logged fails the test (Allow names the few a test expects). Elements are
// found by their data-testid. Waits poll with a deadline; nothing sleeps.
//
// Start skips the test, saying so, only when neither /usr/bin/chromium nor `chromium` on PATH
// exists; CI installs Debian's chromium, so CI never skips.
package webtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultTimeout bounds each wait and browser action unless WithTimeout says otherwise.
const DefaultTimeout = 15 * time.Second

// pollEvery is how often a wait reads the page again.
const pollEvery = 25 * time.Millisecond

// Message is one console message the page or the browser logged.
type Message struct {
	Kind string // console.<type>, exception or log.<source>
	Text string
	URL  string
}

func (m Message) String() string {
	if m.URL != "" {
		return fmt.Sprintf("%s: %s (%s)", m.Kind, m.Text, m.URL)
	}
	return m.Kind + ": " + m.Text
}

// Option configures Start.
type Option func(*options)

type options struct {
	width, height int
	allowed       []*regexp.Regexp
	shotDirs      []string
	timeout       time.Duration
}

// WithSize sets the viewport, in CSS pixels; default 1280×800.
func WithSize(width, height int) Option {
	return func(o *options) { o.width, o.height = width, height }
}

// Allow makes console messages matching pattern (a regular expression) expected: they do not
// fail the test. Use it for what a test provokes on purpose, such as a missing websocket.
func Allow(pattern string) Option {
	return func(o *options) { o.allowed = append(o.allowed, regexp.MustCompile(pattern)) }
}

// WithScreenshotDirs names the directories Screenshot writes to; default t.TempDir(). Empty
// names are skipped.
func WithScreenshotDirs(dirs ...string) Option {
	return func(o *options) {
		for _, d := range dirs {
			if d != "" {
				o.shotDirs = append(o.shotDirs, d)
			}
		}
	}
}

// WithTimeout sets the deadline of each wait and action; default DefaultTimeout.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Browser is one tab of a headless Chromium that belongs to a test.
type Browser struct {
	t       testing.TB
	ctx     context.Context // the tab's; ends when the test ends
	opts    options
	mu      sync.Mutex
	console []Message
}

// ExecPath returns Chromium's path: /usr/bin/chromium, else `chromium` on PATH; "" when
// neither exists.
func ExecPath() string {
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// Start starts a headless Chromium (as root: without its sandbox) with one tab, and stops it
// when the test ends, after checking the console. When Chromium is absent it skips the test, or
// fails it under CI=true: CI installs Chromium, so a missing one there is a broken machine.
func Start(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	path := ExecPath()
	if path == "" {
		const missing = "Chromium is not installed (neither /usr/bin/chromium nor `chromium` on PATH); on Debian: apt-get install chromium"
		if os.Getenv("CI") == "true" {
			t.Fatal("browser test: " + missing + " (CI=true: browser tests must run)")
		}
		t.Skip("browser test skipped: " + missing)
	}
	o := options{width: 1280, height: 800, timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if len(o.shotDirs) == 0 {
		o.shotDirs = []string{t.TempDir()}
	}
	alloc := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(o.width, o.height),
		// No traffic of its own: this machine's network is closed and the tests need none.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), alloc...)
	ctx, cancelTab := chromedp.NewContext(actx)
	b := &Browser{t: t, ctx: ctx, opts: o}
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// Listen starts the browser and opens the tab; it sees every event after it returns, in
	// order, before the reply to any later command.
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	if err := b.do(chromedp.EmulateViewport(int64(o.width), int64(o.height))); err != nil {
		t.Fatalf("set the viewport: %v", err)
	}
	t.Cleanup(b.CheckConsole) // runs before the browser stops
	return b
}

// record keeps the console messages worth failing for: errors and warnings of the console
// API, uncaught exceptions, and the browser's own error and warning entries (failed loads,
// CSP violations …). It runs in the tab's reading loop, so it only appends.
func (b *Browser) record(ev any) {
	var m Message
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		switch e.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
		default:
			return
		}
		m = Message{Kind: "console." + string(e.Type), Text: argsText(e.Args)}
		if st := e.StackTrace; st != nil && len(st.CallFrames) > 0 {
			f := st.CallFrames[0]
			m.URL = f.URL + ":" + strconv.FormatInt(f.LineNumber+1, 10)
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		m = Message{Kind: "exception", Text: d.Text, URL: d.URL}
		if d.Exception != nil && d.Exception.Description != "" {
			m.Text += " " + d.Exception.Description
		}
	case *log.EventEntryAdded:
		en := e.Entry
		if en == nil || (en.Level != log.EntryLevelError && en.Level != log.EntryLevelWarning) {
			return
		}
		m = Message{Kind: "log." + string(en.Source) + "." + string(en.Level), Text: en.Text, URL: en.URL}
	default:
		return
	}
	b.mu.Lock()
	b.console = append(b.console, m)
	b.mu.Unlock()
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
		case a.Description != "":
			s = a.Description
		default:
			s = string(a.Value)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// Console returns the messages recorded so far, allowed ones included.
func (b *Browser) Console() []Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Message(nil), b.console...)
}

// CheckConsole fails the test for each recorded message that Allow did not expect. Start
// registers it to run when the test ends; call it earlier to fail at a known point.
func (b *Browser) CheckConsole() {
	b.t.Helper()
	// A round trip to the tab: every event sent before its reply has been recorded.
	_, _ = Eval[int](b, "1")
	b.mu.Lock()
	msgs := b.console
	b.console = nil
	b.mu.Unlock()
	for _, m := range msgs {
		if !b.allowed(m) {
			b.t.Errorf("browser console: %s", m)
		}
	}
}

func (b *Browser) allowed(m Message) bool {
	for _, re := range b.opts.allowed {
		if re.MatchString(m.Text) {
			return true
		}
	}
	return false
}

// Context returns the tab's chromedp context, for actions this package lacks.
func (b *Browser) Context() context.Context { return b.ctx }

func (b *Browser) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, b.opts.timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// Navigate opens url and waits for its load event.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	if err := b.do(chromedp.Navigate(url)); err != nil {
		b.t.Fatalf("navigate to %s: %v", url, err)
	}
}

// Resize sets the viewport to width×height CSS pixels; below 600 wide it emulates a phone
// (mobile viewport, touch).
func (b *Browser) Resize(width, height int) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := b.do(chromedp.EmulateViewport(int64(width), int64(height), opts...)); err != nil {
		b.t.Fatalf("resize to %d×%d: %v", width, height, err)
	}
}

// ColorScheme emulates prefers-color-scheme: "light" or "dark"; "" ends the emulation.
func (b *Browser) ColorScheme(scheme string) {
	b.t.Helper()
	p := emulation.SetEmulatedMediaParams{}
	if scheme != "" {
		p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	}
	ctx, cancel := context.WithTimeout(b.ctx, b.opts.timeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p); err != nil {
		b.t.Fatalf("emulate prefers-color-scheme %q: %v", scheme, err)
	}
}

// Selector is the CSS selector of the element with a data-testid.
func Selector(testid string) string {
	return `[data-testid="` + strings.ReplaceAll(testid, `"`, `\"`) + `"]`
}

// Eval evaluates a JavaScript expression in the page and decodes its JSON value into T.
func Eval[T any](b *Browser, expr string) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, b.opts.timeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](expr))
}

// found is what the page says of a test id's element.
type found struct {
	OK   bool   `json:"ok"`
	Text string `json:"text"`
}

// textOf reads the text of a test id: ok is false when no element has it.
func (b *Browser) textOf(testid string) (text string, ok bool, err error) {
	sel, _ := json.Marshal(Selector(testid))
	r, err := Eval[found](b, `(() => { const el = document.querySelector(`+string(sel)+`);
		return el ? {ok: true, text: (el.innerText ?? el.textContent).trim()} : {ok: false, text: ""}; })()`)
	return r.Text, r.OK, err
}

// Text returns the visible text of the element with testid, trimmed; the test fails when there
// is none.
func (b *Browser) Text(testid string) string {
	b.t.Helper()
	text, ok, err := b.textOf(testid)
	if err != nil || !ok {
		b.t.Fatalf("text of %s: no such element (err %v)", testid, err)
	}
	return text
}

// Exists tells whether an element has testid now.
func (b *Browser) Exists(testid string) bool {
	b.t.Helper()
	_, ok, err := b.textOf(testid)
	if err != nil {
		b.t.Fatalf("look for %s: %v", testid, err)
	}
	return ok
}

// WaitText polls the text of testid until ok accepts it, and returns it; the test fails after
// within (DefaultTimeout or WithTimeout's when within is 0) with the last text seen. what
// describes the expectation for that message.
func (b *Browser) WaitText(testid, what string, ok func(string) bool, within time.Duration) string {
	b.t.Helper()
	text, err := b.PollText(testid, ok, within)
	if err != nil {
		b.t.Fatalf("%s %s: %v", testid, what, err)
	}
	return text
}

// ErrNotYet is what PollText returns when its deadline passed first.
var ErrNotYet = errors.New("condition not met before the deadline")

// PollText is WaitText that returns an error instead of failing: ErrNotYet (wrapped, with the
// last text) when the deadline passed first.
func (b *Browser) PollText(testid string, ok func(string) bool, within time.Duration) (string, error) {
	if within <= 0 {
		within = b.opts.timeout
	}
	deadline := time.Now().Add(within)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	last, found := "", false
	var lastErr error
	for {
		text, present, err := b.textOf(testid)
		if err == nil && present && ok(text) {
			return text, nil
		}
		last, found, lastErr = text, present, err
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-tick.C:
		case <-b.ctx.Done():
			return last, fmt.Errorf("browser stopped: %w", b.ctx.Err())
		}
	}
	switch {
	case lastErr != nil:
		return last, fmt.Errorf("%w after %v: %v", ErrNotYet, within, lastErr)
	case !found:
		return last, fmt.Errorf("%w after %v: no element", ErrNotYet, within)
	}
	return last, fmt.Errorf("%w after %v: last text %q", ErrNotYet, within, last)
}

// WaitFor waits until an element has testid.
func (b *Browser) WaitFor(testid string) {
	b.t.Helper()
	b.WaitText(testid, "to exist", func(string) bool { return true }, 0)
}

// Click clicks the element with testid (waiting for it to be visible), as a mouse would.
func (b *Browser) Click(testid string) {
	b.t.Helper()
	b.ClickSelector(Selector(testid))
}

// ClickSelector clicks the first element matching a CSS selector, once it is visible.
func (b *Browser) ClickSelector(css string) {
	b.t.Helper()
	sel := chromedp.CSS(css)
	if err := b.do(chromedp.WaitVisible(sel), chromedp.Click(sel)); err != nil {
		b.t.Fatalf("click %s: %v", css, err)
	}
}

// Press types keys (such as "\t" for Tab) into whatever has the focus.
func (b *Browser) Press(keys string) {
	b.t.Helper()
	if err := b.do(chromedp.KeyEvent(keys)); err != nil {
		b.t.Fatalf("press %q: %v", keys, err)
	}
}

// Select chooses value in the <select> with testid, firing input and change as a person's
// choice would.
func (b *Browser) Select(testid, value string) {
	b.t.Helper()
	b.setValue(testid, value, "select")
}

// Fill sets the value of the input or textarea with testid, firing input and change.
func (b *Browser) Fill(testid, value string) {
	b.t.Helper()
	b.setValue(testid, value, "field")
}

func (b *Browser) setValue(testid, value, what string) {
	b.t.Helper()
	b.WaitFor(testid)
	sel, _ := json.Marshal(Selector(testid))
	val, _ := json.Marshal(value)
	got, err := Eval[string](b, `(() => { const el = document.querySelector(`+string(sel)+`);
		el.focus(); el.value = `+string(val)+`;
		el.dispatchEvent(new Event('input', {bubbles: true}));
		el.dispatchEvent(new Event('change', {bubbles: true}));
		return el.value; })()`)
	if err != nil {
		b.t.Fatalf("set %s %s: %v", what, testid, err)
	}
	if got != value {
		b.t.Fatalf("set %s %s to %q: it holds %q (no such option?)", what, testid, value, got)
	}
}

// Screenshot saves a PNG of the whole page as <name>.png in each screenshot directory and
// returns the paths.
func (b *Browser) Screenshot(name string) []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.opts.timeout)
	defer cancel()
	// From the top, so that sticky elements sit where a reader first sees them.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)")); err != nil {
		b.t.Fatalf("screenshot %s: scroll: %v", name, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	var paths []string
	for _, dir := range b.opts.shotDirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		paths = append(paths, p)
	}
	b.t.Logf("screenshot %s: %s", name, strings.Join(paths, ", "))
	return paths
}
