package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/aidacrm/aida/runtime/bus"
)

// TestNATSOutage runs `aida serve` against an external NATS (NATS_URL), stops that server while
// writers keep capturing leads, and starts it again: every capture is acknowledged during the
// outage, and afterwards the stream holds each journaled event exactly once (by Nats-Msg-Id),
// every entity's events in version order.
func TestNATSOutage(t *testing.T) {
	storeDir := t.TempDir()
	ns, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: storeDir, Port: bus.RandomPort})
	if err != nil {
		t.Fatal(err)
	}
	_, portText, _ := net.SplitHostPort(ns.ClientURL()[len("nats://"):])
	port, _ := strconv.Atoi(portText)
	defer func() { ns.Shutdown() }()

	s := startAida(t, "AIDA_DATA_DIR="+t.TempDir(), "NATS_URL="+ns.ClientURL(), "AIDA_AGENTS=none")
	c := &http.Client{Timeout: 10 * time.Second}
	var mu sync.Mutex
	captured := 0
	write := func(phase string, n int) {
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range n {
					code, body, err := postJSON(c, s.url+"/api/v1/leads", map[string]any{
						"email": fmt.Sprintf("%s-%d-%d@example.com", phase, w, i), "company": "Outage Ltd"})
					if err != nil || code != 201 {
						t.Errorf("%s capture: %d %v %v", phase, code, body, err)
						return
					}
					mu.Lock()
					captured++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	write("before", 10)
	ns.Shutdown()
	write("during", 25)
	ns, err = bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: storeDir, Port: port})
	if err != nil {
		t.Fatalf("restart NATS on port %d: %v", port, err)
	}
	write("after", 10)

	// Every capture journals two events (captured, qualified).
	want := 2 * captured
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		info, err := js.Stream(t.Context(), bus.DefaultStreamName)
		if err == nil && int(info.CachedInfo().State.Msgs) >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream holds fewer than the %d events journaled (%v)\n%s", want, err, s.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cons, err := js.OrderedConsumer(t.Context(), bus.DefaultStreamName, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"crm.lead.>"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	versions := map[string]int64{}
	for len(ids) < want {
		m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatalf("read the stream after %d events: %v", len(ids), err)
		}
		id := m.Headers().Get("Nats-Msg-Id")
		if ids[id] {
			t.Fatalf("event %s is in the stream twice", id)
		}
		ids[id] = true
		var ce struct {
			Subject       string `json:"subject"`
			EntityVersion int64  `json:"entityversion"`
		}
		if err := json.Unmarshal(m.Data(), &ce); err != nil {
			t.Fatal(err)
		}
		if ce.EntityVersion != versions[ce.Subject]+1 {
			t.Fatalf("%s: version %d after %d", ce.Subject, ce.EntityVersion, versions[ce.Subject])
		}
		versions[ce.Subject] = ce.EntityVersion
	}
	if len(versions) != captured {
		t.Fatalf("events of %d leads; %d were captured", len(versions), captured)
	}
	if m, err := cons.Next(jetstream.FetchMaxWait(time.Second)); err == nil {
		t.Fatalf("an event beyond the %d journaled: %s", want, m.Subject())
	}
}
