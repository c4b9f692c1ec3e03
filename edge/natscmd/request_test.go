package natscmd

import (
	"errors"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
)

func TestDecodeRequest(t *testing.T) {
	tests := []struct {
		in       string
		command  string
		data     string
		badJSON  bool
		invalids []string
	}{
		{in: `{"command":"get"}`, command: "get"},
		{in: ` {"command":"update","data":{"a":1}} `, command: "update", data: `{"a":1}`},
		{in: `{"command":"get","data":null}`, command: "get"},
		{in: `{"command":"get","data":"x"}`, command: "get", data: `"x"`},
		{in: ``, badJSON: true},
		{in: `null`, badJSON: true},
		{in: `"get"`, badJSON: true},
		{in: `{"command":"get"`, badJSON: true},
		{in: `{}`, invalids: []string{"command"}},
		{in: `{"command":""}`, invalids: []string{"command"}},
		{in: `{"command":["get"]}`, invalids: []string{"command"}},
		{in: `{"command":"get","b":1,"a":2}`, invalids: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := decodeRequest([]byte(tt.in))
			switch {
			case tt.badJSON:
				if !errors.Is(err, rest.ErrBadJSON) {
					t.Fatalf("err %v, want ErrBadJSON", err)
				}
			case tt.invalids != nil:
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Code != fault.Invalid {
					t.Fatalf("err %v, want invalid", err)
				}
				var names []string
				for _, f := range fe.Fields {
					names = append(names, f.Name)
				}
				if strings.Join(names, ",") != strings.Join(tt.invalids, ",") {
					t.Errorf("fields %v, want %v", names, tt.invalids)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if r.Command != tt.command || string(r.Data) != tt.data {
					t.Errorf("got %q %s, want %q %s", r.Command, r.Data, tt.command, tt.data)
				}
			}
		})
	}
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		subject  string
		kind, id string
		notFound bool
	}{
		{subject: "aida.cmd.lead.new", kind: "lead", id: "new"},
		{subject: "aida.cmd.deal.0190A8C2-7D1E-7B3A-9C4D-5E6F7A8B9C0E", kind: "deal", id: dealID},
		{subject: "aida.cmd.account." + acctID, kind: "account", id: acctID},
		{subject: "aida.cmd.contact.new", notFound: true},
		{subject: "aida.cmd.lead", notFound: true},
		{subject: "aida.cmd.lead.", notFound: true},
		{subject: "aida.cmd.lead.NEW", notFound: true},
		{subject: "aida.cmd.lead.{" + leadID[1:] + "}", notFound: true},
		{subject: "aida.cmd.lead." + leadID + ".x", notFound: true},
		{subject: "crm.lead." + leadID, notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			got, err := parseSubject(tt.subject)
			if tt.notFound {
				if fault.CodeOf(err) != fault.NotFound {
					t.Fatalf("err %v, want not found", err)
				}
				return
			}
			if err != nil || got.kind != tt.kind || got.id != tt.id {
				t.Errorf("got %+v %v, want %s %s", got, err, tt.kind, tt.id)
			}
		})
	}
}

// FuzzDecodeRequest: any payload decodes to a request with a command, or fails with ErrBadJSON
// or an Invalid error naming fields; it never panics.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"command":"get"}`, `{"command":"capture","data":{"email":"a@b.co"}}`,
		`{"command":1}`, `{"command":"get","data":null,"x":[1,{"y":2}]}`, `{"command":"\u0000"}`,
		`{"command":"get","command":"put"}`, "{\"command\":\"\xff\"}", `{"data":{}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRequest(b)
		if err == nil {
			if r.Command == "" {
				t.Fatalf("%q: no error and no command", b)
			}
			return
		}
		if errors.Is(err, rest.ErrBadJSON) {
			return
		}
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || len(fe.Fields) == 0 {
			t.Fatalf("%q: unexpected error %v", b, err)
		}
		if p, internal := rest.ProblemOf(err); internal || p.Status != 422 {
			t.Fatalf("%q: problem %+v", b, p)
		}
	})
}
