package access

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// MaxRateLimit is the largest rate limit a key may carry, in requests per second.
const MaxRateLimit = 1_000_000

// Keys makes, lists, revokes and checks API keys in a Store.
type Keys struct {
	store Store
	now   func() time.Time
	admin []byte // adminHash of AIDA_ADMIN_KEY; nil when unset
	cache rowCache
}

// Option configures Keys.
type Option func(*Keys)

// WithClock sets the clock that stamps creations and revocations (default time.Now).
func WithClock(now func() time.Time) Option { return func(k *Keys) { k.now = now } }

// New returns Keys over store. adminKey is AIDA_ADMIN_KEY ("" for none); a key that breaks
// ValidateAdminKey's rule is an error wrapping ErrWeakAdminKey.
func New(store Store, adminKey string, opts ...Option) (*Keys, error) {
	k := &Keys{store: store, now: time.Now, cache: rowCache{ttl: DefaultCacheTTL}}
	for _, opt := range opts {
		opt(k)
	}
	if adminKey != "" {
		if err := ValidateAdminKey(adminKey); err != nil {
			return nil, err
		}
		k.admin = adminHash(adminKey)
	}
	return k, nil
}

// Create makes a key and stores its hash. It returns the key and, once, the token to hand to
// its holder: aida_<id>_<secret>. Nothing can show the token again.
func (k *Keys) Create(ctx context.Context, name string, role Role, rateLimit int) (Key, string, error) {
	if err := checkSpec(name, role, rateLimit); err != nil {
		return Key{}, "", err
	}
	for attempt := 0; ; attempt++ {
		id, token := newToken()
		_, secret, _ := ParseKey(token)
		row := persistence.Key{
			ID: id, Name: name, Role: string(role), Hash: hash(secret), RateLimit: rateLimit,
			CreatedAt: k.now().UTC().Truncate(time.Microsecond),
		}
		err := k.store.CreateKey(ctx, row)
		if errors.Is(err, persistence.ErrDuplicate) && attempt < 3 {
			continue // 40 random bits met a taken ID: draw again
		}
		if err != nil {
			return Key{}, "", fmt.Errorf("create key %q: %w", name, err)
		}
		return keyOf(row), token, nil
	}
}

// List returns every key, revoked ones included, oldest first.
func (k *Keys) List(ctx context.Context) ([]Key, error) {
	rows, err := k.store.Keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	keys := make([]Key, len(rows))
	for i, r := range rows {
		keys[i] = keyOf(r)
	}
	return keys, nil
}

// Revoke revokes a key and returns it; a key revoked before keeps its first revocation time.
// ref is the key's ID, its prefix aida_<id>_ or the whole key. An unknown ID gives an error
// wrapping persistence.ErrNotFound.
func (k *Keys) Revoke(ctx context.Context, ref string) (Key, error) {
	id := ref
	if rest, ok := strings.CutPrefix(ref, tokenPrefix); ok {
		id, _, _ = strings.Cut(rest, "_")
	}
	if err := k.store.RevokeKey(ctx, id, k.now()); err != nil {
		return Key{}, fmt.Errorf("revoke key: %w", err)
	}
	k.forget(id)
	row, err := k.store.LoadKey(ctx, id)
	if err != nil {
		return Key{}, fmt.Errorf("revoke key: %w", err)
	}
	return keyOf(row), nil
}

// Authenticate returns the principal of a presented credential (what Bearer returned):
// AIDA_ADMIN_KEY, or a stored key that is not revoked. A credential that is neither gives an
// error wrapping ErrMalformed or ErrInvalidKey; a store failure is returned as it is (wrapping
// persistence.ErrUnavailable when the store cannot answer).
func (k *Keys) Authenticate(ctx context.Context, credential string) (Principal, error) {
	if k.admin != nil && subtle.ConstantTimeCompare(adminHash(credential), k.admin) == 1 {
		return Principal{Kind: KindKey, Name: AdminKeyName, Role: Admin}, nil
	}
	id, secret, err := ParseKey(credential)
	if err != nil {
		return Principal{}, err
	}
	row, err := k.loadKey(ctx, id)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return Principal{}, fmt.Errorf("key %s: %w", id, ErrInvalidKey)
	case err != nil:
		return Principal{}, fmt.Errorf("key %s: %w", id, err)
	case !matches(secret, row.Hash):
		return Principal{}, fmt.Errorf("key %s: wrong secret: %w", id, ErrInvalidKey)
	case row.Revoked():
		return Principal{}, fmt.Errorf("key %s: %w", id, errors.Join(ErrRevoked, ErrInvalidKey))
	}
	return Principal{Kind: KindKey, Name: row.Name, Role: Role(row.Role), KeyID: row.ID, RateLimit: row.RateLimit}, nil
}

// checkSpec checks a new key's name, role and rate limit.
func checkSpec(name string, role Role, rateLimit int) error {
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	if len(name) == 0 || len(name) > 64 {
		return fmt.Errorf("%w: a key's name has 1 to 64 characters", ErrBadKeySpec)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@') {
			return fmt.Errorf("%w: a key's name holds %q; use letters, digits and . _ - @", ErrBadKeySpec, c)
		}
	}
	if name == AdminKeyName {
		return fmt.Errorf("%w: the name %s stands for the environment's admin key; choose another", ErrBadKeySpec, AdminKeyName)
	}
	if rateLimit < 0 || rateLimit > MaxRateLimit {
		return fmt.Errorf("%w: a rate limit is 0 (none) to %d requests per second", ErrBadKeySpec, MaxRateLimit)
	}
	return nil
}
