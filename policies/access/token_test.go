package access

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id, token := newToken()
		if len(token) != TokenLen || !strings.HasPrefix(token, "aida_"+id+"_") {
			t.Fatalf("token %q (id %q): want aida_<id>_<secret> of %d characters", token, id, TokenLen)
		}
		gotID, secret, err := ParseKey(token)
		if err != nil || gotID != id {
			t.Fatalf("parse a fresh token %q: %q, %v", token, gotID, err)
		}
		raw, err := encoding.DecodeString(secret)
		if err != nil || len(raw) != secretBytes {
			t.Fatalf("secret %q decodes to %d bytes, %v; want %d", secret, len(raw), err, secretBytes)
		}
		if seen[id] || seen[secret] {
			t.Fatalf("token %q repeats an ID or a secret", token)
		}
		seen[id], seen[secret] = true, true
	}
}

func TestHashAndMatch(t *testing.T) {
	_, token := newToken()
	_, secret, _ := ParseKey(token)
	want := sha256.Sum256([]byte(secret))
	stored := hash(secret)
	if !bytes.Equal(stored, want[:]) {
		t.Fatalf("hash is not the SHA-256 of the secret")
	}
	other := "a"
	if secret[0] == 'a' {
		other = "b"
	}
	tests := []struct {
		name   string
		secret string
		stored []byte
		want   bool
	}{
		{"same secret", secret, stored, true},
		{"one character off", other + secret[1:], stored, false},
		{"empty secret", "", stored, false},
		{"truncated hash", secret, stored[:16], false},
		{"no hash", secret, nil, false},
	}
	for _, tt := range tests {
		if got := matches(tt.secret, tt.stored); got != tt.want {
			t.Errorf("%s: matches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBearer(t *testing.T) {
	tests := []struct {
		header string
		want   string
		err    error
	}{
		{"Bearer abc", "abc", nil},
		{"bearer abc", "abc", nil},
		{"BEARER   abc  ", "abc", nil},
		{"", "", ErrNoCredentials},
		{"Bearer", "", ErrMalformed},
		{"Bearer ", "", ErrMalformed},
		{"Basic YWxhZGRpbjpvcGVu", "", ErrMalformed},
		{"Bearerabc", "", ErrMalformed},
		{"Bearer a b", "", ErrMalformed},
		{"Bearer a\tb", "", ErrMalformed},
		{"Bearer ab\x00", "", ErrMalformed},
		{"Bearer clé", "", ErrMalformed},
	}
	for _, tt := range tests {
		got, err := Bearer(tt.header)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("Bearer(%q) = %q, %v; want %q, %v", tt.header, got, err, tt.want, tt.err)
		}
	}
}

func TestParseKey(t *testing.T) {
	secret := strings.Repeat("a2", 26)
	tests := []struct {
		name, token, id string
		ok              bool
	}{
		{"good", "aida_abcdefgh_" + secret, "abcdefgh", true},
		{"no prefix", "abcdefgh_" + secret, "", false},
		{"other prefix", "sk_abcdefgh_" + secret, "", false},
		{"upper case", "aida_ABCDEFGH_" + secret, "", false},
		{"short id", "aida_abcdefg_" + secret, "", false},
		{"long secret", "aida_abcdefgh_" + secret + "a", "", false},
		{"short secret", "aida_abcdefgh_" + secret[1:], "", false},
		{"digit outside base32", "aida_abcdefg1_" + secret, "", false},
		{"no separator", "aida_abcdefgh" + secret, "", false},
		{"extra separator", "aida_abcdefgh_" + secret[:20] + "_" + secret[21:], "", false},
		{"empty", "", "", false},
		{"an admin key", strings.Repeat("0123456789abcdef", 4), "", false},
	}
	for _, tt := range tests {
		id, got, err := ParseKey(tt.token)
		switch {
		case tt.ok && (err != nil || id != tt.id || got != secret):
			t.Errorf("%s: ParseKey = %q, %q, %v; want %q and the secret", tt.name, id, got, err, tt.id)
		case !tt.ok && !errors.Is(err, ErrMalformed):
			t.Errorf("%s: ParseKey err = %v, want ErrMalformed", tt.name, err)
		}
	}
}

// FuzzCredential feeds Authorization header values to Bearer and ParseKey: they never panic,
// fail only with ErrNoCredentials or ErrMalformed, and what they accept has the shape they
// promise.
func FuzzCredential(f *testing.F) {
	_, token := newToken()
	for _, s := range []string{"", "Bearer " + token, "bearer  " + token + " ", "Basic x", "Bearer aida__", "Bearer aida_abcdefgh_\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		cred, err := Bearer(header)
		if err != nil {
			if !errors.Is(err, ErrNoCredentials) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Bearer(%q): unexpected error %v", header, err)
			}
			return
		}
		if cred == "" || strings.ContainsAny(cred, " \t\r\n") {
			t.Fatalf("Bearer(%q) = %q: empty or with spaces", header, cred)
		}
		id, secret, err := ParseKey(cred)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseKey(%q): unexpected error %v", cred, err)
			}
			return
		}
		if "aida_"+id+"_"+secret != cred || len(cred) != TokenLen {
			t.Fatalf("ParseKey(%q) = %q, %q: not the parts of the key", cred, id, secret)
		}
	})
}
