package access_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/policies/access"
)

const adminKey = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// open returns Keys over a fresh SQLite store whose clock the test moves.
func open(t testing.TB, admin string) (*access.Keys, *time.Time) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	keys, err := access.New(st, admin, access.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("new keys: %v", err)
	}
	return keys, &now
}

func TestCreateListRevoke(t *testing.T) {
	keys, now := open(t, "")
	ci, ciToken, err := keys.Create(t.Context(), "ci-bot", access.Rep, 20)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(ciToken, ci.Prefix()) || len(ciToken) != access.TokenLen {
		t.Fatalf("token %q does not start with %q or is not %d long", ciToken, ci.Prefix(), access.TokenLen)
	}
	*now = now.Add(time.Minute)
	ann, _, err := keys.Create(t.Context(), "ann@example.com", access.Admin, 0)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	list, err := keys.List(t.Context())
	if err != nil || len(list) != 2 || list[0] != ci || list[1] != ann {
		t.Fatalf("list = %+v, %v; want [%+v %+v]", list, err, ci, ann)
	}
	if ci.Name != "ci-bot" || ci.Role != access.Rep || ci.RateLimit != 20 || ci.Revoked() {
		t.Fatalf("created %+v", ci)
	}

	*now = now.Add(time.Minute)
	revokedAt := *now
	for _, ref := range []string{ci.ID, ci.Prefix(), ciToken} { // every way to name it; the first time stays
		got, err := keys.Revoke(t.Context(), ref)
		if err != nil || got.ID != ci.ID || !got.RevokedAt.Equal(revokedAt) {
			t.Fatalf("revoke %q = %+v, %v; want %s revoked at %v", ref, got, err, ci.ID, revokedAt)
		}
		*now = now.Add(time.Minute)
	}
	if _, err := keys.Revoke(t.Context(), "nokey234"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("revoke unknown: %v, want ErrNotFound", err)
	}
	if _, err := keys.Authenticate(t.Context(), ciToken); !errors.Is(err, access.ErrRevoked) || !errors.Is(err, access.ErrInvalidKey) {
		t.Fatalf("revoked key authenticates: %v", err)
	}
}

func TestCreateRefuses(t *testing.T) {
	keys, _ := open(t, "")
	tests := []struct {
		name, key string
		role      access.Role
		rate      int
		err       error
	}{
		{"public role", "x", access.Public, 0, access.ErrBadRole},
		{"unknown role", "x", "root", 0, access.ErrBadRole},
		{"no name", "", access.Rep, 0, access.ErrBadKeySpec},
		{"long name", strings.Repeat("n", 65), access.Rep, 0, access.ErrBadKeySpec},
		{"space in name", "ci bot", access.Rep, 0, access.ErrBadKeySpec},
		{"control in name", "ci\nbot", access.Rep, 0, access.ErrBadKeySpec},
		{"reserved name", access.AdminKeyName, access.Admin, 0, access.ErrBadKeySpec},
		{"negative rate", "x", access.Rep, -1, access.ErrBadKeySpec},
		{"huge rate", "x", access.Rep, access.MaxRateLimit + 1, access.ErrBadKeySpec},
	}
	for _, tt := range tests {
		if _, _, err := keys.Create(t.Context(), tt.key, tt.role, tt.rate); !errors.Is(err, tt.err) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
		}
	}
	if list, err := keys.List(t.Context()); err != nil || len(list) != 0 {
		t.Fatalf("refused keys were stored: %+v, %v", list, err)
	}
}

func TestAuthenticate(t *testing.T) {
	keys, _ := open(t, adminKey)
	viewer, token, err := keys.Create(t.Context(), "dash", access.Viewer, 5)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id, secret, _ := access.ParseKey(token)
	flipped := "a"
	if secret[0] == 'a' {
		flipped = "b"
	}
	tests := []struct {
		name, credential string
		want             access.Principal
		err              error
	}{
		{"stored key", token, access.Principal{Kind: access.KindKey, Name: "dash", Role: access.Viewer, KeyID: viewer.ID, RateLimit: 5}, nil},
		{"admin key", adminKey, access.Principal{Kind: access.KindKey, Name: access.AdminKeyName, Role: access.Admin}, nil},
		{"admin key, one character short", adminKey[1:], access.Principal{}, access.ErrMalformed},
		{"wrong secret", "aida_" + id + "_" + flipped + secret[1:], access.Principal{}, access.ErrInvalidKey},
		{"unknown id", "aida_zzzzzzzz_" + secret, access.Principal{}, access.ErrInvalidKey},
		{"not a key", "hello", access.Principal{}, access.ErrMalformed},
		{"empty", "", access.Principal{}, access.ErrMalformed},
	}
	for _, tt := range tests {
		got, err := keys.Authenticate(t.Context(), tt.credential)
		if got != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%s: Authenticate = %+v, %v; want %+v, %v", tt.name, got, err, tt.want, tt.err)
		}
		if errors.Is(err, access.ErrRevoked) {
			t.Errorf("%s: a key that is not revoked reported as revoked", tt.name)
		}
	}
	if got, _ := keys.Authenticate(t.Context(), token); got.Actor() != "key:dash" {
		t.Errorf("actor %q, want key:dash", got.Actor())
	}
}

func TestAdminKeyRule(t *testing.T) {
	for _, admin := range []string{"short", strings.Repeat("ab", 20)} {
		if _, err := access.New(nil, admin); !errors.Is(err, access.ErrWeakAdminKey) {
			t.Errorf("New with AIDA_ADMIN_KEY %q: %v, want ErrWeakAdminKey", admin, err)
		}
	}
	// Without an admin key, nothing authenticates as admin, not even an empty credential.
	keys, _ := open(t, "")
	if p, err := keys.Authenticate(t.Context(), ""); err == nil || p.Role != "" {
		t.Fatalf("empty credential without admin key: %+v, %v", p, err)
	}
}

// TestRevocationThroughTheCache: a key revoked through the same Keys stops at once; revoked
// through other Keys on the same store (another node, `aida keys revoke`), it stops once the
// cached row is older than the cache time, and at once without a cache.
func TestRevocationThroughTheCache(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cached, _ := access.New(st, "", access.WithCacheTTL(time.Hour))
	uncached, _ := access.New(st, "", access.WithCacheTTL(0))
	other, _ := access.New(st, "")
	for _, keys := range []*access.Keys{cached, uncached} {
		k, token, err := keys.Create(t.Context(), "ann", access.Rep, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := keys.Authenticate(t.Context(), token); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Revoke(t.Context(), k.ID); err != nil {
			t.Fatal(err)
		}
		_, err = keys.Authenticate(t.Context(), token)
		if wantRefused := keys == uncached; errors.Is(err, access.ErrRevoked) != wantRefused {
			t.Errorf("cache %v: after a revocation elsewhere: %v, want refused %v", keys == cached, err, wantRefused)
		}
		if _, err := keys.Revoke(t.Context(), k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := keys.Authenticate(t.Context(), token); !errors.Is(err, access.ErrRevoked) {
			t.Errorf("after a revocation through the same keys: %v, want ErrRevoked", err)
		}
	}
}
