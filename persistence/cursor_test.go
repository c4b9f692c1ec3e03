package persistence_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

func TestCursorRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		created time.Time
		id      string
	}{
		{"utc", time.Date(2025, 3, 14, 15, 9, 26, 535897000, time.UTC), "l1"},
		{"other zone comes back utc", time.Date(2025, 3, 14, 15, 9, 26, 0, time.FixedZone("CET", 3600)), "lead-42"},
		{"before 1970", time.Date(1969, 7, 20, 20, 17, 40, 123456000, time.UTC), "a"},
		{"id with separator", time.UnixMicro(1).UTC(), "x|y|z"},
		{"zero time", time.UnixMicro(0).UTC(), "0198f3c2-7c1e-7000-8000-000000000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			at, id, err := persistence.DecodeCursor(persistence.EncodeCursor(tc.created, tc.id))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !at.Equal(tc.created) || at.Location() != time.UTC || id != tc.id {
				t.Fatalf("got (%v, %q), want (%v UTC, %q)", at, id, tc.created, tc.id)
			}
		})
	}
}

func TestCursorTruncatesToMicroseconds(t *testing.T) {
	created := time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC)
	at, _, err := persistence.DecodeCursor(persistence.EncodeCursor(created, "l1"))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if want := created.Truncate(time.Microsecond); !at.Equal(want) {
		t.Fatalf("got %v, want %v", at, want)
	}
}

func TestDecodeCursorMalformed(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, cursor string
	}{
		{"not base64", "%%%"},
		{"padded base64", base64.URLEncoding.EncodeToString([]byte("12|l1"))},
		{"no separator", enc("12345")},
		{"empty id", enc("12345|")},
		{"time not a number", enc("soon|l1")},
		{"empty time", enc("|l1")},
		{"time out of range", enc("99999999999999999999|l1")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := persistence.DecodeCursor(tc.cursor); !errors.Is(err, persistence.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q): got %v, want ErrBadCursor", tc.cursor, err)
			}
		})
	}
}
