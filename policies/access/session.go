package access

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// DefaultSessionTTL is how long a browser session lasts after sign-in.
const DefaultSessionTTL = 12 * time.Hour

// sessionVersion starts every session value; a change of format changes it.
const sessionVersion = "s1"

// envKeyID stands, in a session, for AIDA_ADMIN_KEY, which has no stored ID.
const envKeyID = "env"

// ErrInvalidSession: a session value is malformed, forged, expired, or its key was revoked.
// Errors wrapping it wrap ErrInvalidKey too, so a door answers 401 for both.
var ErrInvalidSession = errors.New("invalid session")

// NewSession signs in with a credential (an API key or AIDA_ADMIN_KEY): it authenticates it
// and returns the value of a session cookie, valid until expires, with the principal.
//
// The value is s1.<key id>.<expiry>.<mac>: the MAC is an HMAC-SHA256 of the ID and the expiry
// keyed by the key's stored hash, which never leaves the server. Every node that shares the
// store checks it; no session table is kept. Revoking the key ends its sessions at once; a
// session ends at its expiry or when the browser drops the cookie (sign-out).
func (k *Keys) NewSession(ctx context.Context, credential string, ttl time.Duration) (value string, p Principal, expires time.Time, err error) {
	if p, err = k.Authenticate(ctx, credential); err != nil {
		return "", Principal{}, time.Time{}, err
	}
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	id, secret := p.KeyID, k.admin
	if id == "" {
		id = envKeyID
	} else {
		row, err := k.loadKey(ctx, id)
		if err != nil {
			return "", Principal{}, time.Time{}, fmt.Errorf("key %s: %w", id, err)
		}
		secret = row.Hash
	}
	expires = k.now().Add(ttl).UTC().Truncate(time.Second)
	payload := sessionVersion + "." + id + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + sessionMAC(secret, payload), p, expires, nil
}

// Session returns the principal of a session value made by NewSession, and when it expires.
// A value that is malformed, forged or expired, or whose key is revoked or gone, is an error
// wrapping ErrInvalidSession and ErrInvalidKey; a store failure is returned as it is.
func (k *Keys) Session(ctx context.Context, value string) (Principal, time.Time, error) {
	invalid := func(why string) (Principal, time.Time, error) {
		return Principal{}, time.Time{}, fmt.Errorf("%w: %s", errors.Join(ErrInvalidSession, ErrInvalidKey), why)
	}
	parts := strings.Split(value, ".")
	if len(parts) != 4 || parts[0] != sessionVersion || len(value) > 256 {
		return invalid("not a session of this server")
	}
	unix, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return invalid("not a session of this server")
	}
	expires := time.Unix(unix, 0).UTC()
	if !k.now().Before(expires) {
		return invalid("the session has expired; sign in again")
	}
	payload := strings.Join(parts[:3], ".")
	var p Principal
	var secret []byte
	if id := parts[1]; id == envKeyID {
		if k.admin == nil {
			return invalid("the key of this session is gone")
		}
		p, secret = Principal{Kind: KindKey, Name: AdminKeyName, Role: Admin}, k.admin
	} else {
		row, err := k.loadKey(ctx, id)
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			return invalid("the key of this session is gone")
		case err != nil:
			return Principal{}, time.Time{}, fmt.Errorf("key %s: %w", id, err)
		case row.Revoked():
			return invalid("the key of this session was revoked")
		}
		p, secret = Principal{Kind: KindKey, Name: row.Name, Role: Role(row.Role), KeyID: row.ID, RateLimit: row.RateLimit}, row.Hash
	}
	if !hmac.Equal([]byte(sessionMAC(secret, payload)), []byte(parts[3])) {
		return invalid("the session's signature does not match")
	}
	return p, expires, nil
}

// sessionMAC is the base64url HMAC-SHA256 of payload keyed by secret.
func sessionMAC(secret []byte, payload string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
