package rest

import (
	"encoding/json"
	"reflect"
	"strings"
)

// schemaSet builds JSON Schemas (OpenAPI 3.1 dialect) from the Go types of this package, one
// component per named struct.
type schemaSet struct {
	defs map[string]any
}

// ref returns the schema of t, registering named structs as components.
func (s *schemaSet) ref(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[DateTime]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[Fraction]():
		return map[string]any{"type": "number", "minimum": 0, "maximum": 1, "description": "three decimals"}
	case reflect.TypeFor[Tenths]():
		return map[string]any{"type": "number", "minimum": 0, "maximum": 100, "description": "one decimal"}
	case reflect.TypeFor[Hundredths]():
		return map[string]any{"type": "number", "description": "two decimals"}
	case reflect.TypeFor[Money]():
		return map[string]any{"type": []string{"string", "number"}, "pattern": moneyPattern.String(),
			"description": "a non-negative decimal, as a string (preferred) or a number", "examples": []any{"12500.00"}}
	case reflect.TypeFor[json.RawMessage]():
		return map[string]any{"type": "object"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := s.ref(t.Elem())
		if typ, ok := inner["type"].(string); ok {
			out := make(map[string]any, len(inner))
			for k, v := range inner {
				out[k] = v
			}
			out["type"] = []string{typ, "null"}
			return out
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int, reflect.Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": s.ref(t.Elem())}
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return map[string]any{"type": "object"}
		}
		return map[string]any{"type": "object", "additionalProperties": s.ref(t.Elem())}
	case reflect.Struct:
		name := t.Name()
		if _, ok := s.defs[name]; !ok {
			s.defs[name] = nil // reserve: recursive types refer to it
			s.defs[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// object builds the schema of a struct. Request types refuse unknown properties and require
// the fields documented as required; views require every field they always hold.
func (s *schemaSet) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var req []string
	request := strings.HasSuffix(t.Name(), "Request")
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			p := s.ref(f.Type)
			doc := f.Tag.Get("doc")
			if doc != "" {
				if _, isRef := p["$ref"]; !isRef {
					p["description"] = doc
				} else {
					p = map[string]any{"allOf": []any{p}, "description": doc}
				}
			}
			props[name] = p
			switch {
			case request && strings.HasPrefix(doc, "required"):
				req = append(req, name)
			case !request && !strings.Contains(opts, "omitempty"):
				req = append(req, name)
			}
		}
	}
	walk(t)
	out := map[string]any{"type": "object", "properties": props}
	if len(req) > 0 {
		out["required"] = req
	}
	if request {
		out["additionalProperties"] = false
	}
	return out
}
