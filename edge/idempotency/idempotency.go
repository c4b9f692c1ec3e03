// Package idempotency makes a POST safe to retry (draft-ietf-httpapi-idempotency-key-header): a
// request with an Idempotency-Key runs once per key and principal; a retry with the same key and
// the same request gets the first answer again, marked Idempotent-Replayed: true. Keys live in
// the store (persistence's idempotency role) for TTL.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/persistence"
)

// The headers.
const (
	Header         = "Idempotency-Key"
	HeaderReplayed = "Idempotent-Replayed"
)

// TTL is how long a key is kept: a retry later than this runs again.
const TTL = 24 * time.Hour

// MaxKeyLen is the longest key accepted.
const MaxKeyLen = 255

// storeTimeout bounds each store call of the middleware.
const storeTimeout = 5 * time.Second

// Store is the idempotency role of persistence.Store.
type Store interface {
	ReserveIdempotency(ctx context.Context, rec persistence.IdempotencyRecord, stale time.Time) (persistence.IdempotencyRecord, bool, error)
	CompleteIdempotency(ctx context.Context, rec persistence.IdempotencyRecord) error
	ReleaseIdempotency(ctx context.Context, scope, key string) error
	PurgeIdempotency(ctx context.Context, before time.Time) (int64, error)
}

var _ Store = persistence.Store(nil)

// parseKey returns the key a header value names: 1..MaxKeyLen visible ASCII characters, bare or
// quoted as the draft's structured-field string ("…").
func parseKey(v string) (string, bool) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	if v == "" || len(v) > MaxKeyLen {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return "", false
		}
	}
	return v, true
}

// fingerprint is the hex SHA-256 of the request's method, target (path and query) and body.
func fingerprint(c *fiber.Ctx) string {
	h := sha256.New()
	h.Write([]byte(c.Method()))
	h.Write([]byte{'\n'})
	h.Write([]byte(c.OriginalURL()))
	h.Write([]byte{'\n'})
	h.Write(c.Body())
	return hex.EncodeToString(h.Sum(nil))
}
