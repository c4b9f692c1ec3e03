package system

import (
	"slices"
	"testing"
)

func TestHostList(t *testing.T) {
	loopback := []string{"localhost", "127.0.0.1", "[::1]"}
	for _, tc := range []struct {
		addr, allowed string
		want          []string
	}{
		{"127.0.0.1:8080", "", loopback},
		{":8080", "", loopback},
		{"0.0.0.0:8080", "", loopback},
		{"[::]:8080", "", loopback},
		{"10.0.0.5:8080", "", append([]string{"10.0.0.5"}, loopback...)},
		{"crm.internal:80", "", append([]string{"crm.internal"}, loopback...)},
		{"[fd00::1]:8080", "", append([]string{"[fd00::1]"}, loopback...)},
		{"10.0.0.5:8080", " crm.example.com , ,aida-1:8080", []string{"crm.example.com", "aida-1:8080"}},
	} {
		c := Default()
		c.Addr, c.AllowedHosts = tc.addr, tc.allowed
		if got := c.HostList(); !slices.Equal(got, tc.want) {
			t.Errorf("addr %q allowed %q: %v, want %v", tc.addr, tc.allowed, got, tc.want)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("addr %q allowed %q: %v", tc.addr, tc.allowed, err)
		}
	}
}
