package ratelimit

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
)

// app limits requests carrying X-Client to 1 a second with a burst of 2; others pass.
func app(clk *clock) *fiber.App {
	a := fiber.New()
	a.Use(func(c *fiber.Ctx) error { c.Set("X-Request-ID", "req-1"); return c.Next() })
	a.Use(Middleware(New(WithClock(clk.now)), func(c *fiber.Ctx) (string, float64, int, bool) {
		client := c.Get("X-Client")
		return "key:" + client, 1, 2, client != ""
	}))
	a.Get("/api/v1/leads", func(c *fiber.Ctx) error { return c.SendString("ok") })
	return a
}

func TestMiddleware(t *testing.T) {
	clk := newClock()
	a := app(clk)
	tests := []struct {
		name                      string
		wait                      time.Duration
		client                    string
		status                    int
		policy, state, retryAfter string
	}{
		{"first", 0, "a", 200, `"default";q=2;w=2`, `"default";r=1;t=1`, ""},
		{"second", 0, "a", 200, `"default";q=2;w=2`, `"default";r=0;t=2`, ""},
		{"empty", 0, "a", 429, `"default";q=2;w=2`, `"default";r=0;t=2`, "1"},
		{"another key", 0, "b", 200, `"default";q=2;w=2`, `"default";r=1;t=1`, ""},
		{"not limited", 0, "", 200, "", "", ""},
		{"retry after rounds up", 300 * time.Millisecond, "a", 429, `"default";q=2;w=2`, `"default";r=0;t=2`, "1"},
		{"refilled", 700 * time.Millisecond, "a", 200, `"default";q=2;w=2`, `"default";r=0;t=2`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.move(tt.wait)
			req := httptest.NewRequest(fiber.MethodGet, "/api/v1/leads", nil)
			if tt.client != "" {
				req.Header.Set("X-Client", tt.client)
			}
			res, err := a.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			got := [4]string{res.Header.Get(HeaderPolicy), res.Header.Get(Header), res.Header.Get(fiber.HeaderRetryAfter)}
			want := [4]string{tt.policy, tt.state, tt.retryAfter}
			if res.StatusCode != tt.status || got != want {
				t.Fatalf("status %d, headers %q; want %d, %q (body %s)", res.StatusCode, got, tt.status, want, body)
			}
			if tt.status != 429 {
				return
			}
			var p rest.Problem
			if ct := res.Header.Get(fiber.HeaderContentType); ct != rest.ProblemContentType {
				t.Fatalf("content type %q", ct)
			}
			if err := json.Unmarshal(body, &p); err != nil || p.Type != "/problems/rate-limited" || p.Status != 429 ||
				p.Instance != "/api/v1/leads" || p.RequestID != "req-1" || p.Detail == "" {
				t.Fatalf("problem %+v, %v", p, err)
			}
		})
	}
}

func TestWholeSeconds(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want int64
	}{{0, 1}, {time.Millisecond, 1}, {time.Second, 1}, {time.Second + 100*time.Nanosecond, 1}, {1001 * time.Millisecond, 2}} {
		if got := wholeSeconds(tt.d); got != tt.want {
			t.Errorf("wholeSeconds(%v) = %d, want %d", tt.d, got, tt.want)
		}
	}
}
