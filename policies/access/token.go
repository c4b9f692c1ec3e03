package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"strings"
)

// The shape of a key: aida_<id>_<secret>, both parts lower-case base32 (a–z, 2–7), so a key
// is one word to a double click, a shell and a URL.
const (
	tokenPrefix = "aida_"
	idBytes     = 5  // 40 random bits: IDs are public, they need only not collide
	secretBytes = 32 // 256 random bits: no guessing, no dictionary, one hash suffices
	idLen       = idBytes * 8 / 5
	secretLen   = (secretBytes*8 + 4) / 5
	// TokenLen is the length of every key AIDA makes (66 characters).
	TokenLen = len(tokenPrefix) + idLen + 1 + secretLen
)

// encoding is base32 in lower case, without padding.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newToken draws a fresh key: its ID and the whole token to hand out once.
func newToken() (id, token string) {
	b := make([]byte, idBytes+secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+: it crashes the program instead)
	id = encoding.EncodeToString(b[:idBytes])
	return id, tokenPrefix + id + "_" + encoding.EncodeToString(b[idBytes:])
}

// hash is what the store keeps of a secret.
func hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// matches reports, in constant time, whether secret hashes to stored.
func matches(secret string, stored []byte) bool {
	return subtle.ConstantTimeCompare(hash(secret), stored) == 1
}

// Bearer returns the credential of an Authorization header value "Bearer <credential>". The
// scheme is case-insensitive (RFC 9110); the credential is one token of visible ASCII.
func Bearer(header string) (string, error) {
	if header == "" {
		return "", ErrNoCredentials
	}
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", fmt.Errorf(`%w: the Authorization header must be "Bearer <key>"`, ErrMalformed)
	}
	cred = strings.Trim(cred, " ")
	if cred == "" {
		return "", fmt.Errorf(`%w: "Bearer" is followed by no key`, ErrMalformed)
	}
	for i := range len(cred) {
		if c := cred[i]; c <= ' ' || c > '~' {
			return "", fmt.Errorf("%w: the key holds a space or a character that is not visible ASCII", ErrMalformed)
		}
	}
	return cred, nil
}

// ParseKey splits a key made by AIDA, aida_<id>_<secret>, into its ID and its secret.
func ParseKey(token string) (id, secret string, err error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if ok {
		id, secret, ok = strings.Cut(rest, "_")
	}
	if !ok || len(id) != idLen || len(secret) != secretLen || !base32Text(id) || !base32Text(secret) {
		return "", "", fmt.Errorf("%w: an AIDA key looks like aida_<8 characters>_<52 characters>, "+
			"letters a–z and digits 2–7", ErrMalformed)
	}
	return id, secret, nil
}

// base32Text reports whether s holds only characters of encoding's alphabet.
func base32Text(s string) bool {
	for i := range len(s) {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
