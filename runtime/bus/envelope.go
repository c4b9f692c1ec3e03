package bus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence"
)

// CloudEvents attributes every envelope shares.
const (
	SpecVersion     = "1.0"
	Source          = "aida"
	DataContentType = "application/json"
)

// Envelope is the CloudEvents 1.0 JSON form of one journal entry, as published on the stream.
// Data is the event's payload message (LeadCaptured, DealStageChanged …) as snake_case JSON.
type Envelope struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Subject         string          `json:"subject"`
	Time            time.Time       `json:"time"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
	EntityVersion   int64           `json:"entityversion"`
	Actor           string          `json:"actor,omitempty"`
}

// NewEnvelope builds the envelope of e: id = EventID, type = Type, subject = "<kind>/<id>",
// time in UTC, data = the payload of the aidapb.Event in e.Data ({} when the event has none).
// Unknown fields in e.Data are ignored; data that is not an Event is an error wrapping
// ErrBadEventData.
func NewEnvelope(e persistence.Entry) (Envelope, error) {
	env := newEnvelope(e)
	data, err := payloadJSON(e.Data)
	if err != nil {
		return env, fmt.Errorf("envelope of %s %s/%s v%d: %w", e.EventID, e.Kind, e.ID, e.Version, err)
	}
	env.Data = data
	return env, nil
}

// EventSubject returns the NATS subject of e: its type (crm.lead.captured).
func EventSubject(e persistence.Entry) string { return e.Type }

func newEnvelope(e persistence.Entry) Envelope {
	return Envelope{
		SpecVersion:     SpecVersion,
		ID:              e.EventID,
		Source:          Source,
		Type:            e.Type,
		Subject:         e.Kind + "/" + e.ID,
		Time:            e.Time.UTC(),
		DataContentType: DataContentType,
		Data:            json.RawMessage("{}"),
		EntityVersion:   e.Version,
		Actor:           e.Actor,
	}
}

// rawEnvelope is the envelope of an entry whose data NewEnvelope refused: data is the stored
// JSON as it is (null when it is not JSON either), so the relay never stalls on one bad row.
func rawEnvelope(e persistence.Entry) Envelope {
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

// payloadJSON decodes data into an aidapb.Event and returns its oneof payload as compact
// snake_case JSON.
func payloadJSON(data []byte) (json.RawMessage, error) {
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
