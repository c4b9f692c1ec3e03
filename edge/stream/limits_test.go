package stream

import (
	"net/http"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
)

// TestConnectionLimits: a principal past its limit, and anyone past the total, gets 429 at the
// upgrade; a closed connection frees its place.
func TestConnectionLimits(t *testing.T) {
	h, _ := runHub(t)
	var limits *connLimits
	opt := WithConnectionLimits(3, 2, func(c *fiber.Ctx) string { return c.Get("X-Who") })
	capture := func(o *handlerOptions) { opt(o); limits = o.limits }
	url, _ := serveHub(t, h, nil, capture)
	open := func(who string) (*websocket.Conn, int) {
		t.Helper()
		conn, resp, err := (&websocket.Dialer{HandshakeTimeout: waitFor}).Dial(url, http.Header{"X-Who": []string{who}})
		if resp == nil {
			t.Fatalf("dial as %s: %v", who, err)
		}
		_ = resp.Body.Close()
		if err == nil {
			t.Cleanup(func() { _ = conn.Close() })
		}
		return conn, resp.StatusCode
	}
	first, _ := open("ann")
	open("ann")
	if _, status := open("ann"); status != http.StatusTooManyRequests {
		t.Fatalf("ann's third connection: %d, want 429", status)
	}
	if _, status := open("bob"); status != http.StatusSwitchingProtocols {
		t.Fatalf("bob's first connection: %d, want 101", status)
	}
	if _, status := open("cid"); status != http.StatusTooManyRequests {
		t.Fatalf("a connection past the total: %d, want 429", status)
	}
	_ = first.Close()
	deadline := time.Now().Add(waitFor)
	for total, ann := limits.counts("ann"); total != 2 || ann != 1; total, ann = limits.counts("ann") {
		if time.Now().After(deadline) {
			t.Fatalf("after a close: %d open, %d of ann's; want 2 and 1", total, ann)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, status := open("ann"); status != http.StatusSwitchingProtocols {
		t.Fatalf("ann after closing one: %d, want 101", status)
	}
}
