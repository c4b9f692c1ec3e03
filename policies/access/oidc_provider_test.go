package access

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// t0 is the time of the tests' clock: tokens are issued at t0 and checked at t0.
var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

const testAudience = "aida"

// signer is a test key: its kid, its private key and the use its JWK declares.
type signer struct {
	kid  string
	priv crypto.Signer
	use  jwkset.USE
}

// testKeys are generated once: RSA keys take a while.
var testKeys = sync.OnceValue(func() map[string]signer {
	rsaKey := func() crypto.Signer { k, _ := rsa.GenerateKey(rand.Reader, 2048); return k }
	ecKey := func(c elliptic.Curve) crypto.Signer { k, _ := ecdsa.GenerateKey(c, rand.Reader); return k }
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	keys := map[string]signer{
		"rsa-1":    {priv: rsaKey(), use: jwkset.UseSig},
		"rsa-2":    {priv: rsaKey(), use: jwkset.UseSig},
		"stranger": {priv: rsaKey()}, // never published
		"enc-1":    {priv: rsaKey(), use: jwkset.UseEnc},
		"ec-256":   {priv: ecKey(elliptic.P256())},
		"ec-384":   {priv: ecKey(elliptic.P384())},
		"ec-521":   {priv: ecKey(elliptic.P521())},
		"ed":       {priv: ed},
	}
	for kid, s := range keys {
		s.kid = kid
		keys[kid] = s
	}
	return keys
})

// key returns the test key named kid.
func key(kid string) signer { return testKeys()[kid] }

// provider is a fake OpenID provider: a discovery document and a key set that tests change.
type provider struct {
	srv    *httptest.Server
	issuer string

	mu    sync.Mutex
	keys  []signer
	fetch int // requests for the key set
}

// newProvider starts a provider over TLS publishing keys.
func newProvider(t testing.TB, keys ...string) *provider {
	t.Helper()
	p := &provider{}
	p.publish(keys...)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /realms/sales/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(discovery{Issuer: p.issuer, JWKSURI: p.issuer + "/certs"})
	})
	mux.HandleFunc("GET /realms/sales/certs", p.serveKeys)
	p.srv = httptest.NewTLSServer(mux)
	t.Cleanup(p.srv.Close)
	p.issuer = p.srv.URL + "/realms/sales"
	return p
}

// publish replaces the published keys.
func (p *provider) publish(kids ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = p.keys[:0]
	for _, kid := range kids {
		p.keys = append(p.keys, key(kid))
	}
}

// fetches counts the requests for the key set so far.
func (p *provider) fetches() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetch
}

func (p *provider) serveKeys(w http.ResponseWriter, _ *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fetch++
	set := jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{}}
	for _, s := range p.keys {
		jwk, err := jwkset.NewJWKFromKey(s.priv.Public(), jwkset.JWKOptions{
			Metadata: jwkset.JWKMetadataOptions{KID: s.kid, USE: s.use},
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	_ = json.NewEncoder(w).Encode(set)
}

// config is the OIDCConfig that trusts p.
func (p *provider) config() OIDCConfig {
	return OIDCConfig{Issuer: p.issuer, Audience: testAudience, HTTPClient: p.srv.Client()}
}

// open makes an OIDC for cfg whose clock stands at t0, closed when the test ends.
func open(t testing.TB, cfg OIDCConfig) *OIDC {
	t.Helper()
	o, err := NewOIDC(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewOIDC: %v", err)
	}
	o.now = func() time.Time { return t0 }
	t.Cleanup(o.Close)
	return o
}

// claims are a valid token's claims for p, changed by edit.
func (p *provider) claims(edit func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss": p.issuer, "aud": testAudience, "sub": "ann@example.com",
		"iat": t0.Unix(), "exp": t0.Add(time.Hour).Unix(), "roles": []string{"rep"},
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// sign signs claims with the key kid (named in the header unless noKID) using method.
func sign(t testing.TB, method jwt.SigningMethod, kid string, noKID bool, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if !noKID {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key(kid).priv)
	if err != nil {
		t.Fatalf("sign with %s: %v", kid, err)
	}
	return s
}
