package access

import (
	"crypto/sha256"
	"fmt"
	"strings"
)

// AdminKeyName is the principal name of AIDA_ADMIN_KEY (key:AIDA_ADMIN_KEY in the timeline);
// no stored key may take it.
const AdminKeyName = "AIDA_ADMIN_KEY"

// MinAdminKeyLen is the least length of AIDA_ADMIN_KEY.
const MinAdminKeyLen = 32

// minDistinct is the least number of different characters an admin key holds: 64 hex digits
// from `openssl rand -hex 32` hold about 16; "aaaa…" or "1234…" hold few.
const minDistinct = 8

// ValidateAdminKey checks the rule for AIDA_ADMIN_KEY: at least 32 characters, all of them
// RFC 6750 token characters (letters, digits, - . _ ~ + / =, so that it fits a Bearer header
// as it is), and not a repetition of a few characters. The error says how to make a good one.
func ValidateAdminKey(key string) error {
	const fix = "; make one with `openssl rand -hex 32`"
	if n := len(key); n < MinAdminKeyLen {
		return fmt.Errorf("%w: AIDA_ADMIN_KEY has %d characters, it needs at least %d%s", ErrWeakAdminKey, n, MinAdminKeyLen, fix)
	}
	distinct := map[rune]bool{}
	for _, c := range key {
		if !tokenChar(c) {
			return fmt.Errorf("%w: AIDA_ADMIN_KEY holds %q; use letters, digits and - . _ ~ + / =%s", ErrWeakAdminKey, c, fix)
		}
		distinct[c] = true
	}
	if len(distinct) < minDistinct {
		return fmt.Errorf("%w: AIDA_ADMIN_KEY repeats %d characters, it needs at least %d different ones%s", ErrWeakAdminKey, len(distinct), minDistinct, fix)
	}
	return nil
}

// tokenChar reports whether c may appear in an RFC 6750 b64token.
func tokenChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~+/=", c)
}

// adminHash is what Keys keeps of AIDA_ADMIN_KEY: its SHA-256, so that comparing a presented
// credential with it takes the same time whatever their lengths.
func adminHash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}
