package system

import (
	"fmt"
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
