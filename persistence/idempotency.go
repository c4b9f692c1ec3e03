package persistence

import "time"

// IdempotencyRecord is one Idempotency-Key a client sent on a POST (edge/idempotency), scoped by
// the principal that sent it: while Done is false the first request is still running; once Done,
// Status, ContentType, Location and Body are its answer, replayed to a retry with the same
// Fingerprint (SHA-256 of the request). Rows live outside the journal and expire (Purge).
type IdempotencyRecord struct {
	Scope       string // the principal, e.g. "key:<id>"
	Key         string // the Idempotency-Key header, 1..255 visible ASCII
	Fingerprint string // hex SHA-256 of method, target and body
	Status      int    // 0 while running
	ContentType string
	Location    string
	Body        []byte
	CreatedAt   time.Time // stored with microsecond precision, returned in UTC
	Done        bool
}
