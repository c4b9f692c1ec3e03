package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/web"
	"github.com/aidacrm/aida/edge/web/webtest"
)

// IDs of the fixture's entities.
const (
	adaID   = "0190a6f0-0000-7000-8000-00000000000a"
	graceID = "0190a6f0-0000-7000-8000-00000000000b"
	linusID = "0190a6f0-0000-7000-8000-00000000000c"
	dealID  = "0190a6f0-0000-7000-8000-0000000000d1"
	acctID  = "0190a6f0-0000-7000-8000-0000000000a1"
)

// The overview the fake API serves: every number differs, so a test that reads the wrong
// element fails.
const overviewJSON = `{
 "leads":{"total":17,"by_status":{"new":6,"contacted":4,"qualified":3,"unqualified":2,"converted":1,"archived":1}},
 "deals":{"total":9,"by_stage":{"prospect":1,"qualified":2,"proposal":3,"negotiation":1,"closed_won":1,"closed_lost":1}},
 "accounts":{"total":2,"by_lifecycle":{"onboarding":1,"active":1,"at_risk":0,"expansion_ready":0,"churned":0}},
 "funnel":[{"step":"captured","count":17},{"step":"qualified","count":4},{"step":"converted","count":1},{"step":"won","count":1}],
 "pipeline":{"open_value":"1250000.00","weighted_value":"48250.50","won_value":"30000.00",
  "by_forecast":{"pipeline":{"count":3,"value":"75000.00","weighted":"7500.00"},
   "best_case":{"count":3,"value":"1000000.00","weighted":"25000.00"},
   "commit":{"count":1,"value":"175000.00","weighted":"15750.50"},
   "closed":{"count":1,"value":"30000.00","weighted":"30000.00"},
   "omitted":{"count":1,"value":"5000.00","weighted":"0.00"}}},
 "autonomy":{"lead":{"1":1,"2":12,"3":3,"4":1,"5":0},"deal":{"1":0,"2":7,"3":1,"4":1,"5":0},"account":{"1":0,"2":2,"3":0,"4":0,"5":0}},
 "recent_leads":[
  {"id":"` + adaID + `","full_name":"Ada Lovelace","email":"ada@example.com","company":"Analytical Engines Ltd","status":"new","score":0.62,"next_action":"send_welcome_email","autonomy_level":2,"created_at":"2026-03-02T09:00:00Z"},
  {"id":"` + graceID + `","full_name":"Grace Hopper","email":"grace@example.com","company":"Hopper Systems","status":"qualified","score":0.81,"next_action":"schedule_demo","autonomy_level":3,"created_at":"2026-03-01T09:00:00Z"}],
 "generated_at":"2026-03-02T09:00:01Z"}`

// fakeAPI is the API the page reads, with fixed answers and no websocket. Like the real one it
// needs a session (session_fake_test.go); it records the list queries and takes autonomy
// changes of leads, journaled as the signed-in principal.
type fakeAPI struct {
	mu          sync.Mutex
	leads       map[string]*aidapb.Lead
	timeline    map[string][]rest.Entry
	queries     []string // raw query strings of GET /api/v1/leads
	stats       int      // GET /api/v1/stats/overview served
	sessions    map[string]principal
	nextSession int
	bootUsed    bool     // the sign-in token was traded
	keysTried   []string // api_key of every POST /api/v1/session
	signOuts    int
	failures    int      // wrong keys in a row
	urls        []string // "METHOD url" of every request
	forbid      bool     // autonomy changes answer 403
}

func newFakeAPI() *fakeAPI {
	at := timestamppb.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	lead := func(id, first, last, company, status string, score int32, level int32) *aidapb.Lead {
		return &aidapb.Lead{Id: id, Email: strings.ToLower(first) + "@example.com", FirstName: first, LastName: last,
			Company: company, Status: status, Source: "website", Owner: "ann", AutonomyLevel: level, Version: 2,
			Qualification: &aidapb.Qualification{Score: score, Confidence: 800, Decision: "nurture", Model: "rules",
				Dimensions: []*aidapb.Dimension{{Name: "company_size", Score: 700, Weight: 20, Reason: "mid-sized"}}},
			NextActions: []*aidapb.NextAction{{Action: "send_welcome_email", Mode: "run", Reason: "new lead"}},
			Work: &aidapb.Work{
				Drafts: []*aidapb.Draft{{Id: "d1", Kind: "email", Status: "pending", To: "ada@example.com",
					Subject: "Welcome - AIDA-CRM", Body: "Hi Ada,\nwelcome.", Reason: "step 1 of 4 of the welcome sequence",
					CreatedBy: "agent:nurture", CreatedAt: at}},
				Tasks: []*aidapb.Task{{Id: "t1", Title: "Call Ada", Assignee: "ann", Status: "open", CreatedBy: "agent:pipeline", CreatedAt: at}},
			},
			CreatedAt: at, UpdatedAt: at}
	}
	f := &fakeAPI{leads: map[string]*aidapb.Lead{
		adaID:   lead(adaID, "Ada", "Lovelace", "Analytical Engines Ltd", "new", 620, 2),
		graceID: lead(graceID, "Grace", "Hopper", "Hopper Systems", "qualified", 810, 3),
		linusID: lead(linusID, "Linus", "Torvalds", "Kernel Labs", "contacted", 550, 2),
	}, timeline: map[string][]rest.Entry{}, sessions: map[string]principal{}}
	f.timeline[adaID] = []rest.Entry{
		{Version: 1, Type: "crm.lead.captured", Actor: "api", Time: "2026-03-02T09:00:00Z", EventID: "e-ada-1",
			Summary: "api captured Ada Lovelace from website", Data: json.RawMessage("{}")},
		{Version: 2, Type: "crm.lead.draft_added", Actor: "agent:nurture", Time: "2026-03-02T09:00:01Z", EventID: "e-ada-2",
			Summary: "agent:nurture drafted an email: step 1 of 4 of the welcome sequence", Data: json.RawMessage("{}")},
	}
	return f
}

// routes adds the session resource and, behind it, the API.
func (f *fakeAPI) routes(app *fiber.App) {
	f.sessionRoutes(app)
	app.Get("/api/v1/stats/overview", func(c *fiber.Ctx) error {
		f.mu.Lock()
		f.stats++
		f.mu.Unlock()
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.SendString(overviewJSON)
	})
	app.Get("/api/v1/leads", func(c *fiber.Ctx) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.queries = append(f.queries, string(c.Request().URI().QueryString()))
		page := rest.LeadPage{Items: []rest.Lead{}}
		if c.Query("cursor") == "" {
			page.Items = append(page.Items, rest.ViewLead(f.leads[adaID]), rest.ViewLead(f.leads[graceID]))
			page.NextCursor = "page2"
		} else {
			page.Items = append(page.Items, rest.ViewLead(f.leads[linusID]))
		}
		return c.JSON(page)
	})
	app.Get("/api/v1/leads/:id", func(c *fiber.Ctx) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		l, ok := f.leads[c.Params("id")]
		if !ok {
			return c.Status(404).JSON(rest.Problem{Title: "Not found", Status: 404, Detail: "no such lead"})
		}
		return c.JSON(rest.ViewLead(l))
	})
	app.Get("/api/v1/leads/:id/timeline", func(c *fiber.Ctx) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		after := int64(c.QueryInt("after"))
		out := rest.Timeline{Items: []rest.Entry{}}
		for _, e := range f.timeline[c.Params("id")] {
			if e.Version > after {
				out.Items = append(out.Items, e)
			}
		}
		return c.JSON(out)
	})
	app.Post("/api/v1/leads/:id/autonomy", func(c *fiber.Ctx) error {
		var req rest.AutonomyRequest
		if err := json.Unmarshal(c.Body(), &req); err != nil || req.Level < 1 || req.Level > 5 {
			return c.Status(422).JSON(rest.Problem{Title: "Invalid request", Status: 422, Detail: "level"})
		}
		who, _ := f.principal(c)
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.forbid {
			c.Set(fiber.HeaderContentType, rest.ProblemContentType)
			return c.Status(403).JSON(rest.Problem{Type: "/problems/forbidden", Title: "Forbidden", Status: 403, Detail: detailForbidden},
				rest.ProblemContentType)
		}
		l, ok := f.leads[c.Params("id")]
		if !ok {
			return c.SendStatus(404)
		}
		from := l.AutonomyLevel
		l.AutonomyLevel, l.Version = req.Level, l.Version+1
		f.timeline[l.Id] = append(f.timeline[l.Id], rest.Entry{Version: l.Version, Type: "crm.autonomy.level_changed",
			Actor: who.Actor, Time: rest.FormatTime(time.Now()), EventID: fmt.Sprintf("e-autonomy-%d", l.Version),
			Summary: fmt.Sprintf("%s changed the lead's autonomy level from L%d to L%d: %s", who.Actor, from, req.Level, req.Reason),
			Data:    json.RawMessage("{}")})
		return c.JSON(rest.ViewLead(l))
	})
	for _, kind := range []string{"deals", "accounts"} {
		app.Get("/api/v1/"+kind+"/:id/timeline", func(c *fiber.Ctx) error {
			return c.JSON(rest.Timeline{Items: []rest.Entry{}})
		})
	}
	app.Get("/api/v1/deals", func(c *fiber.Ctx) error {
		d := rest.ViewDeal(&aidapb.Deal{Id: dealID, Title: "Engines for Ada", Company: "Analytical Engines Ltd",
			Stage: "proposal", Probability: 50, Value: "25000.00", Currency: "EUR", ForecastCategory: "best_case", AutonomyLevel: 2})
		return c.JSON(rest.DealPage{Items: []rest.Deal{d}})
	})
	app.Get("/api/v1/accounts", func(c *fiber.Ctx) error {
		a := rest.ViewAccount(&aidapb.Account{Id: acctID, Name: "Hopper Systems", Domain: "hopper.example", Lifecycle: "active", AutonomyLevel: 2})
		return c.JSON(rest.AccountPage{Items: []rest.Account{a}})
	})
}

func (f *fakeAPI) statsServed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

func (f *fakeAPI) leadQueries() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.queries...)
}

// serve starts the page and the fake API on a free port; it stops when the test ends.
func serve(t *testing.T, api *fakeAPI) string {
	t.Helper()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Use(api.record)
	if err := web.Register(app); err != nil {
		t.Fatal(err)
	}
	api.routes(app)
	return listen(t, app)
}

// listen serves app on a free port until the test ends, and returns its base URL.
func listen(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.ShutdownWithContext(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
	})
	return "http://" + ln.Addr().String()
}

func equals(want string) func(string) bool { return func(s string) bool { return s == want } }

// The browser logs the failed websocket handshake itself; the page has no say in it.
const noStream = `WebSocket connection to '.*/api/v1/stream' failed`

// The browser logs every 401 answer too (the page asks whose session it has before signing in).
const unauthorized = `status of 401`

// signIn signs in as a person does: the page shows the form, the key goes into the field, the
// button is pressed; it waits until the footer names the principal.
func signIn(t *testing.T, b *webtest.Browser, key, role string) {
	t.Helper()
	b.WaitFor("signin-form")
	b.Fill("signin-key", key)
	b.Click("signin-submit")
	b.WaitText("signed-in-as", "names the principal", equals("Signed in as key:"+role+" ("+role+")"), 0)
}

// TestDashboardWithoutStream serves the page with a fake API and no websocket, signed in as an
// admin through the sign-in form, on a laptop
// and on a phone (screenshots in the test's temp dir, and under $AIDA_SCREENSHOT_DIR/fake-api
// when set): the overview shows the API's numbers, the status says it is not live, the
// skip link comes first, dark mode follows the system, the lists filter, sort and page, the entity page shows the lead and
// its timeline and changes its autonomy level, and nothing is logged to the console but the
// browser's own report of the missing websocket.
func TestDashboardWithoutStream(t *testing.T) {
	api := newFakeAPI()
	base := serve(t, api)
	shots := []string{t.TempDir()}
	if dir := os.Getenv("AIDA_SCREENSHOT_DIR"); dir != "" {
		shots = append(shots, filepath.Join(dir, "fake-api"))
	}
	b := webtest.Start(t, webtest.Allow(noStream), webtest.Allow(unauthorized), webtest.WithScreenshotDirs(shots...))
	b.Navigate(base + "/")
	signIn(t, b, adminKey, "admin")

	for _, size := range []struct {
		name          string
		width, height int
	}{{"laptop", 1280, 800}, {"phone", 390, 844}} {
		b.Resize(size.width, size.height)
		b.Navigate(base + "/?size=" + size.name + "#/") // a new document for each size
		for id, want := range map[string]string{
			"count-leads-total": "17", "count-leads-new": "6", "count-leads-contacted": "4", "count-leads-qualified": "3",
			"count-leads-unqualified": "2", "count-deals-proposal": "3", "count-deals-closed_won": "1",
			"funnel-captured": "17", "funnel-qualified": "4", "funnel-converted": "1", "funnel-won": "1",
			"pipeline-open-value": "1,250,000.00", "pipeline-weighted-value": "48,250.50",
			"autonomy-lead-2": "12", "autonomy-deal-4": "1", "autonomy-account-2": "2",
		} {
			b.WaitText(id, "shows "+want, equals(want), 0)
		}
		row := b.WaitText("recent-lead-"+adaID, "lists Ada", func(s string) bool {
			return strings.Contains(s, "Ada Lovelace") && strings.Contains(s, "0.62") && strings.Contains(s, "send welcome email")
		}, 0)
		t.Logf("%s: recent lead row %q", size.name, row)
		b.WaitText("connection-status", "is not live", func(s string) bool { return s == "reconnecting" }, 0)
		b.Screenshot("overview-" + size.name)

		if size.name == "laptop" {
			// The first Tab reaches the skip link.
			if _, err := webtest.Eval[bool](b, "(document.activeElement.blur(), true)"); err != nil {
				t.Fatal(err)
			}
			b.Press("\t")
			if got, _ := webtest.Eval[string](b, "document.activeElement.dataset.testid || ''"); got != "skip-link" {
				t.Errorf("first Tab focuses %q, want the skip link", got)
			}
		}

		// Lists: page 1, then the next page through next_cursor; sorting by score asks the API
		// with sort=-score.
		b.Click("nav-leads")
		b.WaitFor("row-" + adaID)
		b.Click("list-more")
		b.WaitFor("row-" + linusID)
		b.Select("list-sort", "-score")
		b.WaitText("list-summary", "shows the sorted page", func(s string) bool { return strings.HasPrefix(s, "Showing 2 leads") }, 0)
		if qs := api.leadQueries(); !strings.Contains(qs[len(qs)-1], "sort=-score") {
			t.Errorf("sorted list asked with %q", qs[len(qs)-1])
		}
		b.Screenshot("leads-" + size.name)

		// The entity page: state, work, timeline; the autonomy control journals a change.
		b.ClickSelector(webtest.Selector("row-"+adaID) + " a")
		b.WaitText("entity-name", "names the lead", equals("Ada Lovelace"), 0)
		b.WaitFor("timeline-e-ada-1")
		b.WaitFor("draft-approve-d1")
		b.WaitFor("task-complete-t1")
		level := "3"
		if size.name == "phone" {
			level = "4"
		}
		b.Select("entity-autonomy-select", level)
		b.Click("entity-autonomy-save")
		b.WaitText("entity-level", "shows the new level", equals("L"+level), 0)
		b.WaitText(fmt.Sprintf("timeline-e-autonomy-%d", map[string]int{"3": 3, "4": 4}[level]), "records the change by the principal",
			func(s string) bool { return strings.Contains(s, "to L"+level) && strings.Contains(s, "key:admin") }, 0)
		b.Screenshot("lead-" + size.name)

		b.Click("nav-deals")
		b.WaitFor("row-" + dealID)
		b.Click("nav-accounts")
		b.WaitFor("row-" + acctID)
	}
	// Dark mode, as a reader whose system prefers it sees the overview.
	b.ColorScheme("dark")
	b.Navigate(base + "/?scheme=dark#/")
	b.WaitText("count-leads-total", "shows 17", equals("17"), 0)
	if bg, _ := webtest.Eval[string](b, "getComputedStyle(document.body).backgroundColor"); bg != "rgb(14, 18, 23)" {
		t.Errorf("dark mode background %q", bg)
	}
	b.Screenshot("overview-phone-dark")
	for _, m := range b.Console() {
		t.Logf("console (allowed): %s", m)
	}
}

// TestDashboardWhenTheAPIFails: with every API call answering 503 and no websocket, the page
// shows the app on trust (the session cannot be checked, and the footer says so), says what
// failed and that it retries, keeps its skeleton, and throws nothing: the console
// holds only the browser's own reports of the failed requests.
func TestDashboardWhenTheAPIFails(t *testing.T) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if err := web.Register(app); err != nil {
		t.Fatal(err)
	}
	app.Use("/api", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderRetryAfter, "1")
		c.Set(fiber.HeaderContentType, rest.ProblemContentType)
		return c.Status(503).JSON(rest.Problem{Title: "Service unavailable", Status: 503, Detail: "the store is unavailable; retry"})
	})
	base := listen(t, app)
	b := webtest.Start(t, webtest.Allow(noStream), webtest.Allow(`status of 503`))
	b.Navigate(base + "/")
	b.WaitText("notice", "says what failed", func(s string) bool {
		return strings.Contains(s, "Could not load the overview: the store is unavailable; retry") && strings.Contains(s, "Retrying in")
	}, 0)
	b.WaitText("count-leads-total", "keeps its placeholder", equals("–"), 0)
	b.WaitText("signed-in-as", "says the session is not checked", equals("Sign-in not checked yet: the store is unavailable; retry"), 0)
	b.WaitText("connection-status", "is not live", equals("reconnecting"), 0)
	b.Click("nav-deals")
	b.WaitText("list-summary", "says what failed", func(s string) bool { return strings.Contains(s, "Could not load deals") }, 0)
	b.Navigate(base + "/?again#/lead/" + adaID)
	b.WaitText("notice", "says what failed", func(s string) bool { return strings.Contains(s, "Could not load the lead") }, 0)
	b.Screenshot("api-down")
}
