package rest

import (
	"time"

	"github.com/aidacrm/aida/api/fault"
)

// KeyRequest is the body of POST /api/v1/keys.
type KeyRequest struct {
	Name      string `json:"name" doc:"who or what holds the key: 1 to 64 letters, digits and . _ - @; a rep owns the entities whose owner is this name"`
	Role      string `json:"role" doc:"viewer, rep, manager or admin"`
	RateLimit int    `json:"rate_limit,omitempty" doc:"requests per second this key may make; 0 or absent: no limit of its own"`
}

// Key is an API key as lists show it: never its secret.
type Key struct {
	ID         string     `json:"id" doc:"public: the key starts with aida_<id>_"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	RateLimit  int        `json:"rate_limit"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// NewKey is the answer to POST /api/v1/keys: the key and, this once, its secret.
type NewKey struct {
	Key
	Secret string `json:"key" doc:"the key to hand to its holder, shown this once: AIDA keeps only its hash"`
}

// KeyList is the answer to GET /api/v1/keys.
type KeyList struct {
	Items []Key `json:"items"`
}

// SessionRequest is the body of POST /api/v1/session.
type SessionRequest struct {
	APIKey string `json:"api_key" doc:"an API key (aida_<id>_<secret>) or AIDA_ADMIN_KEY"`
}

// Session says who the request acts for.
type Session struct {
	Kind      string     `json:"kind" doc:"key, user or agent"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Actor     string     `json:"actor" doc:"how the timeline records this principal: key:<name>, user:<subject>"`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"when a browser session ends; absent for bearer credentials"`
}

// DecodeKeyRequest reads the body of POST /api/v1/keys; the access package checks the name,
// role and rate limit further.
func DecodeKeyRequest(body []byte) (KeyRequest, error) {
	var r KeyRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return r, err
	}
	required(&fs, "name", r.Name)
	required(&fs, "role", r.Role)
	return r, report(fs)
}

// DecodeSessionRequest reads the body of POST /api/v1/session.
func DecodeSessionRequest(body []byte) (SessionRequest, error) {
	var r SessionRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return r, err
	}
	required(&fs, "api_key", r.APIKey)
	return r, report(fs)
}
