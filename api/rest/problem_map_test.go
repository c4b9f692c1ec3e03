package rest_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

func TestProblemOf(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		status   int
		typ      string
		detail   string
		fields   []rest.FieldError
		internal bool
	}{
		{name: "not found", err: fault.New(fault.NotFound, "no lead %s", "x"), status: 404, typ: "/problems/not-found", detail: "no lead x"},
		{name: "invalid", err: fault.Fields{{Name: "email", Message: "is required"}}.Err(), status: 422,
			typ: "/problems/invalid", detail: "some fields are invalid",
			fields: []rest.FieldError{{Field: "email", Message: "is required"}}},
		{name: "transition wrapped", err: fmt.Errorf("send: %w", fault.New(fault.Transition, "won")), status: 409,
			typ: "/problems/transition", detail: "won"},
		{name: "conflict", err: fault.New(fault.Conflict, "retry"), status: 409, typ: "/problems/conflict", detail: "retry"},
		{name: "duplicate", err: fault.New(fault.Duplicate, "taken"), status: 409, typ: "/problems/duplicate", detail: "taken"},
		{name: "unavailable", err: fault.New(fault.Unavailable, "busy"), status: 503, typ: "/problems/unavailable", detail: "busy"},
		{name: "bad json", err: fmt.Errorf("%w: the body is empty", rest.ErrBadJSON), status: 400,
			typ: "/problems/bad-request", detail: "malformed JSON body: the body is empty"},
		{name: "deadline", err: fmt.Errorf("ask: %w", context.DeadlineExceeded), status: 503, typ: "/problems/timeout",
			detail: "the request did not complete in time; retry"},
		{name: "canceled", err: context.Canceled, status: 503, typ: "/problems/timeout",
			detail: "the request did not complete in time; retry"},
		{name: "fault internal", err: fault.New(fault.Internal, "secret"), status: 500, typ: "/problems/internal",
			detail: "an internal error occurred; quote the request id when reporting it", internal: true},
		{name: "plain", err: errors.New("secret"), status: 500, typ: "/problems/internal",
			detail: "an internal error occurred; quote the request id when reporting it", internal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, internal := rest.ProblemOf(tt.err)
			if p.Status != tt.status || p.Type != tt.typ || p.Detail != tt.detail || internal != tt.internal {
				t.Errorf("got %d %s %q internal=%v, want %d %s %q internal=%v",
					p.Status, p.Type, p.Detail, internal, tt.status, tt.typ, tt.detail, tt.internal)
			}
			if !reflect.DeepEqual(p.Errors, tt.fields) {
				t.Errorf("fields %+v, want %+v", p.Errors, tt.fields)
			}
			if p.Title == "" {
				t.Errorf("no title")
			}
		})
	}
}
