package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/bus"
)

// capturedLead decides and applies the capture of a lead the way the entity actor does, and
// returns its snapshot and journal entries as the actor stores them.
func capturedLead(t testing.TB, id string) (state []byte, entries []persistence.Entry, version int64) {
	t.Helper()
	cmd := &aidapb.Command{Id: id, Actor: "api", Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: "ada@analytical-engines.co.uk", FirstName: "Ada", LastName: "Lovelace",
		Company: "Analytical Engines Ltd", Source: "demo_request", AutonomyLevel: 3, Owner: "user:7"}}}
	events, err := lead.Decide(nil, cmd, noon)
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	var s *aidapb.Lead
	for _, e := range events {
		version++
		e.Id, e.Actor, e.Time, e.Version = fmt.Sprintf("ev-%d", version), "api", timestamppb.New(noon), version
		s = lead.Apply(s, e)
		data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, persistence.Entry{Kind: "lead", ID: id, Version: version, EventID: e.Id,
			Type: e.GetType(), Actor: "api", Time: noon, Data: data})
	}
	if state, err = protojson.Marshal(s); err != nil {
		t.Fatal(err)
	}
	return state, entries, version
}

// TestFromNATS: a state view published on NATS reaches a websocket client as the REST view and
// timeline entries with summaries; what does not decode is counted.
func TestFromNATS(t *testing.T) {
	e, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: t.TempDir(), Port: bus.RandomPort})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	ctx, cancel := context.WithTimeout(t.Context(), waitFor)
	defer cancel()
	b, err := bus.Connect(ctx, e.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)

	h, _ := runHub(t)
	sub, err := FromNATS(b.Conn(), h, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := b.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	url, _ := serveHub(t, h, nil)
	c := dial(t, url)
	c.subscribe(map[string]any{"sub": "new", "kinds": []string{"lead"}, "filter": map[string]string{"status": "new"},
		"activity": true}, 1)

	state, entries, version := capturedLead(t, "l1")
	bad := entries[0]
	bad.Version, bad.EventID, bad.Data = version+1, "ev-bad", []byte(`{"lead_captured":5}`)
	b.PublishState("lead", "l1", version, state, append(entries, bad))
	if err := b.Conn().Publish(bus.StateSubject("lead", "l2"), []byte(`{"kind":"lead","id":"l2","state":"no"}`)); err != nil {
		t.Fatal(err)
	}

	f := c.expect(frameChange, "new")
	var v struct {
		ID            string `json:"id"`
		FullName      string `json:"full_name"`
		Status        string `json:"status"`
		Version       int64  `json:"version"`
		Qualification *struct {
			Score float64 `json:"score"`
		} `json:"qualification"`
		NextActions []json.RawMessage `json:"next_actions"`
	}
	if err := json.Unmarshal(f.View, &v); err != nil {
		t.Fatal(err)
	}
	if f.ID != "l1" || f.Version != version || v.ID != "l1" || v.FullName != "Ada Lovelace" || v.Status != lead.StatusNew ||
		v.Version != version || v.Qualification == nil || v.Qualification.Score != 0.848 || len(v.NextActions) == 0 {
		t.Fatalf("change %v view %s", f, f.View)
	}
	for i, want := range entries {
		f := c.expect(frameActivity, "new")
		var got rest.Entry
		if err := json.Unmarshal(f.Entry, &got); err != nil {
			t.Fatal(err)
		}
		if got.EventID != want.EventID || got.Type != want.Type || got.Version != want.Version || got.Summary == "" {
			t.Fatalf("entry %d: %+v, want %s %s", i, got, want.EventID, want.Type)
		}
	}
	eventually(t, "undecodable view and entry counted", func() bool {
		return droppedUpdates(h, updateUndecodable) == 1 && testutilValue(h.metrics.entriesSkipped) == 1
	})
	c.ping(1) // nothing else came
}

// BenchmarkDecodeState measures the work FromNATS does in its callback per state view.
func BenchmarkDecodeState(b *testing.B) {
	state, entries, version := capturedLead(b, "l1")
	sv := bus.StateView{Kind: "lead", ID: "l1", Version: version, State: state}
	for _, e := range entries {
		sv.Events = append(sv.Events, bus.StateEvent{Version: e.Version, Type: e.Type, Actor: e.Actor,
			Time: e.Time, EventID: e.EventID, Data: e.Data})
	}
	data, err := json.Marshal(sv)
	if err != nil {
		b.Fatal(err)
	}
	for _, entries := range []bool{true, false} {
		b.Run(fmt.Sprintf("entries=%v", entries), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, skipped, err := decodeState(data, entries); err != nil || skipped != 0 {
					b.Fatal(err, skipped)
				}
			}
		})
	}
}

// TestDecodeState: each kind's snapshot becomes its REST view, with the field filters use as
// Status; entries are decoded only when asked for; what is not a state view is an error.
func TestDecodeState(t *testing.T) {
	stateOf := func(m proto.Message) []byte {
		b, err := protojson.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	leadState, entries, _ := capturedLead(t, "l1")
	events := []bus.StateEvent{{Version: 1, Type: entries[0].Type, Actor: "api", Time: noon, EventID: "ev-1", Data: entries[0].Data}}
	tests := []struct {
		name, kind   string
		state        []byte
		status, want string // want: a fragment of the view
	}{
		{"lead", "lead", leadState, "new", `"full_name":"Ada Lovelace"`},
		{"deal", "deal", stateOf(&aidapb.Deal{Id: "d1", Title: "Pilot", Stage: "proposal", Owner: "user:7"}), "proposal", `"title":"Pilot"`},
		{"account", "account", stateOf(&aidapb.Account{Id: "a1", Name: "Acme", Lifecycle: "active", Owner: "user:7"}), "active", `"name":"Acme"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(bus.StateView{Kind: tt.kind, ID: "x1", Version: 4, State: tt.state, Events: events})
			if err != nil {
				t.Fatal(err)
			}
			u, skipped, err := decodeState(data, true)
			if err != nil || skipped != 0 {
				t.Fatalf("decode: %v, %d skipped", err, skipped)
			}
			if u.Kind != tt.kind || u.ID != "x1" || u.Version != 4 || u.Status != tt.status || u.Owner != "user:7" ||
				!strings.Contains(string(u.View), tt.want) || len(u.Entries) != 1 {
				t.Fatalf("update %+v view %s", u, u.View)
			}
			if u, _, _ := decodeState(data, false); len(u.Entries) != 0 {
				t.Fatalf("entries decoded without asking: %d", len(u.Entries))
			}
		})
	}
	for _, bad := range []string{`nope`, `{"kind":"contact","id":"x","state":{}}`, `{"kind":"lead","id":"x","state":{"status":5}}`} {
		if _, _, err := decodeState([]byte(bad), true); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}
