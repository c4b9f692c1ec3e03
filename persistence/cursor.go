package persistence

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// EncodeCursor makes the opaque List cursor that points after the row with this sort key and id
// in the order named order (Order.Name). The key is the row's sort key as its backend writes it:
// unix microseconds for the time orders, the score, the amount. Neither order nor key may hold
// "|"; the id may.
func EncodeCursor(order, key, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(order + "|" + key + "|" + id))
}

// DecodeCursor reads a cursor made by EncodeCursor for the order named order and returns its
// key and id. A malformed cursor, or one made for another order, gives an error wrapping
// ErrBadCursor; the backend checks the key's form.
func DecodeCursor(c, order string) (key, id string, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", "", fmt.Errorf("cursor %q: %w", c, ErrBadCursor)
	}
	made, rest, ok := strings.Cut(string(raw), "|")
	if !ok {
		return "", "", fmt.Errorf("cursor %q: %w", c, ErrBadCursor)
	}
	if made != order {
		return "", "", fmt.Errorf("cursor %q of order %q, not %q: %w", c, made, order, ErrBadCursor)
	}
	key, id, ok = strings.Cut(rest, "|")
	if !ok || key == "" || id == "" {
		return "", "", fmt.Errorf("cursor %q: %w", c, ErrBadCursor)
	}
	return key, id, nil
}
