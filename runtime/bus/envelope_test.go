package bus

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err) // a test constant
	}
	return t
}

// entryOf turns a catalogue sample into the journal entry the store would hold.
func entryOf(t *testing.T, s sample, version int64) persistence.Entry {
	t.Helper()
	s.ev.Id = "0195-" + strings.ReplaceAll(s.ev.Type, ".", "-")
	s.ev.Version = version
	data, err := protojson.Marshal(s.ev)
	if err != nil {
		t.Fatalf("marshal %s: %v", s.ev.Type, err)
	}
	return persistence.Entry{
		Kind: s.kind, ID: s.id, Version: version, EventID: s.ev.Id, Type: s.ev.Type, Actor: s.ev.Actor,
		Time: time.Date(2025, 3, 1, 10, 30, 0, 123000000, time.FixedZone("CET", 3600)), Data: data,
	}
}

// TestEnvelopeGolden checks the envelope of every event type against testdata/<type>.json.
func TestEnvelopeGolden(t *testing.T) {
	for i, s := range samples() {
		t.Run(s.ev.Type+"/"+s.kind+"-"+s.id, func(t *testing.T) {
			e := entryOf(t, s, int64(i+1))
			env, err := NewEnvelope(e)
			if err != nil {
				t.Fatalf("envelope: %v", err)
			}
			got, err := json.MarshalIndent(env, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", s.kind+"-"+s.id+"-"+s.ev.Type+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("envelope differs from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// TestEnvelopeFields checks the CloudEvents attributes and the payload one by one.
func TestEnvelopeFields(t *testing.T) {
	s := samples()[0] // crm.lead.captured
	e := entryOf(t, s, 7)
	env, err := NewEnvelope(e)
	if err != nil {
		t.Fatalf("envelope: %v", err)
	}
	b, _ := json.Marshal(env)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"specversion": "1.0", "id": e.EventID, "source": "aida", "type": "crm.lead.captured",
		"subject": "lead/l1", "time": "2025-03-01T09:30:00.123Z", "datacontenttype": "application/json",
		"entityversion": float64(7), "actor": "user:ann",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	data, _ := m["data"].(map[string]any)
	lead, _ := data["lead"].(map[string]any)
	if lead["first_name"] != "Jo" || lead["autonomy_level"] != float64(2) || lead["custom_fields"] == nil {
		t.Errorf("data is not the snake_case payload: %s", b)
	}
	if EventSubject(e) != "crm.lead.captured" {
		t.Errorf("subject %q", EventSubject(e))
	}
}

// TestEnvelopeData covers data without a payload, unknown fields and data that is no event.
func TestEnvelopeData(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		wantData string
		wantErr  bool
	}{
		{"no payload", `{"id":"e1","type":"crm.test.ping","version":1}`, `{}`, false},
		{"unknown field ignored", `{"id":"e1","futureField":1,"leadRestored":{"to":"new"}}`, `{"to":"new"}`, false},
		{"snake case names accepted", `{"lead_status_changed":{"from":"new","to":"contacted"}}`, `{"from":"new","to":"contacted"}`, false},
		{"not an event", `{"leadRestored":"nope"}`, ``, true},
		{"not json", `nope`, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := persistence.Entry{Kind: "lead", ID: "l1", Version: 1, EventID: "e1", Type: "crm.test", Time: time.Unix(0, 0), Data: []byte(tt.data)}
			env, err := NewEnvelope(e)
			if tt.wantErr {
				if !errors.Is(err, ErrBadEventData) {
					t.Fatalf("got %v, want ErrBadEventData", err)
				}
				raw := rawEnvelope(e)
				if json.Valid(e.Data) != (string(raw.Data) == tt.data) || (!json.Valid(e.Data) && string(raw.Data) != "null") {
					t.Fatalf("raw envelope data %s for %s", raw.Data, tt.data)
				}
				return
			}
			if err != nil {
				t.Fatalf("envelope: %v", err)
			}
			if string(env.Data) != tt.wantData {
				t.Fatalf("data %s, want %s", env.Data, tt.wantData)
			}
		})
	}
}

// TestCatalogueCoversEveryPayload makes sure the catalogue has every oneof case of aidapb.Event.
func TestCatalogueCoversEveryPayload(t *testing.T) {
	have := map[string]bool{}
	for _, s := range samples() {
		m := s.ev.ProtoReflect()
		have[string(m.WhichOneof(m.Descriptor().Oneofs().ByName("data")).Name())] = true
	}
	fields := (&aidapb.Event{}).ProtoReflect().Descriptor().Oneofs().ByName("data").Fields()
	for i := range fields.Len() {
		if name := string(fields.Get(i).Name()); !have[name] {
			t.Errorf("catalogue has no %s event", name)
		}
	}
}
