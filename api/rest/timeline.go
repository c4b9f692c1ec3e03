package rest

import (
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aidacrm/aida/api/aidapb"
)

// Entry is one event of an entity's timeline. Data is the event's payload (lead_captured,
// deal_stage_changed …) as a JSON object with snake_case fields; Summary tells it in one
// sentence (Summarize).
type Entry struct {
	Version int64           `json:"version"`
	Type    string          `json:"type" doc:"CloudEvents type, e.g. crm.deal.stage_changed"`
	Actor   string          `json:"actor"`
	Time    DateTime        `json:"time"`
	EventID string          `json:"event_id"`
	Summary string          `json:"summary" doc:"one plain-English sentence: who did what, and why"`
	Data    json.RawMessage `json:"data"`
}

// Timeline is a page of an entity's journal, oldest first. next_after, when not zero, is the
// value of ?after= that reads the next page.
type Timeline struct {
	Items     []Entry `json:"items"`
	NextAfter int64   `json:"next_after"`
}

// EventPayload returns the payload of ev (its data oneof) as a JSON object with snake_case
// field names; {} when the event carries none.
func EventPayload(ev *aidapb.Event) (json.RawMessage, error) {
	m := ev.ProtoReflect()
	od := m.Descriptor().Oneofs().ByName("data")
	if od == nil {
		return json.RawMessage("{}"), nil
	}
	fd := m.WhichOneof(od)
	if fd == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m.Get(fd).Message().Interface())
	if err != nil {
		return nil, fmt.Errorf("marshal %s payload: %w", fd.Name(), err)
	}
	return b, nil
}

// NewEntry builds the timeline entry of one journal row of a kind's entity: stored is the event
// as the journal holds it (protojson of aidapb.Event); type and actor are the row's.
func NewEntry(kind string, version int64, typ, actor, eventID string, at time.Time, stored []byte) (Entry, error) {
	ev, err := ParseEvent(stored)
	if err != nil {
		return Entry{}, fmt.Errorf("%s version %d: %w", kind, version, err)
	}
	data, err := EventPayload(ev)
	if err != nil {
		return Entry{}, err
	}
	ev.Type, ev.Actor = typ, actor // the journal row's, as the entry shows them
	return Entry{Version: version, Type: typ, Actor: actor, Time: FormatTime(at), EventID: eventID,
		Summary: Summarize(kind, ev), Data: data}, nil
}

// ParseEvent decodes an event stored as protojson, ignoring fields it does not know.
func ParseEvent(data []byte) (*aidapb.Event, error) {
	ev := &aidapb.Event{}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, ev); err != nil {
		return nil, fmt.Errorf("parse event: %w", err)
	}
	return ev, nil
}
