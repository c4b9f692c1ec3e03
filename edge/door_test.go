package edge

import (
	"context"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
)

func TestHostAllowlist(t *testing.T) {
	for _, tc := range []struct {
		name    string
		allowed []string
		host    string
		path    string
		header  []string
		status  int
	}{
		{"loopback name", nil, "localhost:8080", "/openapi.json", nil, 200},
		{"loopback name, any case", nil, "LocalHost", "/openapi.json", nil, 200},
		{"loopback IPv4", nil, "127.0.0.1:9999", "/openapi.json", nil, 200},
		{"loopback IPv6", nil, "[::1]:8080", "/openapi.json", nil, 200},
		{"rebinding name", nil, "attacker.example:8080", "/openapi.json", nil, 421},
		{"suffix of an allowed name", nil, "localhost.attacker.example", "/openapi.json", nil, 421},
		{"X-Forwarded-Host is not read", nil, "attacker.example", "/api/v1/leads", []string{"X-Forwarded-Host", "localhost"}, 421},
		{"unknown path, foreign host", nil, "attacker.example", "/nothing", nil, 421},
		{"dashboard, foreign host", nil, "attacker.example", "/", nil, 421},
		{"healthz answers any host", nil, "attacker.example", "/healthz", nil, 200},
		{"configured host", []string{"crm.example.com"}, "crm.example.com:443", "/openapi.json", nil, 200},
		{"configured list replaces the defaults", []string{"crm.example.com"}, "localhost", "/openapi.json", nil, 421},
		{"configured port", []string{"crm.example.com:8443"}, "crm.example.com:8443", "/openapi.json", nil, 200},
		{"other port", []string{"crm.example.com:8443"}, "crm.example.com:8080", "/openapi.json", nil, 421},
		{"no port given, port configured", []string{"crm.example.com:8443"}, "crm.example.com", "/openapi.json", nil, 421},
		{"any host", []string{"*"}, "whatever.example", "/openapi.json", nil, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{AllowedHosts: tc.allowed})
			r := h.do(t, "GET", tc.path, "", append([]string{"Host", tc.host}, tc.header...)...)
			if tc.status == 421 {
				if p := wantProblem(t, r, 421); p["type"] != "/problems/misdirected-request" {
					t.Errorf("type %v", p["type"])
				}
				return
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{AllowedHosts: []string{"http://crm.example.com"}},
		{AllowedHosts: []string{""}},
		{AllowedHosts: []string{"crm.example.com:http"}},
		{CORSOrigins: []string{"crm.example.com"}},
		{CORSOrigins: []string{"https://crm.example.com/app"}},
		{CORSOrigins: []string{"*"}},
	} {
		if _, err := New(cfg, Deps{Entities: &fakeEntities{}}); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestWritesTakeOnlyJSON(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.send = func(_ context.Context, _, id string, _ *aidapb.Command) (*aidapb.Reply, error) {
		return leadReply(id), nil
	}
	status := "/api/v1/leads/" + leadID + "/status"
	for _, tc := range []struct {
		name, method, path, body, contentType string
		want                                  int
	}{
		{"json", "POST", status, `{"status":"contacted"}`, "application/json", 200},
		{"json with charset", "POST", status, `{"status":"contacted"}`, "application/json; charset=utf-8", 200},
		{"json, odd case", "POST", status, `{"status":"contacted"}`, "Application/JSON", 200},
		{"text/plain", "POST", status, `{"status":"contacted"}`, "text/plain", 415},
		{"text/plain with charset", "POST", status, `{"status":"contacted"}`, "text/plain;charset=UTF-8", 415},
		{"form", "POST", status, `status=contacted`, "application/x-www-form-urlencoded", 415},
		{"xml", "PATCH", "/api/v1/leads/" + leadID, `{"company":"x"}`, "application/xml", 415},
		{"no content type", "POST", "/api/v1/leads", `{"email":"a@b.co"}`, "", 415},
		{"malformed content type", "POST", "/api/v1/leads", `{"email":"a@b.co"}`, "application/json; =", 415},
		{"json suffix is not json", "POST", "/api/v1/leads", `{"email":"a@b.co"}`, "application/ld+json", 415},
		{"PUT", "PUT", "/api/v1/leads/" + leadID + "/flags/stale", `{"reason":"r"}`, "text/plain", 415},
		{"DELETE with a body", "DELETE", "/api/v1/leads/" + leadID + "/flags/stale", `{}`, "text/plain", 415},
		{"no body, no content type", "POST", "/api/v1/leads/" + leadID + "/restore", "", "", 200},
		{"no body, any content type", "DELETE", "/api/v1/leads/" + leadID + "/flags/stale", "", "text/plain", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(t, tc.method, tc.path, tc.body, "Content-Type", tc.contentType)
			if tc.want == 415 {
				p := wantProblem(t, r, 415)
				if d, _ := p["detail"].(string); !strings.Contains(d, "application/json") {
					t.Errorf("detail %q does not say what to send", d)
				}
				return
			}
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
		})
	}
}

func TestNoSniffEverywhere(t *testing.T) {
	h := newHarness(t, Config{})
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/healthz", ""},
		{"GET", "/openapi.json", ""},
		{"GET", "/", ""},
		{"GET", "/api/v1/nothing", ""},
		{"PUT", "/api/v1/leads", `{}`},
		{"PROPFIND", "/api/v1/leads", ""},
		{"POST", "/api/v1/leads", `{}`},
		{"GET", "/api/v1/leads/42", ""},
	} {
		if r := h.do(t, tc.method, tc.path, tc.body); r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q", tc.method, tc.path, r.status, r.header.Get("X-Content-Type-Options"))
		}
	}
	r := h.do(t, "GET", "/healthz", "", "Host", "attacker.example:1")
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("healthz: no nosniff")
	}
	r = h.do(t, "GET", "/api/v1/leads", "", "Host", "attacker.example")
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("421: no nosniff")
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := newHarness(t, Config{})
	for _, tc := range []struct{ method, path, allow string }{
		{"PUT", "/api/v1/leads", "GET, POST"},
		{"DELETE", "/api/v1/leads/", "GET, POST"},
		{"POST", "/api/v1/leads/" + leadID, "DELETE, GET, PATCH"},
		{"OPTIONS", "/api/v1/stats/overview", "GET"},
		{"TRACE", "/api/v1/leads/" + leadID + "/flags/stale", "DELETE, PUT"},
		{"PROPFIND", "/api/v1/leads", "GET, POST"},
		{"FOO", "/api/v1/deals/" + dealID + "/stage", "POST"},
		{"BREW", "/", "GET, HEAD"},
		{"POST", "/assets/app.js", "GET, HEAD"},
	} {
		r := h.do(t, tc.method, tc.path, "")
		p := wantProblem(t, r, 405)
		if p["type"] != "/problems/method-not-allowed" || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: type %v, Allow %q, want %q", tc.method, tc.path, p["type"], r.header.Get("Allow"), tc.allow)
		}
	}
	for _, tc := range []struct{ method, path string }{{"GET", "/api/v1/nothing"}, {"FOO", "/api/v1/nothing"}, {"PUT", "/nothing"}} {
		r := h.do(t, tc.method, tc.path, "")
		if wantProblem(t, r, 404); r.header.Get("Allow") != "" {
			t.Errorf("%s %s: Allow %q on a 404", tc.method, tc.path, r.header.Get("Allow"))
		}
	}
}

func TestCORS(t *testing.T) {
	const app = "https://app.example.com"
	preflight := []string{"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"}
	for _, tc := range []struct {
		name    string
		origins []string
		method  string
		header  []string
		status  int
		allowed string // Access-Control-Allow-Origin
	}{
		{"configured origin", []string{app}, "GET", []string{"Origin", app}, 200, app},
		{"configured with a trailing slash", []string{app + "/"}, "GET", []string{"Origin", app}, 200, app},
		{"preflight", []string{app}, "OPTIONS", append([]string{"Origin", app}, preflight...), 204, app},
		{"other origin", []string{app}, "GET", []string{"Origin", "https://attacker.example"}, 200, ""},
		{"other origin's preflight", []string{app}, "OPTIONS", append([]string{"Origin", "https://attacker.example"}, preflight...), 405, ""},
		{"none configured", nil, "GET", []string{"Origin", app}, 200, ""},
		{"none configured, preflight", nil, "OPTIONS", append([]string{"Origin", app}, preflight...), 405, ""},
		{"no origin", []string{app}, "GET", nil, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{CORSOrigins: tc.origins})
			r := h.do(t, tc.method, "/openapi.json", "", tc.header...)
			if r.status != tc.status || r.header.Get("Access-Control-Allow-Origin") != tc.allowed {
				t.Fatalf("status %d, Allow-Origin %q; want %d, %q", r.status,
					r.header.Get("Access-Control-Allow-Origin"), tc.status, tc.allowed)
			}
			if tc.allowed == "" && r.header.Get("Access-Control-Allow-Methods") != "" {
				t.Errorf("CORS headers for an origin not configured")
			}
			if tc.status == 204 && (!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "POST") ||
				!strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Content-Type")) {
				t.Errorf("preflight headers %v", r.header)
			}
			if len(tc.origins) > 0 && len(tc.header) > 0 && !strings.Contains(r.header.Get("Vary"), "Origin") {
				t.Errorf("no Vary: Origin")
			}
		})
	}
}
