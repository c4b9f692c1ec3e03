package edge

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/policies/access"
)

// TestRateLimits: a key's own rate limit answers 429 with the RateLimit headers once its burst
// is spent; requests without credentials are limited per address; sign-in attempts too.
func TestRateLimits(t *testing.T) {
	h := newHarness(t, Config{AnonRateLimit: 1})
	h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		return leadReply(leadID), nil
	}
	_, token, err := h.keys.Create(t.Context(), "slow", access.Viewer, 1) // 1/s, burst 2
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/leads/" + leadID
	for i := range 2 {
		r := h.do(t, "GET", path, "", "Authorization", "Bearer "+token)
		if r.status != 200 || r.header.Get("RateLimit") == "" || r.header.Get("RateLimit-Policy") == "" {
			t.Fatalf("request %d: %d, RateLimit %q", i, r.status, r.header.Get("RateLimit"))
		}
	}
	r := h.do(t, "GET", path, "", "Authorization", "Bearer "+token)
	if wantProblem(t, r, 429); r.header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	if r := h.do(t, "GET", path, ""); r.status != 200 || r.header.Get("RateLimit") != "" {
		t.Errorf("the admin key (no limit of its own, AIDA_RATE_LIMIT 0): %d, RateLimit %q", r.status, r.header.Get("RateLimit"))
	}
	anon := 0
	for range anonBurst + 1 {
		if r := h.do(t, "GET", path, "", "Authorization", ""); r.status == 429 {
			anon++
		}
	}
	if anon == 0 {
		t.Errorf("requests without credentials are not limited")
	}
	limited := false
	for range signInBurst + 1 {
		r := h.do(t, "POST", "/api/v1/session", `{"api_key":"wrong"}`, "Authorization", "")
		limited = limited || r.status == 429
	}
	if !limited {
		t.Errorf("sign-in attempts are not limited")
	}
}

// TestIdempotencyKey: a POST repeated with the same Idempotency-Key is answered from the
// first, without a second command.
func TestIdempotencyKey(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	keys, err := access.New(st, testAdminKey)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{fake: &fakeEntities{}, reg: prometheus.NewRegistry(), logs: &syncBuffer{}, keys: keys}
	h.srv, err = New(Config{}, Deps{Entities: h.fake, Logger: slog.New(slog.DiscardHandler), Registerer: h.reg, Gatherer: h.reg,
		Keys: keys, Idempotency: st})
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		sent++
		return leadReply(leadID), nil
	}
	note := "/api/v1/leads/" + leadID + "/notes"
	first := h.do(t, "POST", note, `{"text":"called"}`, "Idempotency-Key", "k-1")
	again := h.do(t, "POST", note, `{"text":"called"}`, "Idempotency-Key", "k-1")
	if first.status != 201 || again.status != 201 || string(first.body) != string(again.body) || sent != 1 ||
		again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("first %d, again %d (replayed %q), %d commands sent", first.status, again.status, again.header.Get("Idempotent-Replayed"), sent)
	}
	p := wantProblem(t, h.do(t, "POST", note, `{"text":"other"}`, "Idempotency-Key", "k-1"), 422)
	if !strings.Contains(p["detail"].(string), "Idempotency-Key") {
		t.Errorf("detail %v", p["detail"])
	}
	_, other, _ := keys.Create(t.Context(), "other", access.Rep, 0)
	if r := h.do(t, "POST", note, `{"text":"called"}`, "Idempotency-Key", "k-1", "Authorization", "Bearer "+other); r.status != 201 || sent != 2 {
		t.Errorf("another principal's same key: %d, %d commands sent", r.status, sent)
	}
}

// TestClientAddressBehindProxy: behind a trusted proxy, each client named by X-Forwarded-For
// has its own bucket; from an untrusted peer the header is ignored.
func TestClientAddressBehindProxy(t *testing.T) {
	for _, tt := range []struct {
		trusted  []string
		separate bool
	}{{[]string{"0.0.0.0"}, true}, {nil, false}} {
		h := newHarness(t, Config{AnonRateLimit: 1, TrustedProxies: tt.trusted})
		limited := func(client string) bool {
			for range anonBurst + 1 {
				if h.do(t, "GET", "/api/v1/leads", "", "Authorization", "", "X-Forwarded-For", client).status == 429 {
					return true
				}
			}
			return false
		}
		if !limited("203.0.113.1") {
			t.Fatalf("trusted %v: the first client is never limited", tt.trusted)
		}
		if got := h.do(t, "GET", "/api/v1/leads", "", "Authorization", "", "X-Forwarded-For", "203.0.113.2").status; (got != 429) != tt.separate {
			t.Errorf("trusted %v: another client's first request: %d, want its own bucket %v", tt.trusted, got, tt.separate)
		}
	}
}
