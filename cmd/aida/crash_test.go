package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKillNineKeepsAcknowledgedWrites kills the server with SIGKILL in the middle of a write
// load, restarts it on the same data, and finds every write that had been answered 2xx.
func TestKillNineKeepsAcknowledgedWrites(t *testing.T) {
	for name, env := range backends(t) {
		t.Run(name, func(t *testing.T) {
			settings := env(t)
			s := startAida(t, settings...)
			c := &http.Client{Timeout: 10 * time.Second}

			var (
				mu    sync.Mutex
				acked = map[string]string{} // lead id → email
				n     atomic.Int64
				wg    sync.WaitGroup
			)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			for w := range 16 {
				wg.Go(func() {
					for i := 0; ctx.Err() == nil && i < 100000; i++ {
						email := fmt.Sprintf("w%d-%d@crash.example", w, i)
						code, l, err := postJSON(c, s.url+"/api/v1/leads", map[string]any{"email": email})
						if err != nil {
							return // the server is gone
						}
						if code == 201 {
							mu.Lock()
							acked[l["id"].(string)] = email
							mu.Unlock()
							n.Add(1)
						}
					}
				})
			}
			// Kill once a few hundred writes were acknowledged.
			deadline := time.Now().Add(20 * time.Second)
			for n.Load() < 300 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			s.kill(t)
			cancel()
			wg.Wait()
			if len(acked) < 300 {
				t.Fatalf("only %d writes acknowledged before the kill", len(acked))
			}

			s2 := startAida(t, settings...)
			for id, email := range acked {
				code, l, _ := call(t, c, "GET", s2.url+"/api/v1/leads/"+id, nil)
				if code != 200 || l["email"] != email {
					t.Fatalf("acknowledged lead %s (%s) after restart: %d %v", id, email, code, l)
				}
			}
			t.Logf("%d acknowledged leads all present after SIGKILL", len(acked))
		})
	}
}

// TestPostgresOutage stops PostgreSQL under a running server: requests that need the store
// answer 503 problem+json without hanging, and succeed again once it is back.
func TestPostgresOutage(t *testing.T) {
	s := startAida(t, "DATABASE_URL="+pg.NewDatabase(t), "AIDA_DATA_DIR="+t.TempDir(), "AIDA_REQUEST_TIMEOUT=3s")
	c := &http.Client{Timeout: 15 * time.Second}
	api := s.url + "/api/v1"
	acked := map[string]string{}
	for i := range 20 {
		email := fmt.Sprintf("before%d@outage.example", i)
		code, l, _ := call(t, c, "POST", api+"/leads", map[string]any{"email": email})
		if code != 201 {
			t.Fatalf("capture before the outage: %d %v", code, l)
		}
		acked[l["id"].(string)] = email
	}

	if err := pg.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			_ = pg.Start()
		}
	}()
	for i := range 5 {
		code, p, h := call(t, c, "POST", api+"/leads", map[string]any{"email": fmt.Sprintf("during%d@outage.example", i)})
		if code != 503 || h.Get("Retry-After") == "" || p["status"] != float64(503) {
			t.Fatalf("capture during the outage: %d %v %v", code, p, h)
		}
	}
	if code, p, _ := call(t, c, "GET", api+"/leads", nil); code != 503 {
		t.Fatalf("list during the outage: %d %v", code, p)
	}
	if code, p, _ := call(t, c, "GET", s.url+"/readyz", nil); code != 503 {
		t.Fatalf("readyz during the outage: %d %v", code, p)
	}

	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, l, _ := call(t, c, "POST", api+"/leads", map[string]any{"email": "after@outage.example"})
		if code == 201 || code == 200 {
			acked[l["id"].(string)] = "after@outage.example"
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("capture after PostgreSQL came back: still %d %v", code, l)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for id, email := range acked {
		code, l, _ := call(t, c, "GET", api+"/leads/"+id, nil)
		if code != 200 || l["email"] != email {
			t.Fatalf("lead %s after the outage: %d %v", id, code, l)
		}
	}
}
