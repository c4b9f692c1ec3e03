package edge

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/policies/access"
)

// cookieOf returns the aida_session cookie a response sets.
func cookieOf(t *testing.T, r response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", sessionCookie, r.header)
	return nil
}

// TestBrowserSession signs in the way the dashboard does, then reads and writes with the cookie
// alone: reads pass, writes pass only from the server's own origin, sign-out ends it.
func TestBrowserSession(t *testing.T) {
	h := newHarness(t, Config{CORSOrigins: []string{"https://app.example.com"}})
	h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		return leadReply(leadID), nil
	}
	token := strings.TrimPrefix(h.bearer(t, "ann", access.Rep), "Bearer ")

	wantProblem(t, h.do(t, "POST", "/api/v1/session", `{"api_key":"aida_nope"}`, "Authorization", ""), 401)
	wantProblem(t, h.do(t, "POST", "/api/v1/session", `{}`, "Authorization", ""), 422)
	r := h.do(t, "POST", "/api/v1/session", `{"api_key":"`+token+`"}`, "Authorization", "")
	if m := r.json(t); r.status != 200 || m["actor"] != "key:ann" || m["expires_at"] == nil {
		t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	c := cookieOf(t, r)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || strings.Contains(c.Value, token) {
		t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, not Secure over http, without the key", c)
	}
	cookie := sessionCookie + "=" + c.Value
	note := "/api/v1/leads/" + leadID + "/notes"

	if r := h.do(t, "GET", "/api/v1/session", "", "Authorization", "", "Cookie", cookie); r.status != 200 || r.json(t)["expires_at"] == nil {
		t.Fatalf("who am I with the cookie: %d %s", r.status, r.body)
	}
	if r := h.do(t, "GET", "/api/v1/leads/"+leadID, "", "Authorization", "", "Cookie", cookie); r.status != 200 {
		t.Fatalf("read with the cookie: %d %s", r.status, r.body)
	}
	for _, origin := range []string{"", "null", "https://evil.example", "http://127.0.0.1:8080.evil.example"} {
		p := wantProblem(t, h.do(t, "POST", note, `{"text":"hi"}`, "Authorization", "", "Cookie", cookie, "Origin", origin), 403)
		if !strings.Contains(p["detail"].(string), "Origin") {
			t.Errorf("origin %q: %v", origin, p["detail"])
		}
	}
	for _, origin := range []string{"http://127.0.0.1:8080", "https://app.example.com"} {
		if r := h.do(t, "POST", note, `{"text":"hi"}`, "Authorization", "", "Cookie", cookie, "Origin", origin); r.status != 201 {
			t.Errorf("write from %s: %d %s", origin, r.status, r.body)
		}
	}
	// A bearer key needs no Origin: it is not sent by browsers on their own.
	if r := h.do(t, "POST", note, `{"text":"hi"}`, "Origin", "https://evil.example"); r.status != 201 {
		t.Errorf("bearer write: %d %s", r.status, r.body)
	}

	r = h.do(t, "DELETE", "/api/v1/session", "", "Authorization", "", "Cookie", cookie, "Origin", "http://127.0.0.1:8080")
	if out := cookieOf(t, r); r.status != 204 || out.Value != "" || out.Expires.Year() > 1970 {
		t.Fatalf("sign out: %d, cookie %+v", r.status, out)
	}
	forged := sessionCookie + "=" + c.Value[:len(c.Value)-2] + "xx"
	r = h.do(t, "GET", "/api/v1/leads/"+leadID, "", "Authorization", "", "Cookie", forged)
	if p := wantProblem(t, r, 401); !strings.Contains(p["detail"].(string), "sign in") || cookieOf(t, r).Value != "" {
		t.Errorf("a forged session: %v; the cookie is not cleared", p["detail"])
	}
	if r := h.do(t, "GET", "/api/v1/leads/"+leadID, "", "Authorization", "", "Cookie", cookie); r.status != 200 {
		t.Errorf("the session still reads after sign-out on another browser: %d", r.status)
	}
}

// TestSecureCookieBehindTLS: a sign-in that a trusted proxy says came over https sets a Secure
// cookie; the same header from anyone else is not believed.
func TestSecureCookieBehindTLS(t *testing.T) {
	for _, tt := range []struct {
		trusted []string
		secure  bool
	}{{[]string{"0.0.0.0"}, true}, {nil, false}, {[]string{"10.0.0.0/8"}, false}} { // app.Test's peer is 0.0.0.0
		h := newHarness(t, Config{TrustedProxies: tt.trusted})
		token := strings.TrimPrefix(h.bearer(t, "ann", access.Viewer), "Bearer ")
		r := h.do(t, "POST", "/api/v1/session", `{"api_key":"`+token+`"}`, "Authorization", "", "X-Forwarded-Proto", "https")
		if c := cookieOf(t, r); c.Secure != tt.secure {
			t.Errorf("trusted proxies %v: cookie %+v, want Secure %v", tt.trusted, c, tt.secure)
		}
	}
}

// TestKeysOverREST: an admin makes a key, sees it listed without its secret, and the key works.
func TestKeysOverREST(t *testing.T) {
	h := newHarness(t, Config{})
	r := h.do(t, "POST", "/api/v1/keys", `{"name":"ci-bot","role":"rep","rate_limit":5}`)
	m := r.json(t)
	secret, _ := m["key"].(string)
	if r.status != 201 || !strings.HasPrefix(secret, "aida_") || m["role"] != "rep" || r.header.Get("Location") == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	list := h.do(t, "GET", "/api/v1/keys", "")
	if list.status != 200 || strings.Contains(string(list.body), secret[14:]) || !strings.Contains(string(list.body), "ci-bot") {
		t.Fatalf("list: %d %s", list.status, list.body)
	}
	if r := h.do(t, "GET", "/api/v1/session", "", "Authorization", "Bearer "+secret); r.json(t)["actor"] != "key:ci-bot" {
		t.Fatalf("the new key: %s", r.body)
	}
	for body, field := range map[string]string{
		`{"name":"x","role":"root"}`:                "role",
		`{"name":"a b","role":"rep"}`:               "name",
		`{"name":"x","role":"rep","rate_limit":-1}`: "rate_limit",
		`{"name":"AIDA_ADMIN_KEY","role":"admin"}`:  "name",
		`{"role":"rep"}`:                            "name",
	} {
		p := wantProblem(t, h.do(t, "POST", "/api/v1/keys", body), 422)
		if !strings.Contains(string(h.do(t, "POST", "/api/v1/keys", body).body), `"field":"`+field+`"`) {
			t.Errorf("%s: %v does not name %s", body, p["errors"], field)
		}
	}
	wantProblem(t, h.do(t, "DELETE", "/api/v1/keys/nokey234", ""), 404)
}

// TestProbes: /readyz and /metrics need a principal or the metrics token from a remote client.
func TestProbes(t *testing.T) {
	h := newHarness(t, Config{MetricsToken: "scrape-token-0123456789abcdef"})
	h.fake.ready = func(context.Context) error { return nil }
	for _, path := range []string{"/readyz", "/metrics"} {
		wantProblem(t, h.do(t, "GET", path, "", "Authorization", ""), 401)
		wantProblem(t, h.do(t, "GET", path, "", "Authorization", "Bearer scrape-token-0123456789abcdeX"), 401)
		if r := h.do(t, "GET", path, "", "Authorization", "Bearer scrape-token-0123456789abcdef"); r.status != 200 {
			t.Errorf("%s with the metrics token: %d", path, r.status)
		}
		if r := h.do(t, "GET", path, "", "Authorization", h.bearer(t, "prom"+path[1:3], access.Viewer)); r.status != 200 {
			t.Errorf("%s with a viewer key: %d", path, r.status)
		}
	}
	if r := h.do(t, "GET", "/healthz", "", "Authorization", ""); r.status != 200 {
		t.Errorf("healthz: %d", r.status)
	}
}
