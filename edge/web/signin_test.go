package web_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/edge/web"
	"github.com/aidacrm/aida/edge/web/webtest"
)

// TestSignIn walks a person through the sign-in page: without a session the page asks for a
// key (focus in the field, nothing else shown); a wrong key says why; the right one opens the
// page the address named (too many wrong keys first get a 429 that says when to try again);
// signing out returns to the form and ends the session; a 401 on a
// later call (the key revoked) returns to the form, saying so. The stream stays open
// throughout, so that only the API's 401 can bring the form back.
func TestSignIn(t *testing.T) {
	api := newFakeAPI()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if err := web.Register(app); err != nil {
		t.Fatal(err)
	}
	api.routes(app)
	app.Get("/api/v1/stream", (&fakeStream{}).handler())
	base := listen(t, app)
	b := webtest.Start(t, webtest.Allow(unauthorized), webtest.Allow(`status of 429`), webtest.WithScreenshotDirs(shotDirs(t)...))

	b.Navigate(base + "/#/leads")
	b.WaitFor("signin-form")
	if got, _ := webtest.Eval[string](b, "document.activeElement.dataset.testid || ''"); got != "signin-key" {
		t.Errorf("the sign-in page focuses %q, want the key field", got)
	}
	for expr, want := range map[string]string{
		`document.getElementById('signin-key').type`:                                  "password",
		`document.getElementById('signin-key').autocomplete`:                          "off",
		`document.querySelector('label[for="signin-key"]').textContent`:               "API key",
		`document.querySelector('[data-testid="signin-error"]').getAttribute('role')`: "alert",
		`String(document.querySelector('.mainnav').hidden)`:                           "true",
		`String(document.querySelector('[data-testid="session"]').hidden)`:            "true",
	} {
		if got, err := webtest.Eval[string](b, expr); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", expr, got, err, want)
		}
	}
	if hint := b.Text("signin-hint"); !strings.Contains(hint, "aida keys create --name NAME --role ROLE") {
		t.Errorf("hint %q does not say how to make a key", hint)
	}
	if b.Exists("row-" + adaID) {
		t.Error("the leads show before signing in")
	}
	b.Screenshot("signin-laptop")

	// An empty field is refused on the page; a wrong key by the server, whose detail shows.
	b.Click("signin-submit")
	b.WaitText("signin-error", "asks for a key", equals("Paste an API key first."), 0)
	b.Fill("signin-key", "aida_wrong")
	b.Click("signin-submit")
	b.WaitText("signin-error", "shows the problem's detail", equals(detailWrongKey), 0)
	if inv, _ := webtest.Eval[string](b, `document.getElementById('signin-key').getAttribute('aria-invalid') || ''`); inv != "true" {
		t.Errorf("the key field's aria-invalid is %q after a wrong key", inv)
	}
	b.Screenshot("signin-wrong-key")

	// Too many wrong keys: the server answers 429, and the page says when to try again.
	for n := 2; n < maxFailures; n++ {
		b.Fill("signin-key", "aida_wrong_again")
		b.Click("signin-submit")
		waitFor(t, "the server hears the key", func() bool { return api.triedKeys() == n })
		b.WaitText("signin-error", "shows the problem's detail", equals(detailWrongKey), 0)
	}
	b.Fill("signin-key", "aida_wrong_once_more")
	b.Click("signin-submit")
	b.WaitText("signin-error", "says when to try again", equals(detailTooMany+". Try again in 30 s."), 0)

	// The right key opens the list the address named.
	signIn(t, b, adminKey, "admin")
	b.WaitFor("row-" + adaID)
	b.Click("nav-overview")
	b.WaitText("count-leads-total", "shows 17", equals("17"), 0)

	// Signing out ends the session and returns to the form, also after a reload.
	b.Click("sign-out")
	b.WaitFor("signin-form")
	if n := api.sessionCount(); n != 0 {
		t.Errorf("%d sessions live after signing out", n)
	}
	b.Navigate(base + "/?again#/")
	b.WaitFor("signin-form")

	// A later 401 (every session revoked) returns to the form, which says why.
	signIn(t, b, adminKey, "admin")
	b.WaitText("count-leads-total", "shows 17", equals("17"), 0)
	b.WaitText("connection-status", "turns live", equals("live"), 0)
	api.revoke()
	// Go to the leads by the address: the page's own refresh may meet the 401 first and hide the
	// navigation, and either way the form must say why.
	if _, err := webtest.Eval[string](b, "location.hash = '#/leads'"); err != nil {
		t.Fatal(err)
	}
	b.WaitText("signin-error", "says the session ended", equals(detailNoSession), 0)
	if b.Exists("row-"+adaID) || b.Text("signed-in-as") != "" {
		t.Error("the page still shows the leads or the principal after a 401")
	}

	b.ColorScheme("dark")
	b.Screenshot("signin-dark")
}

// shotDirs are where a test's screenshots go: its temp dir, and $AIDA_SCREENSHOT_DIR/fake-api
// when set.
func shotDirs(t *testing.T) []string {
	shots := []string{t.TempDir()}
	if dir := os.Getenv("AIDA_SCREENSHOT_DIR"); dir != "" {
		shots = append(shots, filepath.Join(dir, "fake-api"))
	}
	return shots
}

// TestSignInLink opens the first start's sign-in link: the page trades the token for a session
// and the address bar no longer holds it, no request but the page's own load carried it in its
// URL, and the route after the token survives; the used link then shows the form and why.
func TestSignInLink(t *testing.T) {
	api := newFakeAPI()
	base := serve(t, api)
	b := webtest.Start(t, webtest.Allow(unauthorized), webtest.Allow(noStream))

	b.Navigate(base + "/?token=" + bootToken + "#/leads")
	b.WaitText("signed-in-as", "names the admin", equals("Signed in as key:admin (admin)"), 0)
	b.WaitFor("row-" + adaID)
	if href, _ := webtest.Eval[string](b, "location.href"); href != base+"/#/leads" {
		t.Errorf("the address bar holds %q, want %q", href, base+"/#/leads")
	}
	if got, want := api.requestsWith("token"), []string{"GET /?token=" + bootToken}; !slices.Equal(got, want) {
		t.Errorf("requests with the token in their URL: %q, want only %q", got, want)
	}
	api.mu.Lock()
	tried := slices.Clone(api.keysTried)
	api.mu.Unlock()
	if !slices.Equal(tried, []string{bootToken}) {
		t.Errorf("POST /api/v1/session tried %q, want the token once", tried)
	}

	// The link works once: opened again, it shows the form with the server's reason.
	b.Click("sign-out")
	b.WaitFor("signin-form")
	b.Navigate(base + "/?token=" + bootToken)
	b.WaitText("signin-error", "says the link failed", func(s string) bool {
		return strings.HasPrefix(s, "The sign-in link did not work") && strings.Contains(s, detailUsedLink)
	}, 0)
	if href, _ := webtest.Eval[string](b, "location.href"); strings.Contains(href, "token") {
		t.Errorf("the address bar still holds the token: %q", href)
	}
}

// TestRolesDisableWrites signs in with each role and reads the lead page's write controls:
// those the role may not use are disabled and their title names the role they need; autonomy
// levels above the role's maximum cannot be chosen. A 403 answer shows its detail in the
// notice.
func TestRolesDisableWrites(t *testing.T) {
	api := newFakeAPI()
	base := serve(t, api)
	b := webtest.Start(t, webtest.Allow(unauthorized), webtest.Allow(noStream), webtest.Allow(`status of 403`), webtest.WithScreenshotDirs(shotDirs(t)...))

	type control struct {
		Disabled bool   `json:"disabled"`
		Title    string `json:"title"`
	}
	type controls struct {
		Approve, Complete, Save, Note control
		MaxLevel                      int `json:"maxLevel"`
	}
	read := `(() => {
		const c = (id) => { const el = document.querySelector('[data-testid="' + id + '"]');
			return {disabled: el.disabled, title: el.title}; };
		const opts = [...document.querySelector('[data-testid="entity-autonomy-select"]').options];
		return {Approve: c('draft-approve-d1'), Complete: c('task-complete-t1'), Save: c('entity-autonomy-save'),
			Note: c('entity-note-save'), maxLevel: Math.max(0, ...opts.filter((o) => !o.disabled).map((o) => Number(o.value)))};
	})()`
	for _, tc := range []struct {
		role, key           string
		approve, write      string // the role a disabled control names; "" when enabled
		maxLevel            int
		disabledLevelsTitle string
	}{
		{role: "viewer", key: viewerKey, approve: "manager", write: "rep", maxLevel: 0},
		{role: "rep", key: repKey, approve: "manager", maxLevel: 3, disabledLevelsTitle: "L4 needs the manager role"},
		{role: "manager", key: managerKey, maxLevel: 4, disabledLevelsTitle: "L5 needs the admin role"},
		{role: "admin", key: adminKey, maxLevel: 5},
	} {
		t.Run(tc.role, func(t *testing.T) {
			b.Navigate(base + "/?role=" + tc.role + "#/lead/" + adaID)
			signIn(t, b, tc.key, tc.role)
			b.WaitFor("draft-approve-d1")
			got, err := webtest.Eval[controls](b, read)
			if err != nil {
				t.Fatal(err)
			}
			check := func(name string, c control, need string) {
				if c.Disabled != (need != "") || (need != "" && !strings.Contains(c.Title, "needs the "+need+" role")) {
					t.Errorf("%s: disabled %v, title %q; want the %q role named", name, c.Disabled, c.Title, need)
				}
			}
			check("approve", got.Approve, tc.approve)
			check("complete", got.Complete, tc.write)
			check("autonomy save", got.Save, tc.write)
			check("note", got.Note, tc.write)
			if got.MaxLevel != tc.maxLevel {
				t.Errorf("the highest level on offer is L%d, want L%d", got.MaxLevel, tc.maxLevel)
			}
			if tc.disabledLevelsTitle != "" {
				title, _ := webtest.Eval[string](b, `document.querySelector('[data-testid="entity-autonomy-select"] option[value="`+
					map[string]string{"rep": "4", "manager": "5"}[tc.role]+`"]').title`)
				if !strings.HasPrefix(title, tc.disabledLevelsTitle) {
					t.Errorf("the first level out of reach says %q, want %q", title, tc.disabledLevelsTitle)
				}
			}
			if tc.role == "viewer" {
				b.Screenshot("lead-viewer")
			}
			if tc.role == "rep" {
				// The server refuses what the page offered (the key's role changed meanwhile).
				api.mu.Lock()
				api.forbid = true
				api.mu.Unlock()
				b.Select("entity-autonomy-select", "3")
				b.Click("entity-autonomy-save")
				b.WaitText("notice", "shows the 403's detail", equals(detailForbidden), 0)
				api.mu.Lock()
				api.forbid = false
				api.mu.Unlock()
			}
			b.Click("sign-out")
			b.WaitFor("signin-form")
		})
	}
}
