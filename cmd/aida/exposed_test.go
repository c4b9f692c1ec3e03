package main

import (
	"strings"
	"testing"

	"github.com/aidacrm/aida/cmd/internal/system"
)

// TestExposedWarnings: aida serve warns about each door that listens beyond loopback without
// authentication, and about none that listens on loopback or is an external NATS.
func TestExposedWarnings(t *testing.T) {
	tests := []struct {
		name, http, natsAddr, natsURL string
		want                          []string
	}{
		{"all local", "127.0.0.1:8080", "127.0.0.1:4222", "", nil},
		{"localhost and ::1", "localhost:8080", "[::1]:4222", "", nil},
		{"api on all interfaces", "0.0.0.0:8080", "127.0.0.1:4222", "", []string{"the API listens on 0.0.0.0:8080"}},
		{"api on an empty host", ":8080", "127.0.0.1:4222", "", []string{"the API listens on :8080"}},
		{"nats exposed", "127.0.0.1:8080", "0.0.0.0:4222", "", []string{"the embedded NATS server listens on 0.0.0.0:4222"}},
		{"external nats is not ours to judge", "127.0.0.1:8080", "0.0.0.0:4222", "nats://nats:4222", nil},
		{"both", "10.1.2.3:8080", ":4222", "", []string{"the API listens on 10.1.2.3:8080", "the embedded NATS server listens on :4222"}},
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
}
