// Package fault holds the errors of AIDA's contract: domain and runtime failures with a code
// that survives the actor boundary (as an aidapb.Error) and maps to one HTTP status in edge.
package fault

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aidacrm/aida/api/aidapb"
)

// Code classifies an Error. Edge maps each code to one HTTP status.
type Code = aidapb.Error_Code

// The codes.
const (
	NotFound    = aidapb.Error_CODE_NOT_FOUND   // 404: the entity does not exist
	Invalid     = aidapb.Error_CODE_INVALID     // 422: a field is invalid; Fields says which
	Transition  = aidapb.Error_CODE_TRANSITION  // 409: the entity's state forbids the command
	Conflict    = aidapb.Error_CODE_CONFLICT    // 409: a concurrent write won; retry
	Duplicate   = aidapb.Error_CODE_DUPLICATE   // 409: a unique key is taken
	Unavailable = aidapb.Error_CODE_UNAVAILABLE // 503: overloaded or store down; retry later
	Internal    = aidapb.Error_CODE_INTERNAL    // 500: a bug
	// Unauthenticated: 401, the request carries no valid credentials.
	Unauthenticated = aidapb.Error_CODE_UNAUTHENTICATED
	// Forbidden: 403, the principal's role or ownership does not allow the operation.
	Forbidden = aidapb.Error_CODE_FORBIDDEN
)

// Field names one invalid field and what a person should do about it.
type Field struct {
	Name    string
	Message string
}

// Error is a failure with a code, a message a person can act on, and the invalid fields.
type Error struct {
	Code    Code
	Message string
	Fields  []Field
	Err     error // the cause, if any; never shown to clients
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Name, f.Message)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error with a message and a cause.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Fields collects field violations; Err returns nil when there are none.
type Fields []Field

// Add records that field is invalid.
func (fs *Fields) Add(field, format string, args ...any) {
	*fs = append(*fs, Field{Name: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an Invalid error listing the fields, or nil.
func (fs Fields) Err() error {
	if len(fs) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "some fields are invalid", Fields: fs}
}

// CodeOf returns the code of err: its *Error's code, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ToProto turns err into the message that crosses the actor boundary.
func ToProto(err error) *aidapb.Error {
	var e *Error
	if !errors.As(err, &e) {
		return &aidapb.Error{Code: Internal, Message: "internal error"}
	}
	pe := &aidapb.Error{Code: e.Code, Message: e.Message}
	for _, f := range e.Fields {
		pe.Fields = append(pe.Fields, &aidapb.FieldViolation{Field: f.Name, Message: f.Message})
	}
	return pe
}

// FromProto turns a reply's error back into an *Error.
func FromProto(pe *aidapb.Error) *Error {
	e := &Error{Code: pe.GetCode(), Message: pe.GetMessage()}
	for _, f := range pe.GetFields() {
		e.Fields = append(e.Fields, Field{Name: f.GetField(), Message: f.GetMessage()})
	}
	return e
}
