package system

import (
	"errors"
	"fmt"
	"time"

	"github.com/aidacrm/aida/policies/access"
	"net"
	"strings"

	"github.com/aidacrm/aida/edge"
)

// HostList returns the Host headers the API answers: AllowedHosts split on commas or, when it
// is empty, the host of Addr (unless Addr listens on every address) and the loopback names.
func (c Config) HostList() []string {
	if list := splitList(c.AllowedHosts); list != nil {
		return list
	}
	hosts := edge.DefaultAllowedHosts()
	host, _, err := net.SplitHostPort(c.Addr)
	if ip := net.ParseIP(host); err != nil || host == "" || (ip != nil && ip.IsUnspecified()) {
		return hosts
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	for _, h := range hosts {
		if strings.EqualFold(h, host) {
			return hosts
		}
	}
	return append([]string{host}, hosts...)
}

// OriginList returns CORSOrigins split on commas; nil when there are none.
func (c Config) OriginList() []string { return splitList(c.CORSOrigins) }

// validateHTTP checks the entries of AllowedHosts and CORSOrigins.
func (c Config) validateHTTP() []error {
	var errs []error
	for _, h := range splitList(c.AllowedHosts) {
		if err := edge.CheckHost(h); err != nil {
			errs = append(errs, fmt.Errorf("AIDA_ALLOWED_HOSTS: %w", err))
		}
	}
	for _, o := range c.OriginList() {
		if err := edge.CheckOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("AIDA_CORS_ORIGINS: %w", err))
		}
	}
	return append(errs, c.validateAccess()...)
}

// validateAccess checks the settings of who may call: the admin key, the metrics token, the
// session length, the rate limits and OIDC.
func (c Config) validateAccess() []error {
	var errs []error
	if c.AdminKey != "" {
		if err := access.ValidateAdminKey(c.AdminKey); err != nil {
			errs = append(errs, err)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, errors.New("AIDA_METRICS_TOKEN is shorter than 16 characters; make one with `openssl rand -hex 16`"))
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("AIDA_SESSION_TTL %s is out of range: use 1m to 720h (e.g. 12h)", c.SessionTTL))
	}
	for _, r := range []struct {
		name string
		v    int
	}{{"AIDA_RATE_LIMIT", c.RateLimit}, {"AIDA_RATE_BURST", c.RateBurst}, {"AIDA_ANON_RATE_LIMIT", c.AnonRateLimit}} {
		if r.v < 0 || r.v > access.MaxRateLimit {
			errs = append(errs, fmt.Errorf("%s %d is out of range: use 0 (none) to %d", r.name, r.v, access.MaxRateLimit))
		}
	}
	for _, p := range splitList(c.TrustedProxies) {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, fmt.Errorf("AIDA_TRUSTED_PROXIES names %q: use IP addresses or CIDRs (e.g. 10.0.0.0/8), comma-separated", p))
		}
	}
	if c.StreamConns < 1 || c.StreamPerWho < 1 {
		errs = append(errs, fmt.Errorf("AIDA_STREAM_MAX_CONNECTIONS %d and AIDA_STREAM_MAX_PER_PRINCIPAL %d must be 1 or more", c.StreamConns, c.StreamPerWho))
	}
	if c.OIDCIssuer != "" && c.OIDCAudience == "" {
		errs = append(errs, errors.New("AIDA_OIDC_AUDIENCE is empty: with AIDA_OIDC_ISSUER set, name the audience (aud) AIDA's tokens carry"))
	}
	if c.OIDCIssuer == "" && c.OIDCAudience != "" {
		errs = append(errs, errors.New("AIDA_OIDC_AUDIENCE is set without AIDA_OIDC_ISSUER: set the issuer too, or clear the audience"))
	}
	return errs
}

// splitList splits a comma-separated setting, dropping empty entries; nil when none is left.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
