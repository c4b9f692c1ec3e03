package persistence_test

import (
	"encoding/base64"
	"errors"
	"testing"

	"github.com/aidacrm/aida/persistence"
)

func TestCursorRoundTrip(t *testing.T) {
	tests := []struct {
		name, order, key, id string
	}{
		{"time key", "-created_at", "1741964966535897", "l1"},
		{"negative time", "created_at", "-14182940000000", "lead-42"},
		{"score", "-score", "-1", "a"},
		{"amount", "-amount", "12500.50", "0198f3c2-7c1e-7000-8000-000000000000"},
		{"id with separator", "-updated_at", "1", "x|y|z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, id, err := persistence.DecodeCursor(persistence.EncodeCursor(tc.order, tc.key, tc.id), tc.order)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if key != tc.key || id != tc.id {
				t.Fatalf("got (%q, %q), want (%q, %q)", key, id, tc.key, tc.id)
			}
		})
	}
}

func TestDecodeCursorMalformed(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, cursor string
	}{
		{"not base64", "%%%"},
		{"padded base64", base64.URLEncoding.EncodeToString([]byte("-created_at|12|l1"))},
		{"no separator", enc("-created_at")},
		{"no id", enc("-created_at|12345")},
		{"empty id", enc("-created_at|12345|")},
		{"empty key", enc("-created_at||l1")},
		{"another order", persistence.EncodeCursor("-score", "12", "l1")},
		{"no order", enc("12345|l1")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := persistence.DecodeCursor(tc.cursor, "-created_at"); !errors.Is(err, persistence.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q): got %v, want ErrBadCursor", tc.cursor, err)
			}
		})
	}
}

// FuzzDecodeCursor: any input either decodes to a non-empty key and id that encode back to a
// cursor of the same content, or fails with ErrBadCursor; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{persistence.EncodeCursor("-score", "7", "l|1"), "", "%%%", "LXNjb3JlfDd8", "fA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		key, id, err := persistence.DecodeCursor(c, "-score")
		if err != nil {
			if !errors.Is(err, persistence.ErrBadCursor) {
				t.Fatalf("error %v does not wrap ErrBadCursor", err)
			}
			return
		}
		if key == "" || id == "" {
			t.Fatalf("decoded empty key %q or id %q", key, id)
		}
		k2, id2, err := persistence.DecodeCursor(persistence.EncodeCursor("-score", key, id), "-score")
		if err != nil || k2 != key || id2 != id {
			t.Fatalf("re-encoded (%q, %q): got (%q, %q, %v)", key, id, k2, id2, err)
		}
	})
}
