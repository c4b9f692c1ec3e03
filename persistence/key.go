package persistence

import "time"

// Key is an API key's row: who it names, what it may do, and the hash of its secret. The secret
// itself is never stored; policies/access makes keys and checks them.
type Key struct {
	ID         string // the key's public identifier, also printed inside the key
	Name       string // who or what holds it; the principal's name in the timeline
	Role       string // viewer, rep, manager or admin
	Hash       []byte // SHA-256 of the secret
	RateLimit  int    // requests per second this key may make; 0: no limit of its own
	CreatedAt  time.Time
	RevokedAt  time.Time // zero while the key is valid
	LastUsedAt time.Time // zero until TouchKey records a use
}

// Revoked reports whether the key has been revoked.
func (k Key) Revoked() bool { return !k.RevokedAt.IsZero() }
