package bus

import (
	"bytes"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/persistence"
)

// NewEnvelope builds the envelope (event.Envelope) of e: id = EventID, type = Type, subject = "<kind>/<id>",
// time in UTC, data = the payload of the aidapb.Event in e.Data ({} when the event has none).
// Unknown fields in e.Data are ignored; data that is not an Event is an error wrapping
// ErrBadEventData.
func NewEnvelope(e persistence.Entry) (event.Envelope, error) {
	env := newEnvelope(e)
	data, err := payloadJSON(e.Data)
	if err != nil {
		return env, fmt.Errorf("envelope of %s %s/%s v%d: %w", e.EventID, e.Kind, e.ID, e.Version, err)
	}
	env.Data = data
	return env, nil
}

// EventSubject returns the NATS subject of e: its type (crm.lead.captured), one of the types
// of the catalogue (api/event).
func EventSubject(e persistence.Entry) string { return e.Type }

func newEnvelope(e persistence.Entry) event.Envelope {
	return event.Envelope{
		SpecVersion:     event.SpecVersion,
		ID:              e.EventID,
		Source:          event.Source,
		Type:            e.Type,
		Subject:         e.Kind + "/" + e.ID,
		Time:            e.Time.UTC(),
		DataContentType: event.DataContentType,
		Data:            json.RawMessage("{}"),
		EntityVersion:   e.Version,
		Actor:           e.Actor,
	}
}

// rawEnvelope is the envelope of an entry whose data NewEnvelope refused: data is the stored
// JSON as it is (null when it is not JSON either), so the relay never stalls on one bad row.
func rawEnvelope(e persistence.Entry) event.Envelope {
	env := newEnvelope(e)
	env.Data = json.RawMessage("null")
	if json.Valid(e.Data) {
		var buf bytes.Buffer
		if json.Compact(&buf, e.Data) == nil {
			env.Data = buf.Bytes()
		}
	}
	return env
}

// payloadJSON returns the oneof payload of the aidapb.Event in data as compact snake_case JSON.
// An event stored with proto field names (as the entity shell writes them) has its payload
// copied out of the JSON; an older one, with JSON names, is decoded and encoded again.
func payloadJSON(data []byte) (json.RawMessage, error) {
	if raw, ok := payloadCopy(data); ok {
		return raw, nil
	}
	var ev aidapb.Event
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadEventData, err)
	}
	m := ev.ProtoReflect()
	oneof := m.Descriptor().Oneofs().ByName("data")
	if oneof == nil {
		return json.RawMessage("{}"), nil
	}
	fd := m.WhichOneof(oneof)
	if fd == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := (protojson.MarshalOptions{UseProtoNames: true}).Marshal(m.Get(fd).Message().Interface())
	if err != nil {
		return nil, fmt.Errorf("%w: payload %s: %w", ErrBadEventData, fd.Name(), err)
	}
	var buf bytes.Buffer // protojson varies its whitespace on purpose; compact it
	if err := json.Compact(&buf, b); err != nil {
		return nil, fmt.Errorf("%w: payload %s: %w", ErrBadEventData, fd.Name(), err)
	}
	return buf.Bytes(), nil
}

// payloadCopy finds the payload of an event stored with proto field names: the one top-level key
// that names a field of the data oneof (lead_captured …), whose value is already snake_case. It
// reports false when there is none (an event stored with JSON names, leadCaptured).
func payloadCopy(data []byte) (json.RawMessage, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil, false
	}
	fields := event.DataFields()
	for key, raw := range top {
		fd := fields.ByName(protoreflect.Name(key))
		if fd == nil || string(fd.Name()) == fd.JSONName() {
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, raw) != nil || buf.Len() == 0 || buf.Bytes()[0] != '{' {
			return nil, false
		}
		return buf.Bytes(), true
	}
	if _, ok := top["type"]; ok && !hasJSONNamedPayload(top, fields) {
		return json.RawMessage("{}"), true // an event without payload
	}
	return nil, false
}

func hasJSONNamedPayload(top map[string]json.RawMessage, fields protoreflect.FieldDescriptors) bool {
	for i := range fields.Len() {
		if _, ok := top[fields.Get(i).JSONName()]; ok {
			return true
		}
	}
	return false
}
