package record_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// problemsOf lists the fields of bad as "name: message".
func problemsOf(bad fault.Fields) []string {
	var out []string
	for _, f := range bad {
		out = append(out, f.Name+": "+f.Message)
	}
	return out
}

// decided checks what DecideNote or DecideAutonomy returned: the invalid fields of a
// fault.Invalid error as "name: message" must be problems; without problems it returns the one
// event, of type typ, or nil for none.
func decided(t *testing.T, evs []*aidapb.Event, err error, typ string, problems []string) *aidapb.Event {
	t.Helper()
	var got []string
	if err != nil {
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid {
			t.Fatalf("error %v, want a fault.Invalid error", err)
		}
		got = problemsOf(fe.Fields)
	}
	if !slices.Equal(got, problems) {
		t.Fatalf("problems %q, want %q", got, problems)
	}
	switch {
	case err != nil && len(evs) > 0:
		t.Fatalf("events %v with an error", evs)
	case len(evs) > 1 || len(evs) == 1 && evs[0].GetType() != typ:
		t.Fatalf("events %v, want at most one %s", evs, typ)
	case len(evs) == 1:
		return evs[0]
	}
	return nil
}

func TestTextAndLine(t *testing.T) {
	text := func(bad *fault.Fields, raw string, max int) string { return record.Text(bad, "f", raw, max) }
	line := func(bad *fault.Fields, raw string, max int) string { return record.Line(bad, "f", raw, max) }
	tests := []struct {
		name     string
		check    func(bad *fault.Fields, raw string, max int) string
		raw      string
		max      int
		want     string
		problems []string
	}{
		{"text trimmed", text, "  hello \n", 5, "hello", nil},
		{"text empty is allowed", text, "   ", 5, "", nil},
		{"text counts characters, not bytes", text, " héllo ", 5, "héllo", nil},
		{"text too long", text, "toolong", 5, "toolong", []string{"f: must be at most 5 characters"}},
		{"text may span lines", text, "a\nb", 5, "a\nb", nil},
		{"line trimmed", line, "\t user:ann \n", 10, "user:ann", nil},
		{"line empty is allowed", line, "", 10, "", nil},
		{"line with a newline inside", line, "user\nann", 10, "user\nann", []string{"f: must be one line of text"}},
		{"line with a tab inside", line, "user\tann", 10, "user\tann", []string{"f: must be one line of text"}},
		{"line too long is reported for its length only", line, strings.Repeat("a\n", 6), 10, strings.Repeat("a\n", 5) + "a",
			[]string{"f: must be at most 10 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bad fault.Fields
			got := tt.check(&bad, tt.raw, tt.max)
			if got != tt.want || !slices.Equal(problemsOf(bad), tt.problems) {
				t.Errorf("(%q, %d) = %q %q, want %q %q", tt.raw, tt.max, got, problemsOf(bad), tt.want, tt.problems)
			}
		})
	}
}

func TestCheckLen(t *testing.T) {
	tests := []struct {
		v       string
		max     int
		invalid bool
	}{
		{"", 0, false},
		{"abc", 3, false},
		{"abcd", 3, true},
		{"ééé", 3, false},
		{" abc", 3, true}, // CheckLen does not trim
	}
	for _, tt := range tests {
		var bad fault.Fields
		record.CheckLen(&bad, "f", tt.v, tt.max)
		if got := len(bad) > 0; got != tt.invalid {
			t.Errorf("CheckLen(%q, %d): invalid %v, want %v", tt.v, tt.max, got, tt.invalid)
		}
	}
}

func TestCheckLevel(t *testing.T) {
	tests := []struct {
		level   int32
		invalid bool
	}{
		{-1, true}, {0, true}, {1, false}, {3, false}, {5, false}, {6, true},
	}
	for _, tt := range tests {
		var bad fault.Fields
		record.CheckLevel(&bad, "autonomy_level", tt.level)
		want := []string(nil)
		if tt.invalid {
			want = []string{"autonomy_level: must be 1 to 5"}
		}
		if !slices.Equal(problemsOf(bad), want) {
			t.Errorf("CheckLevel(%d) = %q, want %q", tt.level, problemsOf(bad), want)
		}
	}
}
