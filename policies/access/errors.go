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

// ErrInvalidToken: an OIDC bearer token is refused: malformed, too long, signed with an
// algorithm or a key that is not accepted, expired or not yet valid, meant for another issuer
// or audience, or without a usable subject. The door answers 401.
var ErrInvalidToken = errors.New("invalid token")

// ErrNoRole: a valid OIDC token whose role claim names none of viewer, rep, manager and admin.
// The caller is known but may do nothing: the door answers 403.
var ErrNoRole = errors.New("no role")

// ErrOIDCConfig: the OIDC settings cannot work: the issuer or audience is missing or
// malformed, or the issuer's discovery document or keys cannot be fetched at start.
var ErrOIDCConfig = errors.New("OIDC configuration")
