package edge

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
)

// serve runs h's server on a random port until the test ends and returns its base URL.
func serve(t *testing.T, h *harness) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after its context ended")
		}
	})
	return "http://" + ln.Addr().String()
}

func TestServeAndBodyLimit(t *testing.T) {
	h := newHarness(t, Config{BodyLimit: 1024})
	h.fake.capture = func(_ context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
		return &aidapb.Lead{Id: leadID, Email: cmd.GetCaptureLead().GetEmail()}, false, nil
	}
	base := serve(t, h)
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("healthz %d", res.StatusCode)
	}
	post := func(body string) (*http.Response, map[string]any) {
		t.Helper()
		req, err := http.NewRequest("POST", base+"/api/v1/leads", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testAdminKey)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%v: %s", err, b)
		}
		return res, m
	}
	if res, _ := post(`{"email":"a@b.co"}`); res.StatusCode != 201 {
		t.Fatalf("capture %d", res.StatusCode)
	}
	res, p := post(`{"email":"a@b.co","company":"` + strings.Repeat("x", 2000) + `"}`)
	if res.StatusCode != 413 || p["type"] != "/problems/body-too-large" || p["request_id"] == "" ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("over the limit: %d %v %v", res.StatusCode, res.Header, p)
	}
}

func TestListenFails(t *testing.T) {
	h := newHarness(t, Config{})
	if err := h.srv.Listen(context.Background(), "256.0.0.1:bad"); err == nil {
		t.Fatal("Listen on a bad address succeeded")
	}
}

func TestNewChecksDeps(t *testing.T) {
	if _, err := New(Config{}, Deps{}); !errors.Is(err, ErrNoEntities) {
		t.Fatalf("New without Entities: %v", err)
	}
	if _, err := New(Config{BodyLimit: -1}, Deps{Entities: &fakeEntities{}}); err == nil {
		t.Fatal("New accepted a negative body limit")
	}
	// Two servers may share a registry (the collectors are reused).
	h := newHarness(t, Config{})
	if _, err := New(Config{}, Deps{Entities: h.fake, Registerer: h.reg, Gatherer: h.reg}); err != nil {
		t.Fatalf("second server on one registry: %v", err)
	}
}
