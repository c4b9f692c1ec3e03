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

// The kinds of principal.
const (
	KindKey   = "key"   // an API key (or AIDA_ADMIN_KEY)
	KindUser  = "user"  // a person signed in through an OIDC identity provider
	KindAgent = "agent" // one of AIDA's own agents, inside the process
)

// Principal is who a request acts for: authenticated by a door, never taken from a header.
type Principal struct {
	Kind      string // KindKey, KindUser or KindAgent; "" is read as KindKey
	Name      string // the key's name (AdminKeyName for AIDA_ADMIN_KEY), the user's subject, the agent's name
	Role      Role
	KeyID     string // the stored key's ID; "" for AIDA_ADMIN_KEY and for other kinds
	RateLimit int    // the key's own requests per second; 0: none
}

// Actor is how the principal is written in the timeline: key:<name>, user:<subject> or
// agent:<name>.
func (p Principal) Actor() string {
	kind := p.Kind
	if kind == "" {
		kind = KindKey
	}
	return kind + ":" + p.Name
}

// Owner is the owner name of the entities this principal owns: its name (a key named
// ann@example.com owns the leads whose owner is ann@example.com).
func (p Principal) Owner() string { return p.Name }

// Valid reports whether p names someone with a role: the zero Principal is nobody.
func (p Principal) Valid() bool { return p.Name != "" && p.Role.Allows(Viewer) }

// Authenticator turns a presented credential (what Bearer returned) into its principal. Keys
// is one; a door may try several (API keys, OIDC tokens).
type Authenticator interface {
	Authenticate(ctx context.Context, credential string) (Principal, error)
}
