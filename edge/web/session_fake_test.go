package web_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
)

// The fake API's keys, one per role, and the first start's one-time sign-in token (admin).
const (
	adminKey   = "aida_fake_admin_key_0123456789abcdef"
	managerKey = "aida_fake_manager_key_0123456789abcd"
	repKey     = "aida_fake_rep_key_0123456789abcdefgh"
	viewerKey  = "aida_fake_viewer_key_0123456789abcde"
	bootToken  = "aida_fake_boot_token_0123456789abcde"
)

// keyRoles maps each fake key to its role; the key's name is its role.
var keyRoles = map[string]string{adminKey: "admin", managerKey: "manager", repKey: "rep", viewerKey: "viewer"}

// The problem details the fake answers with, which the page must show.
const (
	detailWrongKey  = "the API key is not valid"
	detailUsedLink  = "the sign-in link was used already"
	detailNoSession = "your session ended; sign in again"
	detailForbidden = "a rep may set autonomy up to L3"
	detailTooMany   = "too many sign-in attempts"
)

// maxFailures is how many wrong keys in a row the fake takes before it answers 429.
const maxFailures = 3

// principal is the body of GET /api/v1/session.
type principal struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Actor     string `json:"actor"`
	ExpiresAt string `json:"expires_at"`
}

// sessionRoutes adds the session resource and, in front of every other /api/v1 route, the
// check the real server makes: the aida_session cookie names a live session, else 401. Call
// it before registering the routes it guards.
func (f *fakeAPI) sessionRoutes(app *fiber.App) {
	app.Get("/api/v1/session", func(c *fiber.Ctx) error {
		p, ok := f.principal(c)
		if !ok {
			return unauthenticated(c, "Sign in first")
		}
		return c.JSON(p)
	})
	app.Post("/api/v1/session", func(c *fiber.Ctx) error {
		var req struct {
			APIKey string `json:"api_key"`
		}
		if err := json.Unmarshal(c.Body(), &req); err != nil {
			return c.Status(400).JSON(rest.Problem{Title: "Bad request", Status: 400, Detail: "send {\"api_key\": …}"})
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.keysTried = append(f.keysTried, req.APIKey)
		role, ok := keyRoles[req.APIKey]
		if req.APIKey == bootToken {
			if f.bootUsed {
				return unauthenticated(c, detailUsedLink)
			}
			f.bootUsed, role, ok = true, "admin", true
		}
		if !ok {
			f.failures++
			if f.failures >= maxFailures {
				c.Set(fiber.HeaderRetryAfter, "30")
				c.Set(fiber.HeaderContentType, rest.ProblemContentType)
				return c.Status(fiber.StatusTooManyRequests).JSON(rest.Problem{Type: "/problems/rate-limited", Title: "Too many requests",
					Status: fiber.StatusTooManyRequests, Detail: detailTooMany}, rest.ProblemContentType)
			}
			return unauthenticated(c, detailWrongKey)
		}
		f.failures = 0
		f.nextSession++
		id := fmt.Sprintf("fake-session-%d", f.nextSession)
		p := principal{Kind: "key", Name: role, Role: role, Actor: "key:" + role, ExpiresAt: "2026-12-05T02:00:00Z"}
		f.sessions[id] = p
		c.Cookie(&fiber.Cookie{Name: "aida_session", Value: id, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
		return c.JSON(p)
	})
	app.Delete("/api/v1/session", func(c *fiber.Ctx) error {
		f.mu.Lock()
		delete(f.sessions, c.Cookies("aida_session"))
		f.signOuts++
		f.mu.Unlock()
		c.ClearCookie("aida_session")
		return c.SendStatus(fiber.StatusNoContent)
	})
	app.Use("/api/v1", func(c *fiber.Ctx) error {
		if _, ok := f.principal(c); !ok {
			return unauthenticated(c, detailNoSession)
		}
		return c.Next()
	})
}

// record notes the URL of every request, for the test that no request but the page's own
// carries the sign-in token.
func (f *fakeAPI) record(c *fiber.Ctx) error {
	f.mu.Lock()
	f.urls = append(f.urls, c.Method()+" "+c.OriginalURL())
	f.mu.Unlock()
	return c.Next()
}

// principal is the cookie's session's principal.
func (f *fakeAPI) principal(c *fiber.Ctx) (principal, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.sessions[c.Cookies("aida_session")]
	return p, ok
}

// revoke ends every session, as revoking a key or an expiry does.
func (f *fakeAPI) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.sessions)
}

// triedKeys is how many times POST /api/v1/session was called.
func (f *fakeAPI) triedKeys() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.keysTried)
}

// sessionCount is how many sessions are live.
func (f *fakeAPI) sessionCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sessions)
}

// requestsWith lists the recorded requests whose URL contains s.
func (f *fakeAPI) requestsWith(s string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, u := range f.urls {
		if strings.Contains(u, s) {
			out = append(out, u)
		}
	}
	return out
}

func unauthenticated(c *fiber.Ctx, detail string) error {
	c.Set(fiber.HeaderContentType, rest.ProblemContentType)
	return c.Status(fiber.StatusUnauthorized).JSON(rest.Problem{Type: "/problems/unauthenticated", Title: "Sign in first",
		Status: fiber.StatusUnauthorized, Detail: detail}, rest.ProblemContentType)
}
