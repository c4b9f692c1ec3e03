package main

import (
	"strings"
	"testing"

	"github.com/aidacrm/aida/cmd/internal/system"
)

// TestExposedWarnings: aida serve warns about each door that listens beyond loopback without
// authentication, and about an external NATS it connects to without credentials beyond loopback.
func TestExposedWarnings(t *testing.T) {
	tests := []struct {
		name, http, natsAddr, natsURL string
		want                          []string
	}{
		{"all local", "127.0.0.1:8080", "127.0.0.1:4222", "", nil},
		{"localhost and ::1", "localhost:8080", "[::1]:4222", "", nil},
		{"api on all interfaces", "0.0.0.0:8080", "127.0.0.1:4222", "", []string{"the API listens on 0.0.0.0:8080"}},
		{"api on an empty host", ":8080", "127.0.0.1:4222", "", []string{"the API listens on :8080"}},
		{"embedded nats on all interfaces requires its users", "127.0.0.1:8080", "0.0.0.0:4222", "", nil},
		{"external nats without credentials", "127.0.0.1:8080", "0.0.0.0:4222", "nats://nats:4222", []string{"NATS_URL names nats:4222"}},
		{"external nats on loopback", "127.0.0.1:8080", "", "nats://127.0.0.1:4222,nats://localhost:4223", nil},
		{"second external server beyond loopback", "127.0.0.1:8080", "", "nats://127.0.0.1:4222,nats://10.0.0.2:4222", []string{"NATS_URL names 10.0.0.2:4222"}},
		{"external nats with a user in the url", "127.0.0.1:8080", "", "nats://aida:secret@nats:4222", nil},
		{"both", "10.1.2.3:8080", ":4222", "nats://nats:4222", []string{"the API listens on 10.1.2.3:8080", "NATS_URL names nats:4222"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := system.Default()
			cfg.NATSAddr, cfg.NATSURL = tt.natsAddr, tt.natsURL
			got := exposed(cfg, tt.http)
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %q, want %d starting %q", got, len(tt.want), tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("warning %d = %q, want it to start %q", i, got[i], w)
				}
			}
		})
	}
	cfg := system.Default()
	cfg.NATSURL, cfg.NATSCreds = "nats://nats:4222", "/etc/aida/aida.creds"
	if got := exposed(cfg, "127.0.0.1:8080"); len(got) != 0 {
		t.Errorf("external NATS with NATS_CREDS: warnings %q", got)
	}
}
