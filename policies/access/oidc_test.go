package access

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/aidacrm/aida/persistence/sqlite"
)

func TestOIDCAuthenticate(t *testing.T) {
	p := newProvider(t, "rsa-1", "enc-1", "ec-256", "ec-384", "ec-521", "ed")
	edit := func(f func(jwt.MapClaims)) jwt.MapClaims { return p.claims(f) }
	good := func(method jwt.SigningMethod, kid string) string { return sign(t, method, kid, false, p.claims(nil)) }
	pubPEM, _ := x509.MarshalPKIXPublicKey(key("rsa-1").priv.Public())
	hmacKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubPEM})
	hs256 := jwt.NewWithClaims(jwt.SigningMethodHS256, p.claims(nil))
	hs256.Header["kid"] = "rsa-1"
	hmacToken, _ := hs256.SignedString(hmacKey)
	noneToken, _ := jwt.NewWithClaims(jwt.SigningMethodNone, p.claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	ann := Principal{Kind: KindUser, Name: "ann@example.com", Role: Rep}

	tests := []struct {
		name      string
		token     string
		roleClaim string
		want      Principal
		wantErr   error
		reason    string
	}{
		{"RS256", good(jwt.SigningMethodRS256, "rsa-1"), "", ann, nil, ""},
		{"RS512", good(jwt.SigningMethodRS512, "rsa-1"), "", ann, nil, ""},
		{"PS256", good(jwt.SigningMethodPS256, "rsa-1"), "", ann, nil, ""},
		{"ES256", good(jwt.SigningMethodES256, "ec-256"), "", ann, nil, ""},
		{"ES384", good(jwt.SigningMethodES384, "ec-384"), "", ann, nil, ""},
		{"ES512", good(jwt.SigningMethodES512, "ec-521"), "", ann, nil, ""},
		{"EdDSA", good(jwt.SigningMethodEdDSA, "ed"), "", ann, nil, ""},
		{"no kid: every published key is tried", sign(t, jwt.SigningMethodRS256, "rsa-1", true, p.claims(nil)), "", ann, nil, ""},
		{"one of several audiences", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["aud"] = []string{"crm", testAudience} })), "", ann, nil, ""},
		{"not yet valid within the leeway", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["nbf"] = t0.Add(20 * time.Second).Unix() })), "", ann, nil, ""},
		{"expired within the leeway", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["exp"] = t0.Add(-20 * time.Second).Unix() })), "", ann, nil, ""},

		{"alg none", noneToken, "", Principal{}, ErrInvalidToken, `algorithm "none" is not accepted`},
		{"HS256 keyed with the RSA public key", hmacToken, "", Principal{}, ErrInvalidToken, `algorithm "HS256" is not accepted`},
		{"key not in the key set", good(jwt.SigningMethodRS256, "stranger"), "", Principal{}, ErrInvalidToken, `kid "stranger"`},
		{"other key under a published kid", forgeKID(t, "stranger", "rsa-1", p.claims(nil)), "", Principal{}, ErrInvalidToken, "signature does not verify"},
		{"other key without kid", sign(t, jwt.SigningMethodRS256, "stranger", true, p.claims(nil)), "", Principal{}, ErrInvalidToken, "signature does not verify"},
		{"encryption key", good(jwt.SigningMethodRS256, "enc-1"), "", Principal{}, ErrInvalidToken, `kid "enc-1"`},
		{"RSA token naming an EC key", forgeKID(t, "rsa-1", "ec-256", p.claims(nil)), "", Principal{}, ErrInvalidToken, "signature does not verify"},
		{"expired", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["exp"] = t0.Add(-31 * time.Second).Unix() })), "", Principal{}, ErrInvalidToken, "expired"},
		{"not yet valid", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["nbf"] = t0.Add(time.Minute).Unix() })), "", Principal{}, ErrInvalidToken, "not valid yet"},
		{"issued in the future", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["iat"] = t0.Add(time.Minute).Unix() })), "", Principal{}, ErrInvalidToken, "issued in the future"},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["aud"] = "crm" })), "", Principal{}, ErrInvalidToken, "not meant for AIDA"},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["iss"] = p.issuer + "-evil" })), "", Principal{}, ErrInvalidToken, "another issuer"},
		{"missing exp", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { delete(c, "exp") })), "", Principal{}, ErrInvalidToken, "required claim (exp)"},
		{"missing sub", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { delete(c, "sub") })), "", Principal{}, ErrInvalidToken, "no sub claim"},
		{"long sub", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["sub"] = strings.Repeat("a", 129) })), "", Principal{}, ErrInvalidToken, "longer than 128"},
		{"bidi override in sub", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["sub"] = "ann\u202emoc.elpmaxe" })), "", Principal{}, ErrInvalidToken, "not printable"},
		{"oversize", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("x", MaxTokenLen) })), "", Principal{}, ErrInvalidToken, "longer than 8192 bytes"},
		{"not a JWT", "aida_abcdefgh_secret", "", Principal{}, ErrInvalidToken, "not a well-formed JWT"},

		{"no role claim", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { delete(c, "roles") })), "", Principal{}, ErrNoRole, `no "roles" claim`},
		{"unknown roles only", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["roles"] = []any{"offline_access", "public", 3} })), "", Principal{}, ErrNoRole, "names none"},
		{"role claim of another type", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["roles"] = 4 })), "", Principal{}, ErrNoRole, "neither a string"},
		{"a string role", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["roles"] = "Manager" })), "", withRole(ann, Manager), nil, ""},
		{"the highest of a list", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["roles"] = []string{"viewer", "admin", "uma_authorization", "rep"} })), "", withRole(ann, Admin), nil, ""},
		{"nested claim path", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) {
			c["realm_access"] = map[string]any{"roles": []string{"default-roles-sales", "viewer"}}
		})), "realm_access.roles", withRole(ann, Viewer), nil, ""},
		{"claim name with dots", sign(t, jwt.SigningMethodRS256, "rsa-1", false, edit(func(c jwt.MapClaims) { c["https://aida.example.com/roles"] = []string{"manager"} })), "https://aida.example.com/roles", withRole(ann, Manager), nil, ""},
		{"nested path missing", sign(t, jwt.SigningMethodRS256, "rsa-1", false, p.claims(nil)), "realm_access.roles", Principal{}, ErrNoRole, `no "realm_access.roles" claim`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := p.config()
			cfg.RoleClaim = tt.roleClaim
			got, err := open(t, cfg).Authenticate(context.Background(), tt.token)
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.reason) {
				t.Fatalf("Authenticate error = %v; want %v saying %q", err, tt.wantErr, tt.reason)
			}
			if got != (Principal{}) {
				t.Errorf("Authenticate returned %+v with its error", got)
			}
		})
	}
}

func withRole(p Principal, r Role) Principal { p.Role = r; return p }

// forgeKID signs claims with the key signer but names the key kid in the header.
func forgeKID(t *testing.T, signer, kid string, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key(signer).priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A provider rotates its keys: a token under the new kid is accepted once the unknown kid has
// made AIDA fetch the set again; the withdrawn key is refused; a second unknown kid does not
// fetch again (at most one extra fetch every 5 minutes).
func TestOIDCKeyRotation(t *testing.T) {
	p := newProvider(t, "rsa-1")
	o := open(t, p.config())
	ctx := context.Background()
	if _, err := o.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, "rsa-1", false, p.claims(nil))); err != nil {
		t.Fatalf("before the rotation: %v", err)
	}
	p.publish("rsa-2")
	if _, err := o.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, "rsa-2", false, p.claims(nil))); err != nil {
		t.Fatalf("token under the new key: %v", err)
	}
	if got := p.fetches(); got != 2 {
		t.Fatalf("the key set was fetched %d times; want 2 (at start, for the new kid)", got)
	}
	_, err := o.Authenticate(ctx, sign(t, jwt.SigningMethodRS256, "rsa-1", false, p.claims(nil)))
	if !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("token under the withdrawn key: %v; want ErrInvalidToken", err)
	}
	if got := p.fetches(); got != 2 {
		t.Fatalf("the key set was fetched %d times; want still 2 (rate limited)", got)
	}
}

func TestLooksLikeJWT(t *testing.T) {
	tests := []struct {
		credential string
		want       bool
	}{
		{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2ln-_", true},
		{"eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm4ifQ.", true}, // alg none: OIDC refuses it
		{"aida_abcdefgh_" + strings.Repeat("a", 52), false},
		{"", false},
		{"a.b", false},
		{"a.b.c.d", false},
		{".b.c", false},
		{"a..c", false},
		{"a+b.c.d", false},
		{"a=.b.c", false},
		{"a b.c.d", false},
	}
	for _, tt := range tests {
		if got := LooksLikeJWT(tt.credential); got != tt.want {
			t.Errorf("LooksLikeJWT(%q) = %v; want %v", tt.credential, got, tt.want)
		}
	}
}

func TestNewOIDCErrors(t *testing.T) {
	p := newProvider(t, "rsa-1")
	empty := newProvider(t)
	gone := newProvider(t, "rsa-1")
	gone.srv.Close()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	with := func(edit func(*OIDCConfig)) OIDCConfig { c := p.config(); edit(&c); return c }

	tests := []struct {
		name string
		ctx  context.Context
		cfg  OIDCConfig
		want string // "" for no error
	}{
		{"works", nil, p.config(), ""},
		{"explicit key set URL", nil, with(func(c *OIDCConfig) { c.JWKSURL = p.issuer + "/certs" }), ""},
		{"no issuer", nil, with(func(c *OIDCConfig) { c.Issuer = "" }), "AIDA_OIDC_ISSUER is empty"},
		{"issuer without scheme", nil, with(func(c *OIDCConfig) { c.Issuer = "login.example.com/realms/sales" }), "not an absolute URL"},
		{"issuer with a query", nil, with(func(c *OIDCConfig) { c.Issuer = "https://login.example.com/?realm=sales" }), "no query"},
		{"plain http", nil, with(func(c *OIDCConfig) { c.Issuer = "http://login.example.com/realms/sales" }), "use https"},
		{"no audience", nil, with(func(c *OIDCConfig) { c.Audience = "" }), "AIDA_OIDC_AUDIENCE is empty"},
		{"unreachable", nil, gone.config(), "check AIDA_OIDC_ISSUER and that AIDA can reach the provider"},
		{"not the issuer URL", nil, with(func(c *OIDCConfig) { c.Issuer = p.srv.URL + "/realms" }), "404 Not Found; AIDA_OIDC_ISSUER must be the issuer URL"},
		{"trailing slash", nil, with(func(c *OIDCConfig) { c.Issuer = p.issuer + "/" }), "a trailing slash counts"},
		{"key set unreachable", nil, with(func(c *OIDCConfig) { c.JWKSURL = p.issuer + "/nothing" }), "fetch the issuer's keys"},
		{"key set without keys", nil, empty.config(), "holds no signing key"},
		{"canceled", canceled, p.config(), "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			o, err := NewOIDC(ctx, tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("NewOIDC: %v", err)
				}
				o.Close()
				return
			}
			if !errors.Is(err, ErrOIDCConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewOIDC error = %v; want ErrOIDCConfig saying %q", err, tt.want)
			}
		})
	}
}

// FuzzOIDCToken: whatever the bearer, Authenticate does not panic, and refuses with one line
// wrapping ErrInvalidToken or ErrNoRole, or returns a valid user.
func FuzzOIDCToken(f *testing.F) {
	p := newProvider(f, "rsa-1", "ec-256")
	o := open(f, p.config())
	f.Add(sign(f, jwt.SigningMethodRS256, "rsa-1", false, p.claims(nil)))
	f.Add(sign(f, jwt.SigningMethodES256, "ec-256", false, p.claims(func(c jwt.MapClaims) { c["roles"] = []any{1, nil, "x"} })))
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm4ifQ.")
	f.Add("eyJhbGciOiJIUzI1NiIsImtpZCI6InJzYS0xIn0.e30.c2ln")
	f.Add("a.b.c")
	f.Add("aida_abcdefgh_secret")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		got, err := o.Authenticate(context.Background(), token)
		switch {
		case err == nil && (got.Kind != KindUser || !got.Valid()):
			t.Fatalf("Authenticate(%q) = %+v without an error", token, got)
		case err != nil && !errors.Is(err, ErrInvalidToken) && !errors.Is(err, ErrNoRole):
			t.Fatalf("Authenticate(%q) error = %v; want ErrInvalidToken or ErrNoRole", token, err)
		case err != nil && strings.ContainsAny(err.Error(), "\n\r"):
			t.Fatalf("Authenticate(%q) error spans lines: %q", token, err)
		}
	})
}

// TestEither: with OIDC configured, a JWT goes to the identity provider and anything else to
// the API keys; neither accepts the other's credential.
func TestEither(t *testing.T) {
	p := newProvider(t, "rsa-1")
	o := open(t, p.config())
	st := openStore(t)
	keys, err := New(st, "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := keys.Create(t.Context(), "ann", Rep, 0)
	if err != nil {
		t.Fatal(err)
	}
	auth := Either(keys, o)
	jwtToken := sign(t, jwt.SigningMethodRS256, "rsa-1", false, p.claims(nil))
	if got, err := auth.Authenticate(t.Context(), jwtToken); err != nil || got.Kind != KindUser {
		t.Errorf("a JWT: %+v, %v; want a user", got, err)
	}
	if got, err := auth.Authenticate(t.Context(), token); err != nil || got.Actor() != "key:ann" {
		t.Errorf("an API key: %+v, %v; want key:ann", got, err)
	}
	forged := strings.Join([]string{"eyJhbGciOiJub25lIn0", "eyJzdWIiOiJ4In0", "c2ln"}, ".")
	if _, err := auth.Authenticate(t.Context(), forged); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("an unsigned JWT: %v, want ErrInvalidToken", err)
	}
}

// openStore opens a fresh SQLite store for keys.
func openStore(t *testing.T) Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "aida.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// TestOIDCNameClaim: with a name claim configured, the user is named by it (and owns the
// entities owned by that name); a token without it is refused.
func TestOIDCNameClaim(t *testing.T) {
	p := newProvider(t, "rsa-1")
	cfg := p.config()
	cfg.NameClaim = "email"
	o := open(t, cfg)
	withEmail := sign(t, jwt.SigningMethodRS256, "rsa-1", false, p.claims(func(c jwt.MapClaims) {
		c["sub"], c["email"] = "f3b1c2d4-uuid", "maria@example.com"
	}))
	got, err := o.Authenticate(t.Context(), withEmail)
	if err != nil || got.Actor() != "user:maria@example.com" || got.Owner() != "maria@example.com" {
		t.Fatalf("named by email: %+v, %v", got, err)
	}
	without := sign(t, jwt.SigningMethodRS256, "rsa-1", false, p.claims(nil))
	if _, err := o.Authenticate(t.Context(), without); !errors.Is(err, ErrInvalidToken) || !strings.Contains(err.Error(), "email") {
		t.Fatalf("a token without the name claim: %v, want ErrInvalidToken naming email", err)
	}
}
