package stream

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/aidacrm/aida/api/rest"
)

// TestHello: a client learns the server time, heartbeat and limits first.
func TestHello(t *testing.T) {
	h, _ := runHub(t, WithClock(fixedClock), WithQueue(32))
	url, _ := serveHub(t, h, nil)
	c := dialWith(t, url, &websocket.Dialer{HandshakeTimeout: waitFor})
	f := c.read()
	want := Limits{Subscriptions: 16, IDs: 100, MessageBytes: 16 << 10, Queue: 32}
	if f.Type != frameHello || f.HeartbeatMS != 15000 || f.Limits == nil || *f.Limits != want ||
		f.ServerTime != string(rest.FormatTime(noon)) {
		t.Fatalf("hello %+v limits %+v", f, f.Limits)
	}
}

// TestUpgradeRequired: plain HTTP gets 426 with a problem.
func TestUpgradeRequired(t *testing.T) {
	h, _ := runHub(t)
	_, base := serveHub(t, h, nil)
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var p rest.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if resp.StatusCode != http.StatusUpgradeRequired || resp.Header.Get("Content-Type") != rest.ProblemContentType ||
		p.Status != http.StatusUpgradeRequired || p.Type != "/problems/upgrade-required" || p.Instance != "/api/v1/stream" {
		t.Fatalf("status %d content-type %q problem %+v", resp.StatusCode, resp.Header.Get("Content-Type"), p)
	}
}

// TestSubscribeSnapshotThenChanges: a kind subscription gets the most recent entities, then the
// changes of its kind only.
func TestSubscribeSnapshotThenChanges(t *testing.T) {
	h, _ := runHub(t)
	snaps := &memSnapshots{}
	snaps.add("lead", "l2", 5, "contacted", "user:7")
	snaps.add("lead", "l1", 3, "new", "user:7")
	snaps.add("deal", "d1", 1, "prospect", "user:7")
	snaps.add("lead", "l3", 1, "new", "user:7")
	url, _ := serveHub(t, h, snaps)
	c := dial(t, url)

	got := c.subscribe(map[string]any{"sub": "s1", "kinds": []string{"lead"}, "snapshot": 2}, 1)
	if ids := got[0].itemIDs(t); got[0].Kind != "lead" || !slices.Equal(ids, []string{"l2", "l1"}) {
		t.Fatalf("snapshot %v items %v", got[0], ids)
	}
	h.Publish(Update{Kind: "deal", ID: "d1", Version: 2, View: json.RawMessage(`{"id":"d1"}`), Status: "qualified"})
	h.Publish(leadUpdate("l1", 4, "contacted"))
	f := c.expect(frameChange, "s1")
	var v view
	if err := json.Unmarshal(f.View, &v); err != nil {
		t.Fatal(err)
	}
	if f.Kind != "lead" || f.ID != "l1" || f.Version != 4 || v.Status != "contacted" || v.Version != 4 {
		t.Fatalf("change %v view %s", f, f.View)
	}
	c.ping(1) // nothing else came: the deal was not sent
}

// TestFilterByStatus: a filtered subscription sees entities that match, and the change that
// takes one out of the filter; of an entity the hub knew nothing of before, it sees the first
// change whatever it is.
func TestFilterByStatus(t *testing.T) {
	h, _ := runHub(t)
	url, _ := serveHub(t, h, nil)
	seed := dial(t, url) // makes the hub know a, b and c
	seed.subscribe(map[string]any{"sub": "all", "kinds": []string{"lead"}}, 1)
	h.Publish(leadUpdate("a", 1, "new"))
	h.Publish(leadUpdate("b", 1, "contacted"))
	h.Publish(leadUpdate("c", 1, "contacted"))
	for range 3 {
		seed.expect(frameChange, "all")
	}

	c := dial(t, url)
	c.subscribe(map[string]any{"sub": "new", "kinds": []string{"lead"}, "filter": map[string]string{"status": "new"}}, 1)
	c.subscribe(map[string]any{"sub": "mine", "kinds": []string{"lead"}, "filter": map[string]string{"owner": "user:9"}}, 1)
	h.Publish(leadUpdate("b", 2, "contacted")) // never in
	h.Publish(leadUpdate("a", 2, "contacted")) // leaves the filter: sent
	h.Publish(leadUpdate("a", 3, "qualified")) // was out, is out (or merged with 2 while waiting)
	h.Publish(leadUpdate("c", 2, "new"))       // comes in
	if f := c.expect(frameChange, "new"); f.ID != "a" || f.Version < 2 {
		t.Fatalf("change %v, want a leaving the filter", f)
	}
	if f := c.expect(frameChange, "new"); f.ID != "c" || f.Version != 2 {
		t.Fatalf("change %v, want c/2", f)
	}
	c.ping(1) // nothing for "mine"

	// Unknown to the hub and never given to the client: it is not in either filter, so it is
	// not the client's to hear about.
	h.Publish(leadUpdate("d", 7, "contacted"))
	c.ping(2)
}

// TestLeavesFilterAfterSnapshot: an entity the client has from its snapshot, not yet seen by
// the hub, still reaches the client with the change that takes it out of the filter.
func TestLeavesFilterAfterSnapshot(t *testing.T) {
	h, _ := runHub(t)
	snaps := &memSnapshots{}
	snaps.add("lead", "x", 5, "new", "user:7")
	url, _ := serveHub(t, h, snaps)
	c := dial(t, url)
	c.subscribe(map[string]any{"sub": "new", "kinds": []string{"lead"}, "filter": map[string]string{"status": "new"}, "snapshot": 10}, 1)
	h.Publish(leadUpdate("x", 6, "contacted"))
	if f := c.expect(frameChange, "new"); f.ID != "x" || f.Version != 6 {
		t.Fatalf("change %v, want x/6 leaving the filter", f)
	}
}

// TestResumeIDs: an ids subscription with since gets only what is newer than the client has.
func TestResumeIDs(t *testing.T) {
	h, _ := runHub(t)
	snaps := &memSnapshots{}
	snaps.add("lead", "x", 5, "new", "user:7")
	snaps.add("lead", "y", 3, "new", "user:7")
	url, _ := serveHub(t, h, snaps)
	c := dial(t, url)

	got := c.subscribe(map[string]any{"sub": "page", "ids": []string{"lead/x", "lead/y", "lead/z"},
		"since": map[string]int64{"lead/x": 5, "lead/y": 1}}, 1)
	if ids := got[0].itemIDs(t); got[0].Kind != "lead" || !slices.Equal(ids, []string{"y"}) {
		t.Fatalf("snapshot %v items %v, want y only", got[0], ids)
	}
	h.Publish(leadUpdate("x", 5, "new")) // the client has it
	h.Publish(leadUpdate("w", 1, "new")) // not followed
	h.Publish(leadUpdate("x", 6, "contacted"))
	h.Publish(leadUpdate("z", 1, "new"))
	if f := c.expect(frameChange, "page"); f.ID != "x" || f.Version != 6 {
		t.Fatalf("change %v, want x v6", f)
	}
	if f := c.expect(frameChange, "page"); f.ID != "z" || f.Version != 1 {
		t.Fatalf("change %v, want z v1", f)
	}
	h.Publish(leadUpdate("x", 4, "new")) // older than the hub has: dropped
	c.ping(1)
	eventually(t, "stale update counted", func() bool { return droppedUpdates(h, updateStale) == 1 })
}

// TestChangeWhileLoading: changes that arrive while the snapshot is read are merged with it:
// a newer change replaces the snapshot's item, an older one is dropped.
func TestChangeWhileLoading(t *testing.T) {
	h, _ := runHub(t)
	snaps := &memSnapshots{}
	snaps.add("lead", "x", 5, "new", "user:7")
	snaps.add("lead", "y", 5, "new", "user:7")
	release := make(chan struct{})
	loading := make(chan struct{})
	var once bool
	snaps.onGet = func() {
		if !once {
			once = true
			close(loading)
			<-release
		}
	}
	url, _ := serveHub(t, h, snaps)
	c := dial(t, url)
	c.send(map[string]any{"type": msgSubscribe, "sub": "s", "ids": []string{"lead/x", "lead/y"}})
	<-loading
	h.Publish(leadUpdate("x", 6, "contacted")) // newer than the store's x
	h.Publish(leadUpdate("y", 4, "new"))       // older than the store's y
	eventually(t, "two changes held", func() bool {
		cs := h.Clients()
		return len(cs) == 1 && cs[0].Queued == 2
	})
	close(release)
	f := c.expect(frameSnapshot, "s")
	if ids := f.itemIDs(t); !slices.Equal(ids, []string{"y"}) {
		t.Fatalf("snapshot items %v, want y (x follows as a change)", ids)
	}
	if f := c.expect(frameChange, "s"); f.ID != "x" || f.Version != 6 {
		t.Fatalf("change %v, want x v6", f)
	}
	c.ping(1) // y v4 was dropped
}

// TestActivity: a subscription with activity gets the entries of a change after its view;
// one without gets the view only.
func TestActivity(t *testing.T) {
	h, _ := runHub(t)
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	c.subscribe(map[string]any{"sub": "feed", "ids": []string{"lead/x"}, "activity": true}, 1)
	c.subscribe(map[string]any{"sub": "list", "kinds": []string{"lead"}}, 1)

	e1 := json.RawMessage(`{"event_id":"e1","summary":"api captured the lead"}`)
	e2 := json.RawMessage(`{"event_id":"e2","summary":"the agent scored it 0.85"}`)
	h.Publish(leadUpdate("x", 2, "new", e1, e2))
	var changes []string
	var entries []string
	for range 4 {
		f := c.next()
		switch f.Type {
		case frameChange:
			changes = append(changes, f.Sub)
		case frameActivity:
			if f.Sub != "feed" || f.Kind != "lead" || f.ID != "x" {
				t.Fatalf("activity %v", f)
			}
			entries = append(entries, string(f.Entry))
		default:
			t.Fatalf("unexpected %v", f)
		}
	}
	slices.Sort(changes)
	if !slices.Equal(changes, []string{"feed", "list"}) || !slices.Equal(entries, []string{string(e1), string(e2)}) {
		t.Fatalf("changes %v entries %v", changes, entries)
	}
	c.ping(1)
}

// TestUnsubscribe: after unsubscribe nothing more comes for that subscription.
func TestUnsubscribe(t *testing.T) {
	h, _ := runHub(t)
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	c.subscribe(map[string]any{"sub": "leads", "kinds": []string{"lead"}}, 1)
	c.subscribe(map[string]any{"sub": "deals", "kinds": []string{"deal"}}, 1)
	c.send(map[string]any{"type": msgUnsubscribe, "sub": "leads"})
	c.ping(1)
	h.Publish(leadUpdate("x", 1, "new"))
	h.Publish(Update{Kind: "deal", ID: "d", Version: 1, View: json.RawMessage(`{"id":"d"}`)})
	if f := c.expect(frameChange, ""); f.Sub != "deals" {
		t.Fatalf("change %v, want of deals only", f)
	}
}

// TestBadMessages: mistakes get error frames and the connection stays open.
func TestBadMessages(t *testing.T) {
	h, _ := runHub(t)
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = "lead/" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
	}
	manyIDs, _ := json.Marshal(map[string]any{"type": "subscribe", "sub": "s", "ids": ids})
	tests := []struct {
		name, msg, code string
	}{
		{"not json", `{`, CodeBadJSON},
		{"array", `[]`, CodeBadJSON},
		{"trailing data", `{"type":"ping"} {}`, CodeBadJSON},
		{"unknown field", `{"type":"subscribe","sub":"s","kind":["lead"]}`, CodeBadJSON},
		{"wrong field type", `{"type":"subscribe","sub":"s","kinds":"lead"}`, CodeBadJSON},
		{"no type", `{}`, CodeUnknownType},
		{"unknown type", `{"type":"dance"}`, CodeUnknownType},
		{"nothing to follow", `{"type":"subscribe","sub":"s"}`, CodeBadSubscription},
		{"no sub", `{"type":"subscribe","kinds":["lead"]}`, CodeBadSubscription},
		{"long sub", `{"type":"subscribe","sub":"` + strings.Repeat("s", 65) + `","kinds":["lead"]}`, CodeBadSubscription},
		{"unknown kind", `{"type":"subscribe","sub":"s","kinds":["contact"]}`, CodeBadSubscription},
		{"id without kind", `{"type":"subscribe","sub":"s","ids":["x"]}`, CodeBadSubscription},
		{"too many ids", string(manyIDs), CodeBadSubscription},
		{"snapshot too big", `{"type":"subscribe","sub":"s","kinds":["lead"],"snapshot":101}`, CodeBadSubscription},
		{"negative since", `{"type":"subscribe","sub":"s","ids":["lead/x"],"since":{"lead/x":-1}}`, CodeBadSubscription},
		{"unsubscribe unknown", `{"type":"unsubscribe","sub":"nope"}`, CodeBadSubscription},
	}
	for i, tt := range tests {
		c.sendRaw(tt.msg)
		f := c.expect(frameError, "")
		if f.Code != tt.code || f.Message == "" {
			t.Errorf("%s: error %v, want code %s", tt.name, f, tt.code)
		}
		c.ping(i)
	}
	if err := c.conn.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	if f := c.expect(frameError, ""); f.Code != CodeBadJSON {
		t.Errorf("binary frame: %v", f)
	}
}

// TestTooManySubscriptions: the 17th subscription is refused, replacing one is not.
func TestTooManySubscriptions(t *testing.T) {
	h, _ := runHub(t, WithSubscriptions(3))
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	for _, sub := range []string{"a", "b", "c"} {
		c.subscribe(map[string]any{"sub": sub, "kinds": []string{"lead"}}, 1)
	}
	c.send(map[string]any{"type": msgSubscribe, "sub": "d", "kinds": []string{"lead"}})
	if f := c.expect(frameError, "d"); f.Code != CodeTooManySubscriptions {
		t.Fatalf("error %v", f)
	}
	c.subscribe(map[string]any{"sub": "a", "kinds": []string{"deal"}}, 1) // replaces a
	h.Publish(Update{Kind: "deal", ID: "d", Version: 1, View: json.RawMessage(`{"id":"d"}`)})
	if f := c.expect(frameChange, "a"); f.ID != "d" {
		t.Fatalf("change %v", f)
	}
	c.ping(1)
}

// TestSnapshotUnavailable: a snapshot that cannot be read gets an error frame and no
// subscription.
func TestSnapshotUnavailable(t *testing.T) {
	h, _ := runHub(t)
	snaps := &memSnapshots{err: io.ErrUnexpectedEOF}
	url, _ := serveHub(t, h, snaps)
	c := dial(t, url)
	c.send(map[string]any{"type": msgSubscribe, "sub": "s", "kinds": []string{"lead"}, "snapshot": 5})
	if f := c.expect(frameError, "s"); f.Code != CodeUnavailable {
		t.Fatalf("error %v", f)
	}
	h.Publish(leadUpdate("x", 1, "new"))
	c.ping(1) // the subscription is gone
	if cs := h.Clients(); len(cs) != 1 || cs[0].Subscriptions != 0 {
		t.Fatalf("clients %+v", cs)
	}
}

// TestMessageTooBig: a message over the limit gets an error frame, then close 1008.
func TestMessageTooBig(t *testing.T) {
	h, _ := runHub(t, WithMessageBytes(1024))
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	c.sendRaw(`{"type":"ping","at":"` + strings.Repeat("x", 2000) + `"}`)
	if f := c.expect(frameError, ""); f.Code != CodeMessageTooBig {
		t.Fatalf("error %v", f)
	}
	c.expectClose(websocket.ClosePolicyViolation)
	eventually(t, "drop counted", func() bool { return droppedClients(h, dropTooBig) == 1 })
}

// TestInvalidUTF8: a text frame that is not UTF-8 closes the connection with 1007 (RFC 6455).
func TestInvalidUTF8(t *testing.T) {
	h, _ := runHub(t)
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	c.sendRaw("{\"type\":\"ping\",\"at\":\"\xff\xfe\"}")
	c.expectClose(websocket.CloseInvalidFramePayloadData)
	eventually(t, "drop counted", func() bool { return droppedClients(h, dropInvalidUTF8) == 1 })
}

// TestFlooding: a client sending faster than the inbound rate is closed with 1008.
func TestFlooding(t *testing.T) {
	h, _ := runHub(t, WithClock(fixedClock), WithInboundRate(1, 5)) // the clock stands still: no refill
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	for i := range 10 {
		c.send(map[string]any{"type": msgPing, "at": i})
	}
	for range 5 {
		c.expect(framePong, "")
	}
	c.expectClose(websocket.ClosePolicyViolation)
	eventually(t, "drop counted", func() bool { return droppedClients(h, dropFlooding) == 1 })
}

// TestHeartbeat: an idle client gets heartbeat frames and websocket pings.
func TestHeartbeat(t *testing.T) {
	h, _ := runHub(t, WithClock(fixedClock), WithHeartbeat(20*time.Millisecond))
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	pings := make(chan struct{}, 100)
	c.conn.SetPingHandler(func(data string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return c.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(waitFor))
	})
	for range 2 {
		f := c.read()
		if f.Type != frameHeartbeat || f.ServerTime != string(rest.FormatTime(noon)) {
			t.Fatalf("frame %v, want heartbeat at %s", f, rest.FormatTime(noon))
		}
	}
	select {
	case <-pings:
	default:
		t.Fatal("no websocket ping came with the heartbeats")
	}
}

// TestIdleClientDropped: a client that neither sends nor answers pings is dropped.
func TestIdleClientDropped(t *testing.T) {
	h, _ := runHub(t, WithHeartbeat(time.Hour), WithIdleTimeout(100*time.Millisecond))
	url, _ := serveHub(t, h, nil)
	dialWith(t, url, &websocket.Dialer{HandshakeTimeout: waitFor}) // never reads, never pongs
	eventually(t, "idle client dropped", func() bool { return droppedClients(h, dropIdle) == 1 && len(h.Clients()) == 0 })
}

// TestStopClosesClients: stopping the hub closes every client with 1001 and refuses new ones.
func TestStopClosesClients(t *testing.T) {
	h, stop := runHub(t, WithCloseGrace(100*time.Millisecond))
	url, _ := serveHub(t, h, nil)
	a, b := dial(t, url), dial(t, url)
	a.subscribe(map[string]any{"sub": "s", "kinds": []string{"lead"}}, 1)
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	a.expectClose(websocket.CloseGoingAway)
	b.expectClose(websocket.CloseGoingAway)
	if n := len(h.Clients()); n != 0 {
		t.Fatalf("%d clients after stop", n)
	}
	late := dialWith(t, url, &websocket.Dialer{HandshakeTimeout: waitFor})
	late.expectClose(websocket.CloseGoingAway)
	h.Publish(leadUpdate("x", 1, "new"))
	if droppedUpdates(h, updateStopped) != 1 {
		t.Fatal("an update published after stop was not counted")
	}
	if err := h.Run(t.Context()); err != ErrRunning {
		t.Fatalf("second Run: %v, want ErrRunning", err)
	}
}

// TestOriginCheck: a page of another origin may not open the stream (403 problem) unless it is
// listed; a page of the same host and a client without Origin may.
func TestOriginCheck(t *testing.T) {
	h, _ := runHub(t)
	url, _ := serveHub(t, h, nil, WithOrigins("https://crm.example.com"))
	host := strings.TrimPrefix(strings.TrimSuffix(url, "/api/v1/stream"), "ws://")
	for _, tc := range []struct {
		origin string
		want   int
	}{
		{"", http.StatusSwitchingProtocols},
		{"http://" + host, http.StatusSwitchingProtocols},
		{"https://crm.example.com", http.StatusSwitchingProtocols},
		{"http://evil.example", http.StatusForbidden},
		{"http://" + host + ".evil.example", http.StatusForbidden},
		{"null", http.StatusForbidden},
	} {
		header := http.Header{}
		if tc.origin != "" {
			header.Set("Origin", tc.origin)
		}
		conn, resp, err := (&websocket.Dialer{HandshakeTimeout: waitFor}).Dial(url, header)
		if conn != nil {
			_ = conn.Close()
		}
		if resp == nil {
			t.Fatalf("origin %q: no response: %v", tc.origin, err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("origin %q: status %d, want %d", tc.origin, resp.StatusCode, tc.want)
		}
		if tc.want == http.StatusForbidden && resp.Header.Get("Content-Type") != rest.ProblemContentType {
			t.Errorf("origin %q: content type %q, want a problem", tc.origin, resp.Header.Get("Content-Type"))
		}
	}
}
