package natscmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/aidacrm/aida/policies/access"
	"slices"
	"strings"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/operation"
)

// commands returns the operations NATS serves (the rows of the operation table with a NATS
// name), by kind and command name.
func commands() map[string]map[string]operation.Operation {
	table := map[string]map[string]operation.Operation{}
	for _, op := range operation.Table() {
		if op.Name == "" || op.Call == nil {
			continue
		}
		if table[op.Kind] == nil {
			table[op.Kind] = map[string]operation.Operation{}
		}
		table[op.Kind][op.Name] = op
	}
	return table
}

// lookup finds the operation of the command name for the target, or the error that answers
// the request.
func (s *Server) lookup(t target, name string) (operation.Operation, error) {
	op, ok := s.table[t.kind][name]
	if !ok {
		names := make([]string, 0, len(s.table[t.kind]))
		for n := range s.table[t.kind] {
			names = append(names, n)
		}
		slices.Sort(names)
		var fs fault.Fields
		fs.Add("command", "is not a %s command; use one of %s", t.kind, strings.Join(names, ", "))
		return operation.Operation{}, fs.Err()
	}
	switch {
	case op.Creates() && t.id != NewID:
		var fs fault.Fields
		fs.Add("command", "creates a %s: send it to %s", t.kind, Subject(t.kind, NewID))
		return operation.Operation{}, fs.Err()
	case !op.Creates() && t.id == NewID:
		return operation.Operation{}, fault.New(fault.NotFound, "no %s with id %q", t.kind, NewID)
	}
	return op, nil
}

// input turns a request's data into the operation's Input, as REST would have it: the field
// named like the operation's path parameter is the parameter, the fields named like its query
// parameters are those (a string, or a number for an integer parameter), and the other fields
// are the body. An operation without a body takes no other field. Data absent or null is none.
func input(op *operation.Operation, t target, data []byte) (operation.Input, error) {
	in := operation.Input{}
	if t.id != NewID {
		in.ID = t.id
	}
	if len(data) == 0 {
		return in, nil
	}
	if op.Param == "" && len(op.Doc.Query) == 0 && op.Doc.Body != nil {
		in.Body = data // the body as it was sent
		return in, nil
	}
	raw, err := object(data)
	if err != nil {
		return in, err
	}
	var fs fault.Fields
	if v, ok := raw[op.Param]; ok && op.Param != "" {
		if json.Unmarshal(v, &in.Param) != nil {
			fs.Add(op.Param, "must be a string")
		}
		delete(raw, op.Param)
	}
	for _, q := range op.Doc.Query {
		v, ok := raw[q.Name]
		if !ok {
			continue
		}
		delete(raw, q.Name)
		value, msg := queryValue(q, v)
		if msg != "" {
			fs.Add(q.Name, "%s", msg)
			continue
		}
		if in.Query == nil {
			in.Query = map[string]string{}
		}
		in.Query[q.Name] = value
	}
	if op.Doc.Body == nil {
		for _, k := range sortedKeys(raw) {
			fs.Add(k, "is not a known field")
		}
	} else if in.Body, err = json.Marshal(raw); err != nil {
		return in, fmt.Errorf("%w: %v", rest.ErrBadJSON, err)
	}
	return in, fs.Err()
}

// queryValue returns the text of a query parameter given as JSON: a string, trimmed, or for an
// integer parameter the JSON as written (the operation parses it and says what is wrong with
// anything but a whole number); else what is wrong with it.
func queryValue(q rest.Param, v json.RawMessage) (string, string) {
	if q.Schema["type"] == "integer" {
		return string(bytes.TrimSpace(v)), ""
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return "", "must be a string"
	}
	return strings.TrimSpace(s), ""
}

// runOperation decodes the request's data into the operation's Input and runs it.
func (s *Server) runOperation(ctx context.Context, op *operation.Operation, t target, data []byte, p access.Principal, requestID string) (int, any, error) {
	in, err := input(op, t, data)
	if err != nil {
		return 0, nil, err
	}
	in.Principal, in.ScopeOwner, in.RequestID = p, operation.ScopeOf(p, s.cfg.scopeReps), requestID
	res, err := op.Run(ctx, s.entities, in)
	if err != nil {
		return 0, nil, err
	}
	return res.Status, res.Body, nil
}
