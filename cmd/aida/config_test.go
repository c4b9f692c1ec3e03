package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/cmd/internal/system"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(system.Config) bool
		wantErr string // a fragment of the error; "" for none
	}{
		{name: "defaults", check: func(c system.Config) bool { return c == system.Default() }},
		{name: "env", env: map[string]string{"AIDA_ADDR": ":9000", "AIDA_DEFAULT_AUTONOMY": "4", "AIDA_PASSIVATE_AFTER": "30s"},
			check: func(c system.Config) bool {
				return c.Addr == ":9000" && c.DefaultAutonomy == 4 && c.PassivateAfter == 30*time.Second
			}},
		{name: "flag beats env", env: map[string]string{"AIDA_ADDR": ":9000"}, args: []string{"--addr", ":9100"},
			check: func(c system.Config) bool { return c.Addr == ":9100" }},
		{name: "postgres", env: map[string]string{"DATABASE_URL": "postgres://a@localhost/aida"},
			check: func(c system.Config) bool { return c.DatabaseURL != "" }},
		{name: "sync always", args: []string{"--nats-sync-always"}, check: func(c system.Config) bool { return c.NATSSyncAlways }},
		{name: "sync always from env", env: map[string]string{"AIDA_NATS_SYNC_ALWAYS": "true"}, check: func(c system.Config) bool { return c.NATSSyncAlways }},
		{name: "bad bool", env: map[string]string{"AIDA_NATS_SYNC_ALWAYS": "sometimes"}, wantErr: "not true or false"},
		{name: "bad nats url", env: map[string]string{"NATS_URL": "http://x"}, wantErr: "nats:// URL"},
		{name: "bad autonomy", env: map[string]string{"AIDA_DEFAULT_AUTONOMY": "7"}, wantErr: "use 1 (draft only) to 5"},
		{name: "autonomy not a number", env: map[string]string{"AIDA_DEFAULT_AUTONOMY": "high"}, wantErr: "not a whole number"},
		{name: "bad duration", args: []string{"--passivate-after", "soon"}, wantErr: "not a duration"},
		{name: "bad url", env: map[string]string{"DATABASE_URL": "mysql://x"}, wantErr: "postgres:// URL"},
		{name: "bad addr", env: map[string]string{"AIDA_ADDR": "8080"}, wantErr: "not host:port"},
		{name: "bad log level", env: map[string]string{"AIDA_LOG_LEVEL": "loud"}, wantErr: "AIDA_LOG_LEVEL"},
		{name: "two problems at once", env: map[string]string{"AIDA_ADDR": "x", "AIDA_BODY_LIMIT": "10"}, wantErr: "AIDA_BODY_LIMIT"},
		{name: "stray argument", args: []string{"extra"}, wantErr: "unexpected argument"},
		{name: "hosts and origins", env: map[string]string{"AIDA_ALLOWED_HOSTS": "crm.example.com, localhost:8080"},
			args: []string{"--cors-origins", "https://app.example.com"}, check: func(c system.Config) bool {
				return slices.Equal(c.HostList(), []string{"crm.example.com", "localhost:8080"}) &&
					slices.Equal(c.OriginList(), []string{"https://app.example.com"})
			}},
		{name: "bad allowed host", env: map[string]string{"AIDA_ALLOWED_HOSTS": "https://crm.example.com/"}, wantErr: "AIDA_ALLOWED_HOSTS"},
		{name: "bad cors origin", env: map[string]string{"AIDA_CORS_ORIGINS": "app.example.com"}, wantErr: "AIDA_CORS_ORIGINS"},
		{name: "stream limits", env: map[string]string{"AIDA_EVENTS_MAX_BYTES": "-1"}, args: []string{"--events-max-message", "65536"},
			check: func(c system.Config) bool { return c.EventsMaxBytes == -1 && c.EventsMaxMsg == 65536 }},
		{name: "stream limits by default", check: func(c system.Config) bool { return c.EventsMaxBytes == 1<<30 && c.EventsMaxMsg == 1<<20 }},
		{name: "stream too small", env: map[string]string{"AIDA_EVENTS_MAX_BYTES": "1000"}, wantErr: "AIDA_EVENTS_MAX_BYTES"},
		{name: "message too large", env: map[string]string{"AIDA_EVENTS_MAX_MESSAGE": "100000000"}, wantErr: "AIDA_EVENTS_MAX_MESSAGE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load("aida", tt.args, func(k string) string { return tt.env[k] }, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load() error = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load() error = %v", err)
			}
			if !tt.check(cfg) {
				t.Fatalf("Load() = %+v", cfg)
			}
		})
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"serve", "-h"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, func(string) string { return "" }, &out, &errOut); code != 0 {
			t.Fatalf("aida %v exited %d: %s", args, code, errOut.String())
		}
		c := system.Default()
		for _, s := range settings(&c) {
			if !strings.Contains(out.String(), "--"+s.flag) || !strings.Contains(out.String(), "$"+s.env) {
				t.Fatalf("aida %v does not explain --%s / $%s:\n%s", args, s.flag, s.env, out.String())
			}
		}
		for _, cmd := range []string{"serve", "migrate", "keys create", "keys list", "keys revoke", "version"} {
			if !strings.Contains(out.String(), "aida "+cmd) && !strings.Contains(out.String(), "aida ["+cmd) {
				t.Fatalf("help does not mention the %s command", cmd)
			}
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &out, &errOut); code != 2 {
		t.Fatalf("exit code %d; want 2", code)
	}
	if !strings.Contains(errOut.String(), "aida help") {
		t.Fatalf("error does not say what to do: %s", errOut.String())
	}
}
