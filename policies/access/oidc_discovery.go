package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// check reports what is wrong with the settings, naming the setting to fix.
func (cfg OIDCConfig) check() error {
	if cfg.Issuer == "" {
		return fmt.Errorf("%w: AIDA_OIDC_ISSUER is empty; set it to the issuer URL your tokens carry in iss", ErrOIDCConfig)
	}
	if err := checkURL(cfg.Issuer); err != nil {
		return fmt.Errorf("%w: AIDA_OIDC_ISSUER %q: %v", ErrOIDCConfig, cfg.Issuer, err)
	}
	if cfg.Audience == "" {
		return fmt.Errorf("%w: AIDA_OIDC_AUDIENCE is empty; set it to the client ID or API identifier "+
			"your provider issues AIDA's tokens for (a value of their aud claim)", ErrOIDCConfig)
	}
	if cfg.JWKSURL != "" {
		if err := checkURL(cfg.JWKSURL); err != nil {
			return fmt.Errorf("%w: JWKS URL %q: %v", ErrOIDCConfig, cfg.JWKSURL, err)
		}
	}
	return nil
}

// checkURL accepts an absolute https URL without query or fragment, or an http one on a
// loopback host (a provider on the developer's machine).
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	switch {
	case u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		return fmt.Errorf("not an absolute URL; it looks like https://login.example.com/realms/sales")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Errorf("an issuer URL has no query, fragment or user")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return fmt.Errorf("use https: keys fetched over plain http could be forged on the way (http is accepted on localhost only)")
	}
	return nil
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// discovery is the part of an OpenID provider's metadata AIDA reads.
type discovery struct {
	Issuer  string `json:"issuer"`
	JWKSURI string `json:"jwks_uri"`
}

// discover fetches issuer's discovery document and returns its jwks_uri.
func discover(ctx context.Context, client *http.Client, issuer string) (string, error) {
	where := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return "", fmt.Errorf("%w: AIDA_OIDC_ISSUER %q: %v", ErrOIDCConfig, issuer, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL
		}
		return "", fmt.Errorf("%w: fetch %s: %v; check AIDA_OIDC_ISSUER and that AIDA can reach the provider",
			ErrOIDCConfig, where, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%w: %s answered %s; AIDA_OIDC_ISSUER must be the issuer URL itself "+
			"(Keycloak: https://<host>/realms/<realm>; Auth0: https://<tenant>.auth0.com/)",
			ErrOIDCConfig, where, resp.Status)
	}
	var d discovery
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		return "", fmt.Errorf("%w: %s is not an OpenID discovery document: %v", ErrOIDCConfig, where, err)
	}
	if d.Issuer != issuer {
		return "", fmt.Errorf("%w: %s names the issuer %q, not %q; set AIDA_OIDC_ISSUER to exactly the "+
			"issuer your tokens carry (a trailing slash counts)", ErrOIDCConfig, where, d.Issuer, issuer)
	}
	if d.JWKSURI == "" {
		return "", fmt.Errorf("%w: %s has no jwks_uri; give the key set's URL explicitly", ErrOIDCConfig, where)
	}
	if err := checkURL(d.JWKSURI); err != nil {
		return "", fmt.Errorf("%w: the jwks_uri %q of %s: %v", ErrOIDCConfig, d.JWKSURI, where, err)
	}
	return d.JWKSURI, nil
}

// limited returns a copy of client (or a client with a timeout, when nil) whose response
// bodies end after maxFetchedBody bytes: a misdirected URL cannot fill the memory.
func limited(client *http.Client) *http.Client {
	c := http.Client{Timeout: fetchTimeout}
	if client != nil {
		c = *client
	}
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = limitTransport{base}
	return &c
}

// limitTransport cuts response bodies at maxFetchedBody bytes.
type limitTransport struct{ base http.RoundTripper }

func (t limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = limitBody{io.LimitReader(resp.Body, maxFetchedBody), resp.Body}
	return resp, nil
}

// limitBody reads through a limit and closes the body beneath.
type limitBody struct {
	io.Reader
	io.Closer
}
