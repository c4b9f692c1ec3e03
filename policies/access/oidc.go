package access

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// The limits of OIDC tokens and of the issuer's keys.
const (
	// MaxTokenLen is the longest token Authenticate parses (8 KiB); longer ones are refused
	// before any decoding.
	MaxTokenLen = 8 << 10
	// DefaultRoleClaim is the claim that carries the roles when OIDCConfig.RoleClaim is empty.
	DefaultRoleClaim = "roles"

	tokenLeeway      = 30 * time.Second // clock skew allowed on exp, nbf and iat
	fetchTimeout     = 10 * time.Second // each request for the discovery document or the keys
	refreshInterval  = time.Hour        // the keys are fetched again this often
	unknownKIDEvery  = 5 * time.Minute  // at most one extra fetch this often for an unknown kid
	unknownKIDWait   = 10 * time.Second // how long a request may wait for that extra fetch
	maxFetchedBody   = 1 << 20          // the discovery document and the key set: 1 MiB at most
	maxSubjectLength = 128              // characters of the sub claim
)

// algorithms are the signing algorithms a token may use: asymmetric ones only. "none" and the
// HMAC family are refused, so a token "signed" with nothing, or with the issuer's public key
// used as an HMAC secret, never verifies.
var algorithms = []string{
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
	"EdDSA",
}

// OIDCConfig says which identity provider AIDA trusts and how its tokens name roles.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, exactly as tokens carry it in iss
	// (AIDA_OIDC_ISSUER), e.g. https://login.example.com/realms/sales. https, or http on a
	// loopback host for development.
	Issuer string
	// Audience must be one of the token's aud values (AIDA_OIDC_AUDIENCE): the client ID or
	// API identifier the provider issues AIDA's tokens for.
	Audience string
	// RoleClaim names the claim that holds the role (AIDA_OIDC_ROLE_CLAIM), DefaultRoleClaim
	// when empty: a string or a list of strings. A claim of that exact name is read first;
	// failing that, a dotted name is a path into nested objects ("realm_access.roles").
	RoleClaim string
	// NameClaim names the claim that names the user (AIDA_OIDC_NAME_CLAIM), "sub" when empty:
	// the principal is user:<its value>, and a rep owns the entities whose owner is that value
	// (e.g. "email" or "preferred_username" where leads are owned by email).
	NameClaim string
	// JWKSURL is where the provider publishes its signing keys; when empty, the jwks_uri of
	// Issuer + "/.well-known/openid-configuration".
	JWKSURL string
	// HTTPClient fetches the discovery document and the keys; when nil, a client with a
	// 10-second timeout. Responses are cut at 1 MiB.
	HTTPClient *http.Client
	// Logger receives the failures of the background key refresh; slog.Default() when nil.
	Logger *slog.Logger
}

// OIDC authenticates the bearer tokens of one OpenID Connect provider. Its keys are fetched
// when it is made, again every hour in the background, and again (at most every 5 minutes)
// when a token names a key ID that is not known yet, so a provider's key rotation needs no
// restart. Close stops the background refresh.
type OIDC struct {
	issuer    string
	roleClaim string
	nameClaim string
	keys      keyfunc.Keyfunc
	parser    *jwt.Parser
	now       func() time.Time // the clock tokens are checked against; tests set it
	stop      context.CancelFunc
}

// NewOIDC checks cfg, fetches the provider's discovery document (unless cfg.JWKSURL is set)
// and its keys, and starts the background refresh. Errors wrap ErrOIDCConfig and say which
// setting to fix. ctx bounds the fetches made here only: the refresh runs until Close.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	client := limited(cfg.HTTPClient)
	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		var err error
		if jwksURL, err = discover(ctx, client, cfg.Issuer); err != nil {
			return nil, err
		}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}

	// The refresh outlives ctx; until NewOIDC returns, ctx's end stops it too.
	life, stop := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(ctx, stop)
	defer unhook()
	keys, err := fetchKeys(life, client, jwksURL, logger)
	if err != nil {
		stop()
		return nil, err
	}
	o := &OIDC{issuer: cfg.Issuer, roleClaim: cfg.RoleClaim, nameClaim: cfg.NameClaim, keys: keys, now: time.Now, stop: stop}
	if o.nameClaim == "" {
		o.nameClaim = "sub"
	}
	if o.roleClaim == "" {
		o.roleClaim = DefaultRoleClaim
	}
	o.parser = jwt.NewParser(
		jwt.WithValidMethods(algorithms),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(tokenLeeway),
		jwt.WithTimeFunc(func() time.Time { return o.now() }),
	)
	return o, nil
}

// fetchKeys fetches the key set at jwksURL and starts its refresh, which ends with life.
func fetchKeys(life context.Context, client *http.Client, jwksURL string, logger *slog.Logger) (keyfunc.Keyfunc, error) {
	remote, err := jwkset.NewStorageFromHTTP(jwksURL, jwkset.HTTPClientStorageOptions{
		Client:          client,
		Ctx:             life,
		HTTPTimeout:     fetchTimeout,
		RefreshInterval: refreshInterval,
		RefreshErrorHandler: func(_ context.Context, err error) {
			logger.Warn("oidc: refresh the issuer's keys", "url", jwksURL, "err", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: fetch the issuer's keys from %s: %v; check that the URL serves a JWK set "+
			"(AIDA_OIDC_ISSUER's jwks_uri) and that AIDA can reach it", ErrOIDCConfig, jwksURL, err)
	}
	if all, err := remote.KeyReadAll(life); err != nil || len(all) == 0 {
		return nil, fmt.Errorf("%w: %s holds no signing key AIDA can use (RSA, EC or Ed25519)", ErrOIDCConfig, jwksURL)
	}
	store, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs:          map[string]jwkset.Storage{jwksURL: remote},
		RateLimitWaitMax:  unknownKIDWait,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(unknownKIDEvery), 1),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOIDCConfig, err)
	}
	// Keys meant for encryption ("use": "enc") never verify a signature.
	keys, err := keyfunc.New(keyfunc.Options{Ctx: life, Storage: store, UseWhitelist: []jwkset.USE{jwkset.UseSig, ""}})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOIDCConfig, err)
	}
	return keys, nil
}

// Authenticate verifies token and returns the user it stands for: Kind KindUser, Name the sub
// claim, Role the highest role the role claim names. A token that is not accepted gives an
// error wrapping ErrInvalidToken (401); a valid token that names no role, ErrNoRole (403).
// A token whose key ID is unknown may wait up to 10 seconds (bounded by ctx) for the keys to
// be fetched again.
func (o *OIDC) Authenticate(ctx context.Context, token string) (Principal, error) {
	if len(token) > MaxTokenLen {
		return Principal{}, fmt.Errorf("%w: the token is longer than %d bytes", ErrInvalidToken, MaxTokenLen)
	}
	claims := jwt.MapClaims{}
	parsed, err := o.parser.ParseWithClaims(token, claims, o.keys.KeyfuncCtx(ctx))
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %s", ErrInvalidToken, refusal(parsed, claims, err))
	}
	sub, err := subject(claims, o.nameClaim)
	if err != nil {
		return Principal{}, err
	}
	role, err := roleOf(claims, o.roleClaim)
	if err != nil {
		return Principal{}, err
	}
	return Principal{Kind: KindUser, Name: sub, Role: role}, nil
}

// Close stops the background refresh of the keys. The refresh goroutine belongs to keyfunc;
// it returns as soon as it sees the cancellation (an ongoing fetch is cancelled too), but
// keyfunc gives no handle to wait for it.
func (o *OIDC) Close() { o.stop() }

// LooksLikeJWT reports whether credential has the shape of a JWS compact token: three parts of
// base64url text separated by dots, the first two not empty (the third is empty only for alg
// "none", which Authenticate refuses). AIDA's keys hold no dot, so a door can send every
// credential that looks like a JWT to OIDC and every other one to Keys.
func LooksLikeJWT(credential string) bool {
	parts := strings.Split(credential, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for i := range len(p) {
			c := p[i]
			if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' {
				return false
			}
		}
	}
	return true
}

// Either authenticates with o the credentials that look like a JWT (LooksLikeJWT), and every
// other credential with keys.
func Either(keys Authenticator, o *OIDC) Authenticator { return either{keys: keys, oidc: o} }

type either struct {
	keys Authenticator
	oidc *OIDC
}

func (e either) Authenticate(ctx context.Context, credential string) (Principal, error) {
	if e.oidc != nil && LooksLikeJWT(credential) {
		return e.oidc.Authenticate(ctx, credential)
	}
	return e.keys.Authenticate(ctx, credential)
}
