package natscmd

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/persistence"
)

// restAnswer asks the REST edge over f and returns the status and the JSON body.
func restAnswer(t *testing.T, f *fakeEntities, method, path, body string) (int, any) {
	t.Helper()
	srv, err := edge.New(edge.Config{}, edge.Deps{Entities: f, NewID: func() string { return "rid" }, Auth: testAuth})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "localhost" // httptest's example.com is not an allowed host
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("REST body %q: %v", b, err)
	}
	return resp.StatusCode, v
}

// natsAnswer asks the NATS server over f and returns the status and the data or the problem.
func natsAnswer(t *testing.T, nc *nats.Conn, f *fakeEntities, subject, payload string) (int, any) {
	t.Helper()
	s := New(nc, f, WithAuthenticator(testAuth))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	r, _ := ask(t, nc, subject, payload, nil)
	var raw []byte
	if r.Problem != nil {
		var err error
		if raw, err = json.Marshal(r.Problem); err != nil {
			t.Fatal(err)
		}
	} else {
		raw = r.Data
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return r.Status, v
}

// withoutOrigin drops the fields of a problem that name the transport's request.
func withoutOrigin(v any) any {
	if m, ok := v.(map[string]any); ok {
		delete(m, "instance")
		delete(m, "request_id")
	}
	return v
}

// TestTableParity walks the operation table: every operation NATS serves answers the same
// status and JSON over NATS as over REST, for a request with every input the operation takes
// (its path parameter, its query parameters, a body) and, where NATS can send it, for one with a
// body that is not an object.
func TestTableParity(t *testing.T) {
	nc := startNATS(t)
	ids := map[string]string{"lead": leadID, "deal": dealID, "account": acctID}
	n := 0
	for _, op := range operation.Table() {
		if op.Name == "" {
			continue
		}
		n++
		bodies := []string{`{"title":"T","text":"x","status":"qualified","level":3}`, `[1]`}
		if op.Param != "" || len(op.Doc.Query) > 0 {
			bodies = bodies[:1] // NATS data that carries a parameter is an object: [1] cannot be sent
		}
		for _, body := range bodies {
			path := strings.ReplaceAll(op.Path, "{id}", ids[op.Kind])
			data := map[string]any{}
			if op.Param != "" {
				path = strings.ReplaceAll(path, "{"+op.Param+"}", "p-1")
				data[op.Param] = "p-1"
			}
			var query []string
			for _, q := range op.Doc.Query {
				v := "2"
				if q.Schema["type"] != "integer" {
					v = "why"
				}
				query = append(query, q.Name+"="+v)
				data[q.Name] = json.RawMessage(v)
				if q.Schema["type"] != "integer" {
					data[q.Name] = v
				}
			}
			if len(query) > 0 {
				path += "?" + strings.Join(query, "&")
			}
			restBody := ""
			payload := map[string]any{"command": op.Name}
			if op.Doc.Body != nil {
				restBody = body
				if len(data) == 0 {
					payload["data"] = json.RawMessage(body)
				} else if body[0] == '{' {
					var fields map[string]any
					if err := json.Unmarshal([]byte(body), &fields); err != nil {
						t.Fatal(err)
					}
					maps.Copy(data, fields)
				}
			}
			if _, set := payload["data"]; !set && len(data) > 0 {
				payload["data"] = data
			}
			raw, err := json.Marshal(payload)
			if err != nil {
				t.Fatal(err)
			}
			id := ids[op.Kind]
			if op.Creates() {
				id = NewID
			}
			t.Run(op.Kind+"_"+op.Name+"_"+body[:1], func(t *testing.T) {
				restFake, _ := recorder(false)
				natsFake, _ := recorder(false)
				wantStatus, want := restAnswer(t, restFake, op.Method, path, restBody)
				gotStatus, got := natsAnswer(t, nc, natsFake, Subject(op.Kind, id), string(raw))
				if gotStatus != wantStatus || !reflect.DeepEqual(withoutOrigin(got), withoutOrigin(want)) {
					t.Errorf("NATS %s: %d %v\nREST %s %s: %d %v", raw, gotStatus, got, op.Method, path, wantStatus, want)
				}
			})
		}
	}
	if n < 50 {
		t.Fatalf("only %d operations have a NATS command", n)
	}
}

// An error of the entities becomes the same problem over NATS as over REST.
func TestErrorParityWithREST(t *testing.T) {
	nc := startNATS(t)
	for _, err := range []error{
		fault.New(fault.NotFound, "no deal"),
		fault.New(fault.Transition, "closed"),
		fault.New(fault.Conflict, "lost"),
		fault.New(fault.Duplicate, "taken"),
		fault.Fields{{Name: "stage", Message: "is wrong"}}.Err(),
		fault.New(fault.Unavailable, "busy"),
		fault.New(fault.Internal, "bug"),
		context.DeadlineExceeded,
		persistence.ErrNotFound,
		persistence.ErrConflict,
		&persistence.UniqueError{Kind: "deal", Key: "k"},
		persistence.Unavailable(errors.New("dial")),
		persistence.ErrClosed,
		persistence.Unavailable(context.DeadlineExceeded),
		fault.Wrap(fault.Internal, persistence.ErrConflict, "wrapped"),
		errors.New("plain"),
	} {
		t.Run(err.Error(), func(t *testing.T) {
			f := &fakeEntities{send: func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
				return nil, err
			}}
			wantStatus, want := restAnswer(t, f, "POST", "/api/v1/deals/"+dealID+"/stage", `{"stage":"proposal"}`)
			gotStatus, got := natsAnswer(t, nc, f, Subject("deal", dealID), `{"command":"stage","data":{"stage":"proposal"}}`)
			if gotStatus != wantStatus || !reflect.DeepEqual(withoutOrigin(got), withoutOrigin(want)) {
				t.Errorf("NATS %d %v\nREST %d %v", gotStatus, got, wantStatus, want)
			}
		})
	}
}
