package access

import (
	"context"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// Store is the keys role of persistence.Store: what Keys reads and writes.
type Store interface {
	CreateKey(ctx context.Context, k persistence.Key) error
	LoadKey(ctx context.Context, id string) (persistence.Key, error)
	Keys(ctx context.Context) ([]persistence.Key, error)
	RevokeKey(ctx context.Context, id string, at time.Time) error
}

// Key is an API key as people see it: everything but its secret and the secret's hash.
type Key struct {
	ID         string // public: printed in the key (aida_<ID>_…), in lists and in logs
	Name       string
	Role       Role
	RateLimit  int // requests per second; 0: no limit of its own
	CreatedAt  time.Time
	RevokedAt  time.Time // zero while the key is valid
	LastUsedAt time.Time // zero until a use is recorded (persistence.Store.TouchKey)
}

// Revoked reports whether the key has been revoked.
func (k Key) Revoked() bool { return !k.RevokedAt.IsZero() }

// Prefix is how the key starts, for people to recognise it: aida_<ID>_.
func (k Key) Prefix() string { return tokenPrefix + k.ID + "_" }

// keyOf turns a stored row into a Key.
func keyOf(r persistence.Key) Key {
	return Key{
		ID: r.ID, Name: r.Name, Role: Role(r.Role), RateLimit: r.RateLimit,
		CreatedAt: r.CreatedAt, RevokedAt: r.RevokedAt, LastUsedAt: r.LastUsedAt,
	}
}

// Principal is who a request acts for.
type Principal struct {
	Name      string // the key's name; AdminKeyName for AIDA_ADMIN_KEY
	Role      Role
	KeyID     string // the stored key's ID; "" for AIDA_ADMIN_KEY
	RateLimit int    // the key's own requests per second; 0: none
}

// Actor is how the principal is written in the timeline: key:<name>.
func (p Principal) Actor() string { return "key:" + p.Name }
