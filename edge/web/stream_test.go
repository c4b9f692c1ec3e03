package web_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/web"
	"github.com/aidacrm/aida/edge/web/webtest"
)

// fakeStream speaks the server side of /api/v1/stream as the contract says, just enough for
// the page: hello on connect, then it records what the page sends and sends what the test
// says.
type fakeStream struct {
	mu    sync.Mutex
	conn  *websocket.Conn // the open connection, nil between connections
	conns int
	subs  []map[string]any // every subscribe received, in order
}

func (s *fakeStream) handler() fiber.Handler {
	ws := websocket.New(func(c *websocket.Conn) {
		if err := c.WriteJSON(map[string]any{"type": "hello", "server_time": rest.FormatTime(time.Now()),
			"heartbeat_ms": 15000, "limits": map[string]int{"subscriptions": 16, "ids": 100, "message_bytes": 16384, "queue": 256}}); err != nil {
			return
		}
		s.mu.Lock()
		s.conn = c
		s.conns++
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			if s.conn == c {
				s.conn = nil
			}
			s.mu.Unlock()
		}()
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(data, &m) == nil && m["type"] == "subscribe" {
				s.mu.Lock()
				s.subs = append(s.subs, m)
				s.mu.Unlock()
			}
		}
	})
	return func(c *fiber.Ctx) error {
		if !websocket.IsWebSocketUpgrade(c) {
			return fiber.ErrUpgradeRequired
		}
		return ws(c)
	}
}

// lastSub returns the last subscribe whose kinds or ids contain what.
func (s *fakeStream) lastSub(what string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.subs) - 1; i >= 0; i-- {
		b, _ := json.Marshal([]any{s.subs[i]["kinds"], s.subs[i]["ids"]})
		if strings.Contains(string(b), what) {
			return s.subs[i]
		}
	}
	return nil
}

func (s *fakeStream) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// send writes a frame on the open connection.
func (s *fakeStream) send(t *testing.T, frame map[string]any) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		t.Fatal("no open stream connection")
	}
	if err := s.conn.WriteJSON(frame); err != nil {
		t.Fatalf("send %v: %v", frame["type"], err)
	}
}

// drop closes the open connection as a server going away does.
func (s *fakeStream) drop(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		t.Fatal("no open stream connection")
	}
	_ = s.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(1001, "going away"))
	_ = s.conn.Close()
	s.conn = nil
}

// waitFor polls cond until it holds, failing after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: never happened", what)
		}
		<-tick.C
	}
}

// TestDashboardFollowsTheStream drives the page against a fake stream: the status turns live;
// the entity page subscribes to its id with the version it shows, shows the activity and the
// change it is sent, and after the server drops the connection it says so, reconnects and
// resumes from the newer version; the overview subscribes to every kind, puts activity in
// its feed and re-reads the stats after a change. When the session ends, the server refuses
// the next upgrade (401) and the page shows the sign-in form instead of reconnecting.
func TestDashboardFollowsTheStream(t *testing.T) {
	api := newFakeAPI()
	fs := &fakeStream{}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	if err := web.Register(app); err != nil {
		t.Fatal(err)
	}
	api.routes(app) // first, so that its session check guards the stream too
	app.Get("/api/v1/stream", fs.handler())
	base := listen(t, app)
	b := webtest.Start(t, webtest.Allow(unauthorized), webtest.Allow(noStream))

	key := "lead/" + adaID
	b.Navigate(base + "/#/lead/" + adaID)
	signIn(t, b, viewerKey, "viewer")
	b.WaitText("connection-status", "turns live", equals("live"), 0)
	b.WaitFor("timeline-e-ada-2")
	waitFor(t, "the entity page subscribes", func() bool { return fs.lastSub(key) != nil })
	sub := fs.lastSub(key)
	if since, _ := sub["since"].(map[string]any); since[key] != 2.0 || sub["activity"] != true {
		t.Fatalf("entity subscription %v: want since %s: 2 and activity", sub, key)
	}
	subID, _ := sub["sub"].(string)

	fs.send(t, map[string]any{"type": "activity", "sub": subID, "kind": "lead", "id": adaID,
		"entry": rest.Entry{Version: 3, Type: "crm.lead.status_changed", Actor: "agent:nurture", Time: rest.FormatTime(time.Now()),
			EventID: "e-live-3", Summary: "agent:nurture moved the lead from new to contacted: replied", Data: json.RawMessage("{}")}})
	b.WaitText("timeline-e-live-3", "shows the streamed entry", func(s string) bool { return strings.Contains(s, "from new to contacted") }, 0)

	api.mu.Lock()
	l := api.leads[adaID]
	l.Status, l.Version = "contacted", 3
	view := rest.ViewLead(l)
	api.mu.Unlock()
	fs.send(t, map[string]any{"type": "change", "sub": subID, "kind": "lead", "id": adaID, "version": 3, "view": view})
	b.WaitText("entity-meta", "shows the streamed version", func(s string) bool { return strings.Contains(s, "version 3") }, 0)

	fs.drop(t)
	b.WaitText("connection-status", "says it is not live", equals("reconnecting"), 0)
	b.WaitText("connection-status", "turns live again", equals("live"), 0)
	waitFor(t, "the page resubscribes", func() bool {
		s := fs.lastSub(key)
		since, _ := s["since"].(map[string]any)
		return fs.connections() == 2 && since[key] == 3.0
	})

	// The overview: activity goes to the feed, a change re-reads the stats.
	b.Click("nav-overview")
	b.WaitText("count-leads-total", "shows 17", equals("17"), 0)
	waitFor(t, "the overview subscribes", func() bool { return fs.lastSub("account") != nil })
	ov := fs.lastSub("account")
	if ov["activity"] != true {
		t.Errorf("overview subscription %v: want activity", ov)
	}
	ovID, _ := ov["sub"].(string)
	before := api.statsServed()
	fs.send(t, map[string]any{"type": "activity", "sub": ovID, "kind": "deal", "id": dealID,
		"entry": rest.Entry{Version: 4, Type: "crm.deal.flag_set", Actor: "agent:pipeline", Time: rest.FormatTime(time.Now()),
			EventID: "e-live-deal", Summary: "agent:pipeline flagged the deal stale: no activity for 14 days", Data: json.RawMessage("{}")}})
	b.WaitText("activity-e-live-deal", "shows in the feed", func(s string) bool { return strings.Contains(s, "flagged the deal stale") }, 0)
	// Updated now: the fake's stats (generated in March) predate it, so the page keeps its
	// own row rather than the stale one.
	grace := rest.ViewLead(&aidapb.Lead{Id: graceID, FirstName: "Grace", LastName: "Hopper", Status: "qualified",
		AutonomyLevel: 5, Version: 9, UpdatedAt: timestamppb.Now()})
	fs.send(t, map[string]any{"type": "change", "sub": ovID, "kind": "lead", "id": graceID, "version": 9, "view": grace})
	waitFor(t, "the stats are read again", func() bool { return api.statsServed() > before })
	b.WaitText("recent-lead-"+graceID, "shows the change at once", func(s string) bool { return strings.Contains(s, "L5") }, 0)
	b.Screenshot("overview-live")

	// The session ends while the page is live: the next upgrade is refused and the page asks
	// for a key rather than retrying.
	conns := fs.connections()
	api.revoke()
	fs.drop(t)
	b.WaitText("signin-error", "says the session ended", equals(detailNoSession), 0)
	if state, _ := webtest.Eval[string](b, `document.querySelector('[data-testid="connection-status"]').dataset.state`); state != "stopped" {
		t.Errorf("stream state %q after the refusal, want stopped", state)
	}
	if n := fs.connections(); n != conns {
		t.Errorf("%d connections opened after the session ended", n-conns)
	}
}
