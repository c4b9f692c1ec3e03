package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/cmd/internal/system"
	"github.com/aidacrm/aida/edge/web/webtest"
	"github.com/aidacrm/aida/policies/access"
	"github.com/aidacrm/aida/runtime/host"
)

// liveWithin is how soon after the API answers a change must show on the open page.
const liveWithin = time.Second

// dashboardSystem starts a whole server in this process on the wall clock, with the default
// agents and testAdminKey as AIDA_ADMIN_KEY (for apiCall), and returns its base URL and the key
// of "ops", an admin who signs in to the dashboard.
func dashboardSystem(t *testing.T) (string, string) {
	t.Helper()
	cfg := system.Default()
	cfg.Addr, cfg.NATSAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.AdminKey = testAdminKey
	logger := slog.New(slog.DiscardHandler)
	h := host.New(logger, time.Minute)
	sys := system.New(cfg, logger)
	sys.Add(h)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if err := h.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	_, key, err := sys.Keys().Create(ctx, "ops", access.Admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	return "http://" + sys.Addr().String(), key
}

// signIn signs in the way a person does: the page shows the sign-in form, the key goes in, the
// footer names who is signed in.
func signIn(b *webtest.Browser, base, key, who string) {
	b.Navigate(base + "/")
	b.WaitFor("signin-form")
	b.Fill("signin-key", key)
	b.Click("signin-submit")
	b.WaitText("signed-in-as", "names who signed in", func(s string) bool { return strings.Contains(s, who) }, 0)
}

// screenshotDirs are the test's temp dir and, when set, $AIDA_SCREENSHOT_DIR (from which the
// README's docs/dashboard.png is refreshed).
func screenshotDirs(t *testing.T) []string {
	return []string{t.TempDir(), os.Getenv("AIDA_SCREENSHOT_DIR")}
}

// apiCall sends a change through the API and fails unless it answers want.
func apiCall(t *testing.T, method, url string, body any, want int) map[string]any {
	t.Helper()
	status, m, _ := call(t, http.DefaultClient, method, url, body)
	if status != want {
		t.Fatalf("%s %s: %d %v, want %d", method, url, status, m, want)
	}
	return m
}

// liveText waits, at most liveWithin after since (when the API answered), until the text of
// testid satisfies ok.
func liveText(t *testing.T, b *webtest.Browser, since time.Time, testid, what string, ok func(string) bool) {
	t.Helper()
	if _, err := b.PollText(testid, ok, time.Until(since.Add(liveWithin))); err != nil {
		t.Fatalf("%s %s within %v of the API's answer: %v", testid, what, liveWithin, err)
	}
}

func is(want string) func(string) bool { return func(s string) bool { return s == want } }

// TestDashboard drives the page served by a whole server, in Chromium, at laptop size:
//   - the overview loads and its connection status turns live;
//   - a lead captured through the API shows in recent leads and in the counts and the funnel
//     within a second of the API's answer;
//   - qualified, converted and moved along the stages, the deal's stage counts move, and its
//     win moves the funnel's last step and the won value, each within a second;
//   - on the lead's page, changing the autonomy level journals it: the timeline shows the
//     entry the API's timeline holds;
//   - the lists and entity pages render, also on a phone-sized screen.
//
// Screenshots of each view go to the test's temp dir (and $AIDA_SCREENSHOT_DIR); any console
// error, warning or failed load fails the test.
func TestDashboard(t *testing.T) {
	base, key := dashboardSystem(t)
	api := base + "/api/v1"
	// The page asks who is signed in before the form shows: Chromium logs that first 401.
	b := webtest.Start(t, webtest.WithScreenshotDirs(screenshotDirs(t)...), webtest.WithTimeout(20*time.Second),
		webtest.Allow("status of 401"))

	signIn(b, base, key, "key:ops")
	b.WaitText("connection-status", "turns live", is("live"), 0)
	b.WaitText("count-leads-total", "starts at 0", is("0"), 0)
	b.WaitText("funnel-captured", "starts at 0", is("0"), 0)
	b.Screenshot("dashboard-empty")

	// Capture: recent leads, counts and funnel within a second.
	lead := apiCall(t, "POST", api+"/leads", map[string]any{"email": "ada@example.com", "first_name": "Ada",
		"last_name": "Lovelace", "company": "Analytical Engines Ltd", "source": "demo_request"}, http.StatusCreated)
	answered := time.Now()
	leadID, _ := lead["id"].(string)
	liveText(t, b, answered, "recent-lead-"+leadID, "lists the lead", func(s string) bool { return strings.Contains(s, "Ada Lovelace") })
	liveText(t, b, answered, "count-leads-total", "counts the lead", is("1"))
	liveText(t, b, answered, "count-leads-new", "counts it as new", is("1"))
	liveText(t, b, answered, "funnel-captured", "moves", is("1"))
	if row := b.Text("recent-lead-" + leadID); !strings.Contains(row, "0.") || !strings.Contains(row, "L2") {
		t.Errorf("recent lead row shows no score or autonomy level: %q", row)
	}

	// Qualify and convert: the funnel's middle steps and the deal's first stage.
	apiCall(t, "POST", api+"/leads/"+leadID+"/status", map[string]any{"status": "qualified", "reason": "budget confirmed"}, http.StatusOK)
	answered = time.Now()
	liveText(t, b, answered, "funnel-qualified", "moves", is("1"))
	liveText(t, b, answered, "count-leads-qualified", "counts the lead", is("1"))
	deal := apiCall(t, "POST", api+"/leads/"+leadID+"/convert", map[string]any{"value": "25000.00"}, http.StatusCreated)
	answered = time.Now()
	dealID, _ := deal["id"].(string)
	stage, _ := deal["stage"].(string)
	liveText(t, b, answered, "funnel-converted", "moves", is("1"))
	liveText(t, b, answered, "count-deals-"+stage, "counts the deal", is("1"))
	liveText(t, b, answered, "pipeline-open-value", "sums the deal", is("25,000.00"))

	// Stage changes: each moves the stage counts; the win moves the funnel.
	for _, next := range []string{"proposal", "negotiation", "closed_won"} {
		if next == "proposal" && stage == "prospect" {
			apiCall(t, "POST", api+"/deals/"+dealID+"/stage", map[string]any{"stage": "qualified"}, http.StatusOK)
			stage = "qualified"
		}
		apiCall(t, "POST", api+"/deals/"+dealID+"/stage", map[string]any{"stage": next, "reason": "moved by the test"}, http.StatusOK)
		answered = time.Now()
		liveText(t, b, answered, "count-deals-"+next, "counts the deal", is("1"))
		liveText(t, b, answered, "count-deals-"+stage, "no longer counts it", is("0"))
		stage = next
	}
	liveText(t, b, answered, "funnel-won", "moves", is("1"))
	liveText(t, b, answered, "pipeline-won-value", "sums the win", is("25,000.00"))
	b.WaitText("activity-feed", "shows the agents at work", func(s string) bool { return strings.Contains(s, "agent") }, 0)
	b.Screenshot("dashboard")

	// The lead's page: change the autonomy level there; the timeline shows the journaled entry.
	b.ClickSelector(webtest.Selector("recent-lead-"+leadID) + " a")
	b.WaitText("entity-name", "names the lead", is("Ada Lovelace"), 0)
	b.WaitText("entity-level", "shows the level", is("L2"), 0)
	b.Select("entity-autonomy-select", "4")
	b.Fill("entity-autonomy-reason", "trusted after the demo")
	b.Click("entity-autonomy-save")
	b.WaitText("entity-level", "shows the new level", is("L4"), 0)
	status, tl, _ := call(t, http.DefaultClient, "GET", api+"/leads/"+leadID+"/timeline?limit=500", nil)
	if status != http.StatusOK {
		t.Fatalf("timeline: %d", status)
	}
	var changed string
	items, _ := tl["items"].([]any)
	for _, it := range items {
		e, _ := it.(map[string]any)
		if e["type"] == "crm.autonomy.level_changed" {
			changed, _ = e["event_id"].(string)
		}
	}
	if changed == "" {
		t.Fatalf("the API's timeline has no autonomy change: %v", items)
	}
	entry := b.WaitText("timeline-"+changed, "shows the autonomy change", func(s string) bool {
		return strings.Contains(s, "L4") && strings.Contains(s, "trusted after the demo") && strings.Contains(s, "key:ops")
	}, 0)
	t.Logf("timeline entry: %q", entry)
	b.Screenshot("dashboard-lead")

	// The other views, at laptop size and on a phone.
	views := []struct{ name, hash, testid string }{
		{"leads", "#/leads", "row-" + leadID},
		{"deals", "#/deals", "row-" + dealID},
		{"deal", "#/deal/" + dealID, "entity-timeline"},
		{"accounts", "#/accounts", "list-summary"},
		{"overview", "#/", "recent-lead-" + leadID},
	}
	for _, size := range []struct {
		name          string
		width, height int
	}{{"laptop", 1280, 800}, {"phone", 390, 844}} {
		b.Resize(size.width, size.height)
		for _, v := range views {
			b.Navigate(fmt.Sprintf("%s/?view=%s-%s%s", base, v.name, size.name, v.hash))
			b.WaitFor(v.testid)
			b.WaitText("connection-status", "is live", is("live"), 0)
			b.Screenshot(fmt.Sprintf("dashboard-%s-%s", v.name, size.name))
		}
	}
}
