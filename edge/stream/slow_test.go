package stream

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// TestSlowClientDropped: a client that never reads is dropped with 4000 once its queue is full
// of activity entries, while a client that reads gets the last version of every entity.
func TestSlowClientDropped(t *testing.T) {
	const entities = 20
	h, _ := runHub(t, WithQueue(64))
	url, _ := serveHub(t, h, nil)

	good := dial(t, url)
	good.subscribe(map[string]any{"sub": "all", "kinds": []string{"lead"}}, 1)
	slow := dialWith(t, url, &websocket.Dialer{HandshakeTimeout: waitFor}) // never reads until dropped
	slow.send(map[string]any{"type": msgSubscribe, "sub": "feed", "kinds": []string{"lead"}, "activity": true})
	eventually(t, "both subscribed", func() bool {
		n := 0
		for _, c := range h.Clients() {
			n += c.Subscriptions
		}
		return n == 2
	})

	// The good client reads everything, keeping the last version of each entity.
	var mu sync.Mutex
	last := map[string]int64{}
	reached := make(chan struct{}, 1)
	target := int64(-1)
	readErr := make(chan error, 1)
	go func() {
		for {
			f, err := good.tryRead()
			if err != nil {
				readErr <- err
				return
			}
			if f.Type != frameChange {
				continue
			}
			mu.Lock()
			last[f.ID] = max(last[f.ID], f.Version)
			done := len(last) == entities
			for _, v := range last {
				done = done && v == target
			}
			mu.Unlock()
			if done {
				select {
				case reached <- struct{}{}:
				default:
				}
			}
		}
	}()

	entry := json.RawMessage(`{"summary":"` + strings.Repeat("x", 8<<10) + `"}`)
	publishRound := func(v int64) {
		for i := range entities {
			h.Publish(leadUpdate(fmt.Sprintf("e%d", i), v, "new", entry))
		}
		eventually(t, "input drained", func() bool { return h.in.len() == 0 })
	}
	v := int64(0)
	for droppedClients(h, dropTooSlow) == 0 {
		if v++; v > 5000 {
			t.Fatal("the slow client was never dropped")
		}
		publishRound(v)
	}
	v++
	mu.Lock()
	target = v
	mu.Unlock()
	publishRound(v)
	select {
	case <-reached:
	case err := <-readErr:
		t.Fatalf("good client: %v", err)
	case <-time.After(waitFor):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the good client did not get version %d of every entity: %v", v, last)
	}
	slow.expectClose(CloseTooSlow)
	if n := droppedClients(h, dropTooSlow); n != 1 {
		t.Fatalf("%v clients dropped as too slow, want 1", n)
	}
	if n := droppedUpdates(h, updateQueueFull); n != 0 {
		t.Fatalf("%v updates dropped at the input", n)
	}
	eventually(t, "slow client gone", func() bool { return len(h.Clients()) == 1 })
}
