package natscmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

// Subjects, headers and the queue group of the protocol.
const (
	SubjectPrefix = "aida.cmd" // requests go to SubjectPrefix.<kind>.<id>
	Queue         = "aida"     // the queue group every node subscribes in
	NewID         = "new"      // the id of the subject of a create
	// ReplyPrefix starts every reply subject the server answers to: NATS inboxes (nats.go's
	// default; a client with a custom inbox prefix gets no answer).
	ReplyPrefix = "_INBOX."
	// HeaderAuthorization carries the caller's credentials, "Bearer <key>", as in REST.
	HeaderAuthorization = "Authorization"
	HeaderRequestID     = "Aida-Request-Id" // echoed on the reply; made when absent
	HeaderStatus        = "Status"          // the reply's status, as in Reply.Status
	maxHeader           = 128               // the longest Aida-Request-Id
	contentJSON         = "application/json"
	headerType          = "Content-Type"
	headerRetryAfter    = "Retry-After" // "1" on a 503, as in REST
)

// The entity kinds.
const (
	kindLead    = "lead"
	kindDeal    = "deal"
	kindAccount = "account"
)

// Subject returns the subject that commands the entity (kind, id); id is a UUID or NewID.
func Subject(kind, id string) string { return SubjectPrefix + "." + kind + "." + id }

// Request is the payload of a command request. Data is the REST body of the same route.
type Request struct {
	Command string          `json:"command"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Reply is the payload of every reply: Data (the REST JSON) on success, Problem otherwise.
type Reply struct {
	Status  int             `json:"status"`
	Data    json.RawMessage `json:"data,omitempty"`
	Problem *rest.Problem   `json:"problem,omitempty"`
}

// decodeRequest decodes a request payload strictly: one JSON object (else rest.ErrBadJSON)
// with a string command and an optional data; other keys are invalid fields. A data of null is
// no data.
func decodeRequest(b []byte) (Request, error) {
	raw, err := object(b)
	if err != nil {
		return Request{}, err
	}
	var r Request
	var fs fault.Fields
	notString := false
	for _, k := range sortedKeys(raw) {
		switch k {
		case "command":
			if json.Unmarshal(raw[k], &r.Command) != nil {
				fs.Add(k, "must be a string")
				notString = true
			}
		case "data":
			if v := bytes.TrimSpace(raw[k]); !bytes.Equal(v, []byte("null")) {
				r.Data = v
			}
		default:
			fs.Add(k, "is not a known field")
		}
	}
	if r.Command == "" && !notString {
		fs.Add("command", "is required")
	}
	if err := fs.Err(); err != nil {
		return Request{}, err
	}
	return r, nil
}

// object decodes b, which must be one JSON object, into its members.
func object(b []byte) (map[string]json.RawMessage, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("%w: the payload is empty", rest.ErrBadJSON)
	case !json.Valid(b):
		return nil, fmt.Errorf("%w: the payload is not valid JSON", rest.ErrBadJSON)
	case b[0] != '{':
		return nil, fmt.Errorf("%w: the payload must be a JSON object", rest.ErrBadJSON)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", rest.ErrBadJSON, err)
	}
	return raw, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// target is the entity a subject names: kind, and id canonical or NewID.
type target struct{ kind, id string }

// parseSubject reads aida.cmd.<kind>.<id>; anything else is a NotFound error, like an unknown
// REST route or an id that is not a UUID.
func parseSubject(subject string) (target, error) {
	rest0, ok := strings.CutPrefix(subject, SubjectPrefix+".")
	if !ok {
		return target{}, fault.New(fault.NotFound, "no command subject %q", clip(subject))
	}
	kind, id, ok := strings.Cut(rest0, ".")
	switch kind {
	case kindLead, kindDeal, kindAccount:
	default:
		return target{}, fault.New(fault.NotFound, "no entity kind %q; use lead, deal or account", clip(kind))
	}
	if !ok || id == "" {
		return target{}, fault.New(fault.NotFound, "no %s id in subject %q", kind, clip(subject))
	}
	if id == NewID {
		return target{kind: kind, id: NewID}, nil
	}
	canonical, valid := rest.ParseID(id)
	if !valid {
		return target{}, fault.New(fault.NotFound, "no %s with id %q", kind, clip(id))
	}
	return target{kind: kind, id: canonical}, nil
}

// clip shortens s for a message.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}

// validHeader tells whether s is a short header value of visible ASCII without characters that
// could forge log lines (the rule of the REST edge's X-User-ID and X-Request-ID).
func validHeader(s string) bool {
	if s == "" || len(s) > maxHeader {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b > '~' || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}
