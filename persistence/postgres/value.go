package postgres

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// null stores an empty string as NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// score stores a negative score (none) as NULL.
func score(v int32) any {
	if v < 0 {
		return nil
	}
	return v
}

// stamp returns t in UTC cut to microseconds (PostgreSQL's precision), or now when t is zero.
func stamp(t, now time.Time) time.Time {
	if t.IsZero() {
		t = now
	}
	return t.UTC().Truncate(time.Microsecond)
}

// jsonText stores empty JSON as {}.
func jsonText(b []byte) string {
	if len(b) == 0 {
		return "{}"
	}
	return string(b)
}

// nullable holds the nullable columns of a snapshot row while scanning.
type nullable struct {
	status, source, owner, key, amount *string
	score                              *int32
}

func (n nullable) index() persistence.Index {
	ix := persistence.Index{
		Status: deref(n.status), Source: deref(n.source), Owner: deref(n.owner),
		UniqueKey: deref(n.key), Amount: deref(n.amount), Score: -1,
	}
	if n.score != nil {
		ix.Score = *n.score
	}
	return ix
}

// deref reads a nullable string column; NULL is "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// encodeCursor makes the opaque cursor after the row (created_at, id).
func encodeCursor(created time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(created.UnixMicro(), 10) + "|" + id))
}

// decodeCursor reads a cursor made by encodeCursor.
func decodeCursor(c string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("cursor %q: %w", c, persistence.ErrBadCursor)
	}
	us, id, ok := strings.Cut(string(raw), "|")
	if !ok || id == "" {
		return time.Time{}, "", fmt.Errorf("cursor %q: %w", c, persistence.ErrBadCursor)
	}
	n, err := strconv.ParseInt(us, 10, 64)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("cursor %q: %w", c, persistence.ErrBadCursor)
	}
	return time.UnixMicro(n).UTC(), id, nil
}

// pageSize applies the contract's limit: 0 means 50, clamped to 1..500.
func pageSize(n int) int {
	if n == 0 {
		return 50
	}
	return min(max(n, 1), 500)
}

// entryLimit is the limit of Journal and Unpublished: non-positive means 500.
func entryLimit(n int) int {
	if n <= 0 {
		return 500
	}
	return n
}
