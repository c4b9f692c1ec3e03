package access_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/policies/access"
)

func TestSessions(t *testing.T) {
	keys, now := open(t, adminKey)
	_, token, err := keys.Create(t.Context(), "ann", access.Rep, 0)
	if err != nil {
		t.Fatal(err)
	}
	value, p, expires, err := keys.NewSession(t.Context(), token, time.Hour)
	if err != nil || p.Name != "ann" || p.Role != access.Rep || !expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("NewSession = %q, %+v, %v, %v", value, p, expires, err)
	}
	if strings.Contains(value, token[14:]) {
		t.Fatalf("the session %q holds the key's secret", value)
	}
	got, exp, err := keys.Session(t.Context(), value)
	if err != nil || got != p || !exp.Equal(expires) {
		t.Fatalf("Session = %+v, %v, %v; want %+v", got, exp, err, p)
	}
	envValue, envP, _, err := keys.NewSession(t.Context(), adminKey, 0)
	if err != nil || envP.Name != access.AdminKeyName || envP.Role != access.Admin {
		t.Fatalf("admin key session = %+v, %v", envP, err)
	}
	if got, _, err := keys.Session(t.Context(), envValue); err != nil || got != envP {
		t.Fatalf("admin key session reads %+v, %v", got, err)
	}
	parts := strings.Split(value, ".")
	longer := parts[0] + "." + parts[1] + "." + "9999999999" + "." + parts[3]
	other := strings.Split(envValue, ".")
	swapped := parts[0] + "." + parts[1] + "." + parts[2] + "." + other[3]
	for name, v := range map[string]string{
		"empty": "", "garbage": "hello", "forged expiry": longer, "another session's MAC": swapped,
		"key id of the admin with ann's MAC": parts[0] + ".env." + parts[2] + "." + parts[3],
		"unknown key":                        parts[0] + ".zzzzzzzz." + parts[2] + "." + parts[3],
		"too long":                           value + strings.Repeat("a", 300),
	} {
		if _, _, err := keys.Session(t.Context(), v); !errors.Is(err, access.ErrInvalidSession) || !errors.Is(err, access.ErrInvalidKey) {
			t.Errorf("%s: Session(%q) = %v, want ErrInvalidSession", name, v, err)
		}
	}
	if _, _, _, err := keys.NewSession(t.Context(), "aida_zzzzzzzz_"+strings.Repeat("a", 52), 0); !errors.Is(err, access.ErrInvalidKey) {
		t.Errorf("a wrong key signs in: %v", err)
	}

	*now = now.Add(time.Hour)
	if _, _, err := keys.Session(t.Context(), value); !errors.Is(err, access.ErrInvalidSession) {
		t.Errorf("an expired session is accepted: %v", err)
	}
	*now = now.Add(-time.Minute)
	if _, err := keys.Revoke(t.Context(), p.KeyID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := keys.Session(t.Context(), value); !errors.Is(err, access.ErrInvalidSession) {
		t.Errorf("a session of a revoked key is accepted: %v", err)
	}
}

// FuzzSession feeds cookie values to Session: it never panics, and refuses all but the values
// NewSession made with ErrInvalidSession.
func FuzzSession(f *testing.F) {
	keys, _ := open(f, adminKey)
	_, token, err := keys.Create(f.Context(), "ann", access.Rep, 0)
	if err != nil {
		f.Fatal(err)
	}
	good, _, _, err := keys.NewSession(f.Context(), token, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", good, good + "x", "s1...", "s1.env.1.x", "s1.env.99999999999999999999.x", strings.Repeat(".", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		p, _, err := keys.Session(t.Context(), value)
		switch {
		case value == good:
			if err != nil || p.Name != "ann" {
				t.Fatalf("the good session: %+v, %v", p, err)
			}
		case err == nil:
			t.Fatalf("Session(%q) accepted a value NewSession did not make: %+v", value, p)
		case !errors.Is(err, access.ErrInvalidSession):
			t.Fatalf("Session(%q): %v, want ErrInvalidSession", value, err)
		}
	})
}
