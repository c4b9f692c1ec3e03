package stream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aidacrm/aida/api/rest"
)

// Frame types, client to server.
const (
	msgSubscribe   = "subscribe"
	msgUnsubscribe = "unsubscribe"
	msgPing        = "ping"
)

// Frame types, server to client.
const (
	frameHello     = "hello"
	frameSnapshot  = "snapshot"
	frameChange    = "change"
	frameActivity  = "activity"
	frameHeartbeat = "heartbeat"
	framePong      = "pong"
	frameError     = "error"
)

// Codes of error frames. The connection stays open after each.
const (
	CodeBadJSON              = "bad_json"               // not a JSON object of the protocol
	CodeBadSubscription      = "bad_subscription"       // a subscribe or unsubscribe to fix
	CodeTooManySubscriptions = "too_many_subscriptions" // the client holds the limit already
	CodeMessageTooBig        = "message_too_big"        // followed by close 1008
	CodeUnknownType          = "unknown_type"           // type is not subscribe, unsubscribe or ping
	CodeUnavailable          = "unavailable"            // the snapshot could not be read; subscribe again
)

// Close codes the hub sends besides the standard 1001 (going away) and 1008 (policy).
const (
	CloseTooSlow = 4000 // the client's queue overflowed beyond coalescing
)

// The entity kinds a client may follow.
var kinds = []string{"lead", "deal", "account"}

func knownKind(k string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Longest values of a subscription's fields.
const (
	maxSubName  = 64
	maxEntityID = 128
	maxFilter   = 128
)

// Limits are the limits a client learns in the hello frame.
type Limits struct {
	Subscriptions int `json:"subscriptions"`
	IDs           int `json:"ids"`
	MessageBytes  int `json:"message_bytes"`
	Queue         int `json:"queue"`
}

// clientMessage is any message a client sends; Type tells which fields count.
type clientMessage struct {
	Type     string           `json:"type"`
	Sub      string           `json:"sub"`
	Kinds    []string         `json:"kinds"`
	IDs      []string         `json:"ids"`
	Filter   Filter           `json:"filter"`
	Since    map[string]int64 `json:"since"`
	Snapshot int              `json:"snapshot"`
	Activity bool             `json:"activity"`
	At       json.RawMessage  `json:"at"`
}

// protoError is a client mistake, sent back as an error frame.
type protoError struct {
	Type    string `json:"type"`
	Sub     string `json:"sub,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func newProtoError(sub, code, format string, args ...any) *protoError {
	return &protoError{Type: frameError, Sub: sub, Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *protoError) Error() string { return e.Code + ": " + e.Message }

// frame encodes e as an error frame.
func (e *protoError) frame() []byte { return mustJSON(e) }

// decodeClientMessage decodes and validates one client message. Every failure is a
// *protoError whose frame tells the client what to fix.
func decodeClientMessage(data []byte, lim Limits) (clientMessage, *protoError) {
	var m clientMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, newProtoError("", CodeBadJSON, "%s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return m, newProtoError("", CodeBadJSON, "one JSON object per message, nothing after it")
	}
	switch m.Type {
	case msgPing:
		return m, nil
	case msgUnsubscribe:
		if err := validSubName(m.Sub); err != nil {
			return m, err
		}
		return m, nil
	case msgSubscribe:
		return m, validSubscribe(m, lim)
	case "":
		return m, newProtoError(m.Sub, CodeUnknownType, "type is missing: subscribe, unsubscribe or ping")
	}
	return m, newProtoError(m.Sub, CodeUnknownType, "type %q is not subscribe, unsubscribe or ping", clip(m.Type))
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be a JSON %s, not %s", typ.Field, jsonType(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the message is empty or cut short"
	}
	return clip(strings.TrimPrefix(err.Error(), "json: "))
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

func validSubName(sub string) *protoError {
	switch {
	case sub == "":
		return newProtoError("", CodeBadSubscription, "sub is required: a name for the subscription")
	case len(sub) > maxSubName:
		return newProtoError("", CodeBadSubscription, "sub is longer than %d bytes", maxSubName)
	}
	return nil
}

func validSubscribe(m clientMessage, lim Limits) *protoError {
	if err := validSubName(m.Sub); err != nil {
		return err
	}
	bad := func(format string, args ...any) *protoError {
		return newProtoError(m.Sub, CodeBadSubscription, format, args...)
	}
	if len(m.Kinds) == 0 && len(m.IDs) == 0 {
		return bad("name kinds (lead, deal, account) or ids (\"lead/<id>\"), or both")
	}
	for _, k := range m.Kinds {
		if !knownKind(k) {
			return bad("kind %q is not lead, deal or account", clip(k))
		}
	}
	if len(m.IDs) > lim.IDs {
		return bad("%d ids, at most %d", len(m.IDs), lim.IDs)
	}
	for _, id := range m.IDs {
		if err := validEntityKey(id); err != "" {
			return bad("ids: %s", err)
		}
	}
	if len(m.Since) > lim.IDs {
		return bad("%d since entries, at most %d", len(m.Since), lim.IDs)
	}
	for key, v := range m.Since {
		if err := validEntityKey(key); err != "" {
			return bad("since: %s", err)
		}
		if v < 0 {
			return bad("since: version of %q is negative", clip(key))
		}
	}
	if m.Snapshot < 0 || m.Snapshot > MaxSnapshot {
		return bad("snapshot %d is not between 0 and %d", m.Snapshot, MaxSnapshot)
	}
	if len(m.Filter.Status) > maxFilter || len(m.Filter.Owner) > maxFilter {
		return bad("filter values are at most %d bytes", maxFilter)
	}
	if len(m.At) > 0 {
		return bad("at belongs to ping")
	}
	return nil
}

// validEntityKey checks "<kind>/<id>" and returns what is wrong, or "".
func validEntityKey(key string) string {
	kind, id, ok := strings.Cut(key, "/")
	switch {
	case !ok:
		return fmt.Sprintf("%q is not \"<kind>/<id>\"", clip(key))
	case !knownKind(kind):
		return fmt.Sprintf("kind of %q is not lead, deal or account", clip(key))
	case id == "" || len(id) > maxEntityID:
		return fmt.Sprintf("id of %q is empty or longer than %d bytes", clip(key), maxEntityID)
	}
	return ""
}

// clip shortens what a client sent before it is echoed in an error frame.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	return strings.ToValidUTF8(s[:64], "") + "…"
}

type helloFrame struct {
	Type        string        `json:"type"`
	ServerTime  rest.DateTime `json:"server_time"`
	HeartbeatMS int64         `json:"heartbeat_ms"`
	Limits      Limits        `json:"limits"`
}

type heartbeatFrame struct {
	Type       string        `json:"type"`
	ServerTime rest.DateTime `json:"server_time"`
}

type pongFrame struct {
	Type string          `json:"type"`
	At   json.RawMessage `json:"at,omitempty"`
}

func helloOf(now time.Time, heartbeat time.Duration, lim Limits) []byte {
	return mustJSON(helloFrame{Type: frameHello, ServerTime: rest.FormatTime(now),
		HeartbeatMS: heartbeat.Milliseconds(), Limits: lim})
}

func heartbeatOf(now time.Time) []byte {
	return mustJSON(heartbeatFrame{Type: frameHeartbeat, ServerTime: rest.FormatTime(now)})
}

func pongOf(at json.RawMessage) []byte { return mustJSON(pongFrame{Type: framePong, At: at}) }

// Heads of the frames the writer assembles from a client's subscription name and an update's
// shared tail.
var (
	changeHead   = []byte(`{"type":"change","sub":`)
	activityHead = []byte(`{"type":"activity","sub":`)
)

// snapshotOf assembles a snapshot frame from views that are valid JSON.
func snapshotOf(subJSON []byte, kind string, views []json.RawMessage) []byte {
	n := 64 + len(subJSON) + len(kind)
	for _, v := range views {
		n += len(v) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"type":"snapshot","sub":`...)
	b = append(b, subJSON...)
	b = append(b, `,"kind":`...)
	b = appendJSON(b, kind)
	b = append(b, `,"items":[`...)
	for i, v := range views {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, v...)
	}
	return append(b, "]}"...)
}

// appendJSON appends v as JSON; v is a string or a number, which always encode.
func appendJSON(b []byte, v any) []byte { return append(b, mustJSON(v)...) }

// mustJSON encodes values whose types always encode (frames of strings, numbers and JSON
// already validated).
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("stream: encode %T: %v", v, err)) // a bug: these types always encode
	}
	return b
}
