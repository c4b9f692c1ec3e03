package persistence

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EncodeCursor makes the opaque List cursor that points after the row (created, id) in the
// order of a Query (created_at desc, id desc). It keeps created to the microsecond, the
// precision every backend stores.
func EncodeCursor(created time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(created.UnixMicro(), 10) + "|" + id))
}

// DecodeCursor reads a cursor made by EncodeCursor and returns its row's creation time (UTC)
// and id. A malformed cursor gives an error wrapping ErrBadCursor.
func DecodeCursor(c string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("cursor %q: %w", c, ErrBadCursor)
	}
	us, id, ok := strings.Cut(string(raw), "|")
	if !ok || id == "" {
		return time.Time{}, "", fmt.Errorf("cursor %q: %w", c, ErrBadCursor)
	}
	n, err := strconv.ParseInt(us, 10, 64)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("cursor %q: %w", c, ErrBadCursor)
	}
	return time.UnixMicro(n).UTC(), id, nil
}
