package access

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateAdminKey(t *testing.T) {
	tests := []struct {
		name, key string
		ok        bool
	}{
		{"openssl rand -hex 32", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", true},
		{"openssl rand -base64 32", "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=", true},
		{"32 characters", "abcdefgh-abcdefgh.abcdefgh_abcde", true},
		{"31 characters", "abcdefgh-abcdefgh.abcdefgh_abcd", false},
		{"empty", "", false},
		{"repeated", strings.Repeat("ab", 20), false},
		{"digits in order", strings.Repeat("1234567", 5), false},
		{"a space", "abcdefgh abcdefgh abcdefgh abcdefgh", false},
		{"a quote", `abcdefgh"abcdefgh"abcdefgh"abcdefgh`, false},
		{"not ASCII", "abcdefghéabcdefghéabcdefghéabcdefgh", false},
	}
	for _, tt := range tests {
		err := ValidateAdminKey(tt.key)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrWeakAdminKey)) {
			t.Errorf("%s: ValidateAdminKey(%q) = %v, want ok %v", tt.name, tt.key, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "openssl rand -hex 32") {
			t.Errorf("%s: %v does not say how to make a key", tt.name, err)
		}
	}
}
