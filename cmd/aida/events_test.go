package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/aidacrm/aida/api/event"
)

// TestEventsOverNATS watches a running server from a NATS client, as the README tells a user
// to: every journaled change arrives on crm.> as a CloudEvent, state views on aida.state.>, and
// actors answer commands on aida.cmd.<kind>.<id>.
func TestEventsOverNATS(t *testing.T) {
	dir := t.TempDir()
	s := startAida(t, "AIDA_DATA_DIR="+dir)
	if s.nats == "" {
		t.Fatal("the banner names no NATS URL")
	}
	nc, err := nats.Connect(integrationURL(t, s, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	events := make(chan *nats.Msg, 1000)
	states := make(chan *nats.Msg, 1000)
	for subject, ch := range map[string]chan *nats.Msg{"crm.>": events, "aida.state.>": states} {
		sub, err := nc.ChanSubscribe(subject, ch)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Unsubscribe()
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}

	c := &http.Client{}
	api := s.url + "/api/v1"
	_, lead, _ := call(t, c, "POST", api+"/leads", map[string]any{"email": "watch@example.com", "company": "Watchers Ltd"})
	id := lead["id"].(string)
	call(t, c, "POST", api+"/leads/"+id+"/autonomy", map[string]any{"level": 3})
	call(t, c, "POST", api+"/leads/"+id+"/status", map[string]any{"status": "qualified"})
	_, deal, _ := call(t, c, "POST", api+"/leads/"+id+"/convert", map[string]any{"value": "1000.00"})
	dealID := deal["id"].(string)
	for _, st := range []string{"proposal", "negotiation", "closed_won"} {
		call(t, c, "POST", api+"/deals/"+dealID+"/stage", map[string]any{"stage": st})
	}
	if code, acc, _ := call(t, c, "POST", api+"/accounts", map[string]any{"from_deal_id": dealID}); code != 201 {
		t.Fatalf("account: %d %v", code, acc)
	}

	want := []string{"crm.lead.captured", "crm.lead.qualified", "crm.autonomy.level_changed", "crm.lead.status_changed",
		"crm.lead.converted", "crm.deal.created", "crm.deal.stage_changed", "crm.deal.won", "crm.account.created",
		"crm.deal.updated"}
	seen := map[string]bool{}
	versions := map[string]int64{}
	types := event.NewIndex()
	deadline := time.After(15 * time.Second)
	for !allSeen(seen, want) {
		select {
		case m := <-events:
			var ce event.Envelope
			if err := json.Unmarshal(m.Data, &ce); err != nil {
				t.Fatalf("%s: not a CloudEvent: %v", m.Subject, err)
			}
			if ce.SpecVersion != "1.0" || ce.Type != m.Subject || ce.ID == "" || ce.Subject == "" || ce.Time.IsZero() || len(ce.Data) == 0 {
				t.Fatalf("%s: envelope %+v", m.Subject, ce)
			}
			if _, ok := types.Lookup(ce.Type); !ok {
				t.Fatalf("%s: type not in the event catalogue", ce.Type)
			}
			if ce.EntityVersion <= versions[ce.Subject] {
				t.Fatalf("%s arrived with version %d after %d", ce.Subject, ce.EntityVersion, versions[ce.Subject])
			}
			versions[ce.Subject] = ce.EntityVersion
			seen[ce.Type] = true
		case <-deadline:
			t.Fatalf("events seen %v; want all of %v", seen, want)
		}
	}
	select {
	case m := <-states:
		if !json.Valid(m.Data) {
			t.Fatalf("state view on %s is not JSON", m.Subject)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no state view on aida.state.>")
	}

	// A command without credentials is refused, as in REST; with the admin key it runs.
	reply, err := nc.Request("aida.cmd.lead."+id, []byte(`{"command":"get"}`), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(reply.Data), `"status":401`) {
		t.Fatalf("a command without credentials: %s, want 401", reply.Data)
	}
	reply, err = nc.RequestMsg(command("aida.cmd.lead."+id, `{"command":"get"}`), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Status int            `json:"status"`
		Data   map[string]any `json:"data"`
	}
	if err := json.Unmarshal(reply.Data, &r); err != nil || r.Status != 200 || r.Data["status"] != "converted" {
		t.Fatalf("aida.cmd.lead get: %s (%v)", reply.Data, err)
	}
	reply, err = nc.RequestMsg(command("aida.cmd.lead."+id, `{"command":"status","data":{"status":"new"}}`), 5*time.Second)
	if err != nil || !json.Valid(reply.Data) || reply.Header.Get("Status") != "409" {
		t.Fatalf("a forbidden move over NATS: %s %v (%v)", reply.Data, reply.Header, err)
	}
}

func allSeen(seen map[string]bool, want []string) bool {
	return !slices.ContainsFunc(want, func(w string) bool { return !seen[w] })
}

// command is a NATS command request carrying the test's admin key.
func command(subject, payload string) *nats.Msg {
	return &nats.Msg{Subject: subject, Data: []byte(payload), Header: nats.Header{"Authorization": []string{"Bearer " + testAdminKey}}}
}
