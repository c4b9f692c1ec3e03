package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Status is the body of /healthz and /readyz when all is well.
type Status struct {
	Status string `json:"status" doc:"ok or ready"`
}

// Version is the version of the API the OpenAPI document describes.
const Version = "1.0.0"

// Param is a documented query parameter, or a path parameter other than {id}.
type Param struct {
	Name, Doc string
	Schema    map[string]any
}

// Op documents one operation of the API. Tables of operations (edge/operation) build it; the
// document is generated from the list.
type Op struct {
	Method, Path, ID, Tag, Summary string
	Role                           string  // the least role that may call it (x-aida-role)
	Params                         []Param // the path's parameters other than {id}
	Query                          []Param
	Body                           reflect.Type // nil: no body
	BodyOptional                   bool
	OK                             map[int]reflect.Type // success statuses and their body types (nil: none)
	OKText                         string               // a text/plain success body instead
	Problems                       []int
}

// StringSchema is the schema of a string, limited to enum when it is given.
func StringSchema(enum ...string) map[string]any {
	m := map[string]any{"type": "string"}
	if len(enum) > 0 {
		m["enum"] = enum
	}
	return m
}

// IntegerSchema is the schema of an integer from min to max.
func IntegerSchema(min, max int) map[string]any {
	return map[string]any{"type": "integer", "minimum": min, "maximum": max}
}

// BooleanSchema is the schema of a true/false query parameter.
func BooleanSchema() map[string]any { return map[string]any{"type": "boolean"} }

// NameSchema is the schema of a name or an ID in a path.
func NameSchema() map[string]any {
	return map[string]any{"type": "string", "minLength": 1, "maxLength": maxName}
}

// The query parameters several operations share.
func QueryLimit() Param {
	return Param{"limit", "page size, 1..500 (default 50)", IntegerSchema(1, 500)}
}
func QueryCursor() Param { return Param{"cursor", "next_cursor of the previous page", StringSchema()} }
func QueryOwner() Param  { return Param{"owner", "only these of this owner", StringSchema()} }
func QueryAfter() Param {
	return Param{"after", "only events after this version", IntegerSchema(0, 1<<62)}
}
func QueryTimelineLimit() Param {
	return Param{"limit", "at most this many events, 1..500 (default 100)", IntegerSchema(1, 500)}
}
func QueryReason() Param { return Param{"reason", "why, at most 1000 characters", StringSchema()} }

// QuerySort is the sort parameter of the list of kind.
func QuerySort(kind string) Param {
	score := "score"
	switch kind {
	case "deal":
		score = "probability"
	case "account":
		score = "health"
	}
	doc := "the order: -created_at (newest first, the default), created_at, -updated_at (most recently changed first), " +
		"updated_at, -score (highest " + score + " first, none last)"
	if kind == "deal" {
		doc += ", -amount (largest value first, none last)"
	}
	return Param{"sort", doc + "; a cursor pages only the order it was made for", StringSchema(Sorts(kind)...)}
}

// OpenAPI returns the OpenAPI 3.1 document of the operations ops as JSON.
func OpenAPI(ops []Op) ([]byte, error) {
	b, err := json.MarshalIndent(document(ops), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal openapi document: %w", err)
	}
	return b, nil
}

// document builds the OpenAPI document as plain Go values.
func document(ops []Op) map[string]any {
	s := &schemaSet{defs: map[string]any{}}
	problemRef := s.ref(reflect.TypeFor[Problem]())
	paths := map[string]any{}
	for _, o := range ops {
		item, _ := paths[o.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.Path] = item
		}
		var params []any
		if strings.Contains(o.Path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true,
				"description": "the entity's UUID", "schema": map[string]any{"type": "string", "format": "uuid"}})
		}
		for _, p := range o.Params {
			params = append(params, map[string]any{"name": p.Name, "in": "path", "required": true,
				"description": p.Doc, "schema": p.Schema})
		}
		for _, q := range o.Query {
			params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Doc, "schema": q.Schema})
		}
		if o.Method == http.MethodPost && o.Role != "public" {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "the same key with the same request within 24 h answers the first answer again (Idempotent-Replayed: true); with another request, 422",
				"schema":      map[string]any{"type": "string", "maxLength": 255}})
		}
		responses := map[string]any{}
		for code, t := range o.OK {
			if t == nil { // no body: 204
				responses[fmt.Sprint(code)] = map[string]any{"description": http.StatusText(code)}
				continue
			}
			responses[fmt.Sprint(code)] = map[string]any{"description": http.StatusText(code),
				"content": map[string]any{"application/json": map[string]any{"schema": s.ref(t)}}}
		}
		if o.OKText != "" {
			responses["200"] = map[string]any{"description": o.OKText,
				"content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		// Every route may answer 500 and, but /healthz, 421 (a Host the server does not answer
		// for); one with a body 415 (a body not sent as application/json).
		door := []int{500}
		if o.Path != "/healthz" {
			door = append(door, 421)
		}
		if o.Role != "" && o.Role != "public" {
			door = append(door, 401, 403, 429)
		}
		if o.Body != nil {
			door = append(door, 415)
		}
		for _, code := range append(door, o.Problems...) {
			responses[fmt.Sprint(code)] = map[string]any{"description": problemText(code),
				"content": map[string]any{ProblemContentType: map[string]any{"schema": problemRef}}}
		}
		operation := map[string]any{"operationId": o.ID, "summary": o.Summary, "tags": []string{o.Tag},
			"responses": responses}
		if o.Role != "" {
			operation["x-aida-role"] = o.Role
		}
		if o.Role == "public" {
			operation["security"] = []any{} // no credentials needed
		}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		if o.Body != nil {
			operation["requestBody"] = map[string]any{"required": !o.BodyOptional,
				"content": map[string]any{"application/json": map[string]any{"schema": s.ref(o.Body)}}}
		}
		item[strings.ToLower(o.Method)] = operation
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "AIDA CRM API", "version": Version,
			"description": "Leads, deals and accounts, each a virtual actor. Errors are RFC 9457 problem details."},
		"tags": []any{
			map[string]any{"name": "leads"}, map[string]any{"name": "deals"},
			map[string]any{"name": "accounts"}, map[string]any{"name": "stats"}, map[string]any{"name": "access"},
			map[string]any{"name": "operations"},
		},
		"paths":    paths,
		"security": []any{map[string]any{"apiKey": []any{}}, map[string]any{"session": []any{}}},
		"components": map[string]any{"schemas": s.defs, "securitySchemes": map[string]any{
			"apiKey": map[string]any{"type": "http", "scheme": "bearer",
				"description": "An API key (aida_<id>_<secret>, from `aida keys create` or POST /api/v1/keys) or, when OIDC is configured, an identity provider's token"},
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "aida_session",
				"description": "The browser session POST /api/v1/session sets; writes need a same-origin Origin header"},
		}},
	}
}

// problemText says when an operation answers with a problem of this status.
func problemText(code int) string {
	switch code {
	case 400:
		return "The body is empty or not a JSON object"
	case 404:
		return "No entity with this id"
	case 409:
		return "The entity's state forbids the command, a unique key is taken, or a concurrent write won"
	case 401:
		return "No valid credentials: send Authorization: Bearer <key>, or sign in"
	case 403:
		return "The principal's role, ownership or autonomy limit does not allow this"
	case 429:
		return "Over a rate limit (the key's, or the address's without credentials); retry after Retry-After seconds"
	case 413:
		return "The body is larger than the limit"
	case 415:
		return "The body is not sent with Content-Type: application/json"
	case 421:
		return "The Host header names a host the server does not answer for (AIDA_ALLOWED_HOSTS)"
	case 422:
		return "Some fields are invalid; errors lists them"
	case 503:
		return "Overloaded, timed out or the store is down; retry after Retry-After seconds"
	default:
		return http.StatusText(code)
	}
}
