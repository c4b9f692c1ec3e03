package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestAPI walks the REST API of a running server on each backend, as the README shows it.
func TestAPI(t *testing.T) {
	for name, env := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := startAida(t, env(t)...)
			c := &http.Client{}
			api := s.url + "/api/v1"

			code, lead, _ := call(t, c, "POST", api+"/leads", map[string]any{
				"email": "Ada@Example.com", "first_name": "Ada", "company": "Analytical Engines Ltd", "source": "demo_request"})
			if code != 201 {
				t.Fatalf("capture: %d %v", code, lead)
			}
			id, _ := lead["id"].(string)
			if lead["email"] != "ada@example.com" || lead["status"] != "new" || lead["duplicate"] != false {
				t.Fatalf("captured lead = %v", lead)
			}
			q, _ := lead["qualification"].(map[string]any)
			if dims, _ := q["dimensions"].([]any); len(dims) != 7 {
				t.Fatalf("qualification has %d dimensions, want 7: %v", len(dims), q)
			}
			for _, f := range []string{"next_actions", "autonomy_level", "version", "created_at", "updated_at"} {
				if _, ok := lead[f]; !ok {
					t.Errorf("lead has no %q", f)
				}
			}

			code, dup, _ := call(t, c, "POST", api+"/leads", map[string]any{"email": "ADA@example.com"})
			if code != 200 || dup["duplicate"] != true || dup["id"] != id {
				t.Fatalf("duplicate capture: %d %v", code, dup)
			}

			// 50 concurrent captures of a new email make one lead.
			var wg sync.WaitGroup
			ids := make(chan string, 50)
			created := make(chan int, 50)
			for range 50 {
				wg.Go(func() {
					code, l, _ := call(t, c, "POST", api+"/leads", map[string]any{"email": "Grace@Example.com"})
					if code == 201 {
						created <- 1
					} else if code != 200 {
						t.Errorf("concurrent capture: %d %v", code, l)
					}
					ids <- fmt.Sprint(l["id"])
				})
			}
			wg.Wait()
			close(ids)
			close(created)
			first := ""
			for got := range ids {
				if first == "" {
					first = got
				}
				if got != first {
					t.Fatalf("concurrent captures returned leads %s and %s", first, got)
				}
			}
			if len(created) != 1 {
				t.Fatalf("%d concurrent captures answered 201; want 1", len(created))
			}

			code, got, _ := call(t, c, "GET", api+"/leads/"+id, nil)
			if code != 200 || got["id"] != id {
				t.Fatalf("get lead: %d %v", code, got)
			}
			code, got, _ = call(t, c, "PATCH", api+"/leads/"+id, map[string]any{"last_name": "Lovelace", "phone": "+44 20 7946 0000"})
			if code != 200 || got["last_name"] != "Lovelace" {
				t.Fatalf("patch lead: %d %v", code, got)
			}
			code, got, _ = call(t, c, "POST", api+"/leads/"+id+"/notes", map[string]any{"text": "met at the expo"})
			if code != 201 {
				t.Fatalf("note: %d %v", code, got)
			}
			code, got, _ = call(t, c, "POST", api+"/leads/"+id+"/autonomy", map[string]any{"level": 4, "reason": "trusted"})
			if code != 200 || got["autonomy_level"] != float64(4) {
				t.Fatalf("autonomy: %d %v", code, got)
			}

			// Problems a person can act on.
			code, p, h := call(t, c, "POST", api+"/leads/"+id+"/convert", map[string]any{})
			if code != 409 || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || p["detail"] == "" {
				t.Fatalf("convert a new lead: %d %v", code, p)
			}
			code, p, _ = call(t, c, "POST", api+"/leads", map[string]any{"email": "not-an-email", "first_name": strings.Repeat("x", 300)})
			errs, _ := p["errors"].([]any)
			if code != 422 || len(errs) < 2 {
				t.Fatalf("invalid capture: %d %v; want 422 naming email and first_name", code, p)
			}
			code, p, _ = call(t, c, "GET", api+"/leads/0190a0e4-0000-7000-8000-000000000000", nil)
			if code != 404 {
				t.Fatalf("unknown lead: %d %v", code, p)
			}
			code, p, _ = call(t, c, "POST", api+"/leads/"+id+"/status", map[string]any{"status": "converted"})
			if code != 409 && code != 422 {
				t.Fatalf("status converted by hand: %d %v", code, p)
			}

			code, got, _ = call(t, c, "POST", api+"/leads/"+id+"/status", map[string]any{"status": "qualified", "reason": "budget confirmed"})
			if code != 200 || got["status"] != "qualified" {
				t.Fatalf("qualify: %d %v", code, got)
			}
			code, d, _ := call(t, c, "POST", api+"/leads/"+id+"/convert", map[string]any{"value": "25000.00"})
			// The probability is the reference's for a converted lead (20..80; it depends on the
			// hour through the urgency dimension), not the qualified stage's 25.
			prob, _ := d["probability"].(float64)
			if code != 201 || d["lead_id"] != id || d["stage"] != "qualified" || prob == 25 || prob < 20 || prob > 80 ||
				d["weighted_value"] != fmt.Sprintf("%.2f", 25000*prob/100) {
				t.Fatalf("convert: %d %v", code, d)
			}
			dealID, _ := d["id"].(string)
			code, got, _ = call(t, c, "POST", api+"/deals/"+dealID+"/stage", map[string]any{"stage": "closed_won"})
			if code != 409 {
				t.Fatalf("qualified → closed_won: %d %v; want 409", code, got)
			}
			for _, st := range []string{"proposal", "negotiation", "closed_lost", "qualified", "proposal", "negotiation", "closed_won"} {
				code, got, _ = call(t, c, "POST", api+"/deals/"+dealID+"/stage", map[string]any{"stage": st, "reason": "test"})
				if code != 200 || got["stage"] != st {
					t.Fatalf("stage %s: %d %v", st, code, got)
				}
			}
			if got["forecast_category"] != "closed" || got["probability"] != float64(100) {
				t.Fatalf("won deal = %v", got)
			}
			code, acc, _ := call(t, c, "POST", api+"/accounts", map[string]any{"from_deal_id": dealID})
			if code != 201 || acc["name"] != "Analytical Engines Ltd" || acc["lifecycle"] != "onboarding" {
				t.Fatalf("account from deal: %d %v", code, acc)
			}

			code, list, _ := call(t, c, "GET", api+"/leads?status=converted&limit=10", nil)
			items, _ := list["items"].([]any)
			if code != 200 || len(items) != 1 {
				t.Fatalf("list converted leads: %d %v", code, list)
			}
			code, list, _ = call(t, c, "GET", api+"/deals?stage=closed_won", nil)
			if items, _ := list["items"].([]any); code != 200 || len(items) != 1 {
				t.Fatalf("list won deals: %d %v", code, list)
			}
			code, tl, _ := call(t, c, "GET", api+"/leads/"+id+"/timeline", nil)
			entries, _ := tl["items"].([]any)
			if code != 200 || len(entries) < 5 {
				t.Fatalf("timeline: %d %v", code, tl)
			}

			for _, path := range []string{"/healthz", "/readyz", "/openapi.json"} {
				if code, body, _ := call(t, c, "GET", s.url+path, nil); code != 200 {
					t.Errorf("%s: %d %v", path, code, body)
				}
			}
			res, err := c.Get(s.url + "/metrics")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("metrics: %v %v", res, err)
			}
			res.Body.Close()
		})
	}
}
