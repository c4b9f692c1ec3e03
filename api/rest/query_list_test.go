package rest

import (
	"slices"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/fault"
)

func TestDecodeSort(t *testing.T) {
	tests := []struct {
		kind, raw, want string
		bad             bool
	}{
		{"lead", "", "", false},
		{"lead", "   ", "", false},
		{"lead", "-created_at", "-created_at", false},
		{"lead", "created_at", "created_at", false},
		{"lead", " -Updated_At ", "-updated_at", false},
		{"lead", "updated_at", "updated_at", false},
		{"account", "-score", "-score", false},
		{"deal", "-amount", "-amount", false},
		{"lead", "-amount", "", true}, // deals only
		{"account", "-amount", "", true},
		{"deal", "amount", "", true},
		{"deal", "score", "", true},
		{"lead", "-id", "", true},
		{"lead", "created_at,-score", "", true},
	}
	for _, tc := range tests {
		var fs fault.Fields
		got := DecodeSort(tc.kind, tc.raw, &fs)
		if got != tc.want || (len(fs) > 0) != tc.bad {
			t.Errorf("DecodeSort(%q, %q) = %q, %v; want %q, invalid %v", tc.kind, tc.raw, got, fs, tc.want, tc.bad)
		}
		if tc.bad {
			if fs[0].Name != "sort" || !strings.Contains(fs[0].Message, strings.Join(Sorts(tc.kind), ", ")) {
				t.Errorf("DecodeSort(%q, %q): violation %+v should name sort and list %v", tc.kind, tc.raw, fs[0], Sorts(tc.kind))
			}
		}
	}
	if got := Sorts("deal"); !slices.Contains(got, "-amount") || slices.Contains(Sorts("lead"), "-amount") {
		t.Errorf("-amount is for deals only: deal %v, lead %v", got, Sorts("lead"))
	}
}

// FuzzDecodeSort: any input is either empty (no sort), one of Sorts(kind), or a violation
// naming sort; never both a sort and a violation.
func FuzzDecodeSort(f *testing.F) {
	for _, s := range []string{"", "-score", "-AMOUNT", " created_at", "\xff", "-", "--score", "updated_at\x00"} {
		for _, k := range []string{"lead", "deal", "account"} {
			f.Add(k, s)
		}
	}
	f.Fuzz(func(t *testing.T, kind, raw string) {
		var fs fault.Fields
		got := DecodeSort(kind, raw, &fs)
		switch {
		case len(fs) > 0:
			if got != "" || len(fs) != 1 || fs[0].Name != "sort" {
				t.Fatalf("DecodeSort(%q, %q) = %q with violations %v", kind, raw, got, fs)
			}
		case got == "":
			if strings.TrimSpace(raw) != "" {
				t.Fatalf("DecodeSort(%q, %q) accepted a non-empty value as no sort", kind, raw)
			}
		case !slices.Contains(Sorts(kind), got):
			t.Fatalf("DecodeSort(%q, %q) = %q, not one of %v", kind, raw, got, Sorts(kind))
		}
	})
}
