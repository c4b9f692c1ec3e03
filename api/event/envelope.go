package event

import (
	"encoding/json"
	"time"
)

// CloudEvents attributes every envelope shares.
const (
	SpecVersion     = "1.0"
	Source          = "aida"
	DataContentType = "application/json"
)

// Envelope is the CloudEvents 1.0 JSON form of one journal entry, as published on the stream
// (runtime/bus builds it). Type is one of the catalogue's types; Subject is "<kind>/<id>" of the
// entity; Data is the event's payload message (LeadCaptured, DealStageChanged …) as snake_case
// JSON.
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
