package event_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/event"
)

var update = flag.Bool("update", false, "rewrite docs/events.md from the catalogue")

// TestCatalogueCoversEveryPayload: each field of the aidapb.Event oneof has exactly one entry,
// and each entry names a field.
func TestCatalogueCoversEveryPayload(t *testing.T) {
	entries := map[string]int{}
	for _, e := range event.Catalogue() {
		entries[string(e.Payload)]++
		if e.Message() == nil {
			t.Errorf("entry %s: not a field of the aidapb.Event oneof data", e.Payload)
		}
	}
	fields := event.DataFields()
	for i := range fields.Len() {
		name := string(fields.Get(i).Name())
		if n := entries[name]; n != 1 {
			t.Errorf("payload %s has %d catalogue entries, want 1", name, n)
		}
	}
	if len(entries) != fields.Len() {
		t.Errorf("%d entries for %d payloads", len(entries), fields.Len())
	}
}

// TestCatalogueTypes: every type is unique, a literal subject under crm., and names one of its
// entry's kinds (crm.autonomy.level_changed excepted: every kind journals it); every entry has
// kinds, types and an emitter.
func TestCatalogueTypes(t *testing.T) {
	seen := map[string]string{}
	idx := event.NewIndex()
	for _, e := range event.Catalogue() {
		if len(e.Types) == 0 || len(e.Kinds) == 0 || e.Emitter == "" {
			t.Errorf("entry %s: types %q, kinds %q, emitter %q", e.Payload, e.Types, e.Kinds, e.Emitter)
		}
		for _, k := range e.Kinds {
			if !slices.Contains(event.Kinds(), k) {
				t.Errorf("entry %s: unknown kind %q", e.Payload, k)
			}
		}
		for _, typ := range e.Types {
			if other, ok := seen[typ]; ok {
				t.Errorf("type %s in entries %s and %s", typ, other, e.Payload)
			}
			seen[typ] = string(e.Payload)
			if got, ok := idx.Lookup(typ); !ok || got.Payload != e.Payload {
				t.Errorf("Lookup(%s) = %s, %v", typ, got.Payload, ok)
			}
			parts := strings.Split(typ, ".")
			if !strings.HasPrefix(typ, event.Prefix) || len(parts) != 3 || slices.Contains(parts, "") || strings.ContainsAny(typ, "*> ") {
				t.Errorf("type %q is not crm.<kind>.<event>", typ)
				continue
			}
			if typ != "crm.autonomy.level_changed" && !slices.Contains(e.Kinds, parts[1]) {
				t.Errorf("type %s of entry %s is not of its kinds %q", typ, e.Payload, e.Kinds)
			}
		}
	}
	if _, ok := idx.Lookup("crm.lead.nothing"); ok {
		t.Error("Lookup found a type the catalogue does not have")
	}
}

func TestSignalType(t *testing.T) {
	if got := event.SignalType("deal", "sms.opted_out"); got != "crm.deal.sms_opted_out" {
		t.Fatalf("SignalType = %s", got)
	}
}

// TestEventsDoc: docs/events.md is the catalogue as a table (go test ./api/event -update
// rewrites it).
func TestEventsDoc(t *testing.T) {
	const path = "../../docs/events.md"
	got := eventsDoc()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run with -update to write it): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not the catalogue; run go test ./api/event -update", path)
	}
}

func eventsDoc() []byte {
	var b bytes.Buffer
	b.WriteString(`# Events

<!-- Written by ` + "`go test ./api/event -update`" + ` from the catalogue in api/event; do not edit. -->

Every change of an entity is journaled as events; the relay publishes each one, once, to the
JetStream stream ` + "`CRM_EVENTS`" + ` as a CloudEvents 1.0 JSON envelope (` + "`event.Envelope`" + `) on the
subject equal to its type. The envelope has ` + "`specversion`, `id` (the event's UUIDv7, also its\n`Nats-Msg-Id`), `source` (aida), `type`, `subject` (`<kind>/<id>`), `time`, `datacontenttype`,\n`data` (the payload below, snake_case JSON), `entityversion` and `actor`" + `.

One row per payload of ` + "`aidapb.Event`" + ` (api/proto/aida/v1/event.proto). ` + "`crm.<kind>.x`" + ` stands for
the type on each kind of the row.

| payload | types | kinds | emitted by |
|---|---|---|---|
`)
	for _, e := range event.Catalogue() {
		fmt.Fprintf(&b, "| `%s` (%s) | %s | %s | %s |\n", e.Payload, e.Message().Name(), typesCell(e),
			strings.Join(e.Kinds, ", "), e.Emitter)
	}
	return b.Bytes()
}

// typesCell lists the entry's types, writing crm.<kind>.x once for a type every kind has.
func typesCell(e event.Entry) string {
	var names []string
	count := map[string]int{}
	for _, typ := range e.Types {
		name := typ
		for _, k := range e.Kinds {
			if rest, ok := strings.CutPrefix(typ, event.Prefix+k+"."); ok && len(e.Kinds) > 1 {
				name = event.Prefix + "<kind>." + rest
			}
		}
		if count[name] == 0 {
			names = append(names, name)
		}
		count[name]++
	}
	cells := make([]string, len(names))
	for i, n := range names {
		if strings.Contains(n, "<kind>") && count[n] != len(e.Kinds) {
			panic("type " + n + " is not on every kind of " + string(e.Payload))
		}
		cells[i] = "`" + n + "`"
	}
	return strings.Join(cells, ", ")
}
