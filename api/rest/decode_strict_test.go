package rest

import (
	"slices"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func TestCheckStrict(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		fields     []string // the fields named, in order; nil: none
	}{
		{"plain", `{"a":"x","b":{"c":[1,"y",{"d":null}]}}`, nil},
		{"escapes", `{"a":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","b":"é😀"}`, nil},
		{"same key in two objects", `{"a":{"k":1},"b":{"k":1}}`, nil},
		{"duplicate", `{"a":1,"b":2,"a":3}`, []string{"a"}},
		{"duplicate differing only in escapes", `{"a":1,"\u0061":2}`, []string{"a"}},
		{"nested duplicate", `{"utm":{"x":"1","x":"2"}}`, []string{"utm.x"}},
		{"duplicate in an array's object", `{"list":[{},{"k":1,"k":1}]}`, []string{"list[1].k"}},
		{"invalid value", "{\"first_name\":\"Ad\xe9\"}", []string{"first_name"}},
		{"invalid nested value", "{\"custom_fields\":{\"tags\":[\"ok\",\"\xff\"]}}", []string{"custom_fields.tags[1]"}},
		{"encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", []string{"a"}},
		{"overlong", "{\"a\":\"\xc0\xaf\"}", []string{"a"}},
		{"invalid key", "{\"\xff\":1}", []string{"body"}},
		{"invalid nested key", "{\"utm\":{\"\xff\":\"x\"}}", []string{"utm"}},
		{"lone low surrogate", `{"a":"\udc00"}`, []string{"a"}},
		{"lone high surrogate", `{"a":"x\ud83dy"}`, []string{"a"}},
		{"high surrogate then a non-surrogate", `{"a":"\ud83d\u0041"}`, []string{"a"}},
		{"high surrogate at the end", `{"a":"\ud83d"}`, []string{"a"}},
		{"top-level string", "\"\xff\"", []string{"body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fieldsList(tc.body); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields = %q, want %q", got, tc.fields)
			}
		})
	}
}

// fieldsList runs checkStrict on body and returns the names it records.
func fieldsList(body string) []string {
	var fs fault.Fields
	checkStrict([]byte(body), &fs)
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return names
}

func TestCheckStrictBounded(t *testing.T) {
	body := []byte("{")
	for i := range 1000 {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, `"k":1`...)
	}
	body = append(body, '}')
	if n := len(fieldsList(string(body))); n != maxStrictProblems {
		t.Fatalf("%d problems recorded, want %d", n, maxStrictProblems)
	}
}

func TestDecodeRefusesWhatJSONWouldReplace(t *testing.T) {
	note := &aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "ok 😀"}}}
	runDecode(t, DecodeNote, []decodeCase{
		{name: "pair", body: `{"text":"ok \ud83d\ude00"}`, want: note},
		{name: "duplicate", body: `{"text":"a","text":"b"}`, fields: []string{"text"}},
		{name: "invalid UTF-8", body: "{\"text\":\"a\xffb\"}", fields: []string{"text"}},
		{name: "lone surrogate", body: `{"text":"\ud800"}`, fields: []string{"text"}},
		{name: "not JSON", body: "\xff", badJSON: true},
	})
}

func TestNamesRefuseBidiControls(t *testing.T) {
	for _, tc := range []struct {
		decode func([]byte) (*aidapb.Command, error)
		body   string
		field  string
	}{
		{DecodeCapture, `{"email":"a@b.co","first_name":"Ada\u202Egnp.exe"}`, "first_name"},
		{DecodeCapture, `{"email":"a@b.co","company":"\u2066ACME\u2069"}`, "company"},
		{DecodeUpdateLead, `{"last_name":"x\u202Ay"}`, "last_name"},
		{DecodeCreateAccount, `{"name":"\u202DACME"}`, "name"},
		{DecodeUpdateAccount, `{"name":"\u2067ACME"}`, "name"},
		{DecodeCreateDeal, `{"title":"Deal \u2068x"}`, "title"},
		{DecodeUpdateDeal, `{"title":"\u202Bx"}`, "title"},
		{DecodeTask, `{"title":"\u202Ccall"}`, "title"},
		{DecodeConvert, `{"title":"\u202Ex"}`, "title"},
	} {
		_, err := tc.decode([]byte(tc.body))
		if names := fieldsOfErr(t, err); !slices.Equal(names, []string{tc.field}) {
			t.Errorf("%s: fields %v, want [%s]", tc.body, names, tc.field)
		}
	}
	// Other right-to-left text is a name like any other.
	if _, err := DecodeCapture([]byte(`{"email":"a@b.co","first_name":"\u05d3\u05d5\u05d3","company":"\u0634\u0631\u0643\u0629"}`)); err != nil {
		t.Errorf("a Hebrew or Arabic name is refused: %v", err)
	}
}
