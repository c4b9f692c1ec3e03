package access

import "errors"

// ErrNoCredentials: the request carries no Authorization header.
var ErrNoCredentials = errors.New("no credentials")

// ErrMalformed: the Authorization header is not "Bearer <key>", or the key is not of the form
// aida_<id>_<secret>.
var ErrMalformed = errors.New("malformed credentials")

// ErrInvalidKey: no valid key matches what was presented: the ID is unknown, the secret is
// wrong, or the key is revoked (errors.Is(err, ErrRevoked) tells that case apart, for logs).
var ErrInvalidKey = errors.New("invalid key")

// ErrRevoked: the key was revoked. Errors wrapping it wrap ErrInvalidKey too.
var ErrRevoked = errors.New("key revoked")

// ErrBadRole: a key's role is none of KeyRoles.
var ErrBadRole = errors.New("unknown role")

// ErrBadKeySpec: a new key's name or rate limit is not acceptable.
var ErrBadKeySpec = errors.New("bad key")

// ErrWeakAdminKey: AIDA_ADMIN_KEY is set but too short or not a plain token.
var ErrWeakAdminKey = errors.New("weak admin key")

// ErrInvalidToken: a bearer token (an OIDC JWT) is not valid: malformed, badly signed, expired,
// or for another issuer or audience.
var ErrInvalidToken = errors.New("invalid token")

// ErrNoRole: the credential is valid but grants no AIDA role.
var ErrNoRole = errors.New("no role")
