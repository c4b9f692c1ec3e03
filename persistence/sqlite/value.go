package sqlite

import (
	"database/sql"
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
	return int64(v)
}

// stamp returns t in unix microseconds, or now when t is zero.
func stamp(t, now time.Time) int64 {
	if t.IsZero() {
		t = now
	}
	return t.UnixMicro()
}

// fromMicros turns stored unix microseconds back into a UTC time.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// jsonText stores empty JSON as {}.
func jsonText(b []byte) string {
	if len(b) == 0 {
		return "{}"
	}
	return string(b)
}

// nullable holds the nullable columns of a snapshot row while scanning.
type nullable struct {
	status, source, owner, key, amount sql.NullString
	score                              sql.NullInt64
}

func (n nullable) index() persistence.Index {
	ix := persistence.Index{
		Status: n.status.String, Source: n.source.String, Owner: n.owner.String,
		UniqueKey: n.key.String, Amount: n.amount.String, Score: -1,
	}
	if n.score.Valid {
		ix.Score = int32(n.score.Int64)
	}
	return ix
}

// encodeCursor makes the opaque cursor after the row (created_at, id).
func encodeCursor(createdMicros int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(createdMicros, 10) + "|" + id))
}

// decodeCursor reads a cursor made by encodeCursor.
func decodeCursor(c string) (int64, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", fmt.Errorf("cursor %q: %w", c, persistence.ErrBadCursor)
	}
	us, id, ok := strings.Cut(string(raw), "|")
	if !ok || id == "" {
		return 0, "", fmt.Errorf("cursor %q: %w", c, persistence.ErrBadCursor)
	}
	n, err := strconv.ParseInt(us, 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("cursor %q: %w", c, persistence.ErrBadCursor)
	}
	return n, id, nil
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
