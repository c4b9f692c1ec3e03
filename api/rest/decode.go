package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"

	"github.com/aidacrm/aida/api/fault"
)

// ErrBadJSON: the request body is empty, is not valid JSON or is not a JSON object.
var ErrBadJSON = errors.New("malformed JSON body")

// decodeObject decodes body, which must be one JSON object, into dst, a pointer to a struct
// whose fields carry json tags. Every unknown key, every value of the wrong type, every key
// given twice and every string that is not valid Unicode (checkStrict) is recorded in fs under
// its field name; the decoding goes on so that all of them are reported.
func decodeObject(body []byte, dst any, fs *fault.Fields) error {
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return fmt.Errorf("%w: the body is empty", ErrBadJSON)
	case !json.Valid(body):
		return fmt.Errorf("%w: the body is not valid JSON", ErrBadJSON)
	case body[0] != '{':
		return fmt.Errorf("%w: the body must be a JSON object", ErrBadJSON)
	}
	checkStrict(body, fs)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return fmt.Errorf("%w: %v", ErrBadJSON, err)
	}
	fields := fieldsOf(reflect.ValueOf(dst).Elem())
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			fs.Add(k, "is not a known field")
			continue
		}
		if err := json.Unmarshal(raw[k], f.Addr().Interface()); err != nil {
			name, msg := typeProblem(k, f.Type(), err)
			fs.Add(name, "%s", msg)
		}
	}
	return nil
}

// decodeOptional is decodeObject for a body whose fields are all optional: an empty body is
// an empty object.
func decodeOptional(body []byte, dst any, fs *fault.Fields) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decodeObject(body, dst, fs)
}

// fieldsOf maps the json names of a struct's exported fields to the fields, those of an
// embedded struct included (as encoding/json and the OpenAPI schema read them).
func fieldsOf(v reflect.Value) map[string]reflect.Value {
	t := v.Type()
	out := make(map[string]reflect.Value, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			maps.Copy(out, fieldsOf(v.Field(i)))
			continue
		}
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = v.Field(i)
	}
	return out
}

// typeProblem names the field a decoding error is about and says what it expects.
func typeProblem(key string, t reflect.Type, err error) (string, string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		name := key
		if te.Field != "" {
			name = key + "." + te.Field
			return name, fmt.Sprintf("must be %s, not %s", describe(te.Type), te.Value)
		}
		return name, fmt.Sprintf("must be %s, not %s", describe(t), te.Value)
	}
	var ve *valueError
	if errors.As(err, &ve) {
		return key, ve.msg
	}
	return key, "must be " + describe(t)
}

// describe says in words what JSON a Go type decodes from.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[Money]() {
		return "a decimal"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Map, reflect.Struct:
		if t.Kind() == reflect.Map && t.Elem().Kind() == reflect.String {
			return "an object of strings"
		}
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "a JSON value"
	}
}

// valueError is a decoding error whose message is meant for the client as it is.
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }
