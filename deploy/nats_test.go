package deploy

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// natsUser is the NATS user the AIDA nodes connect as (deploy/nats/nats.conf).
const natsUser = "aida"

// natsConfTarget is where the nats service reads deploy/nats/nats.conf.
const natsConfTarget = "/etc/nats/aida.conf"

// natsUsers parses a NATS server configuration file and returns its users by name.
func natsUsers(t *testing.T, path string) (*server.Options, map[string]*server.User) {
	t.Helper()
	opts, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	users := map[string]*server.User{}
	for _, u := range opts.Users {
		users[u.Username] = u
	}
	return opts, users
}

// docsNATSConf writes the server configuration docs/nats.md gives for an external server to a
// file and returns its path.
func docsNATSConf(t *testing.T) string {
	t.Helper()
	block := regexp.MustCompile("(?s)```conf\n(.*?)```").FindStringSubmatch(readFile(t, filepath.Join(repoRoot(t), "docs", "nats.md")))
	if block == nil {
		t.Fatal("docs/nats.md has no ```conf block")
	}
	path := filepath.Join(t.TempDir(), "docs.conf")
	if err := os.WriteFile(path, []byte(block[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNATSRequiresAuth starts a server from deploy/nats/nats.conf, with a password made by
// deploy/env.sh: a client without the aida user's password is refused, AIDA connects, and
// AIDA's user has exactly the rights docs/nats.md lists.
func TestNATSRequiresAuth(t *testing.T) {
	p := loadProject(t)
	svc := service(t, p, "nats")
	if !slices.Equal(svc.Command, []string{"--config", natsConfTarget}) {
		t.Errorf("nats command = %v, want --config %s", svc.Command, natsConfTarget)
	}
	if _, ok := envValue(svc, "NATS_AIDA_PASSWORD"); !ok {
		t.Error("the nats service does not get NATS_AIDA_PASSWORD, which nats.conf reads")
	}

	password := envScript(t)["NATS_AIDA_PASSWORD"]
	t.Setenv("NATS_AIDA_PASSWORD", password)
	opts, users := natsUsers(t, bindSource(t, p, "nats", natsConfTarget))
	if !opts.JetStream || opts.StoreDir != "/data" {
		t.Errorf("jetstream = %v in %q, want on, in /data (the nats-data volume)", opts.JetStream, opts.StoreDir)
	}
	if opts.HTTPPort != 8222 {
		t.Errorf("monitoring port = %d, want 8222 (the healthcheck's)", opts.HTTPPort)
	}
	aida, ok := users[natsUser]
	if !ok || aida.Password != password || len(users) != 1 {
		t.Fatalf("users %v: want only %s, with the password from the environment", slices.Collect(maps.Keys(users)), natsUser)
	}

	t.Setenv("AIDA_NATS_PASSWORD", "x")
	t.Setenv("INTEGRATION_NATS_PASSWORD", "y")
	_, documented := natsUsers(t, docsNATSConf(t))
	want := documented[natsUser]
	if want == nil || aida.Permissions == nil ||
		!slices.Equal(aida.Permissions.Publish.Allow, want.Permissions.Publish.Allow) ||
		!slices.Equal(aida.Permissions.Subscribe.Allow, want.Permissions.Subscribe.Allow) {
		t.Errorf("aida's permissions = %+v, want docs/nats.md's %+v", perms(aida), perms(want))
	}

	opts.Port, opts.HTTPPort, opts.StoreDir, opts.NoLog, opts.NoSigs = -1, 0, t.TempDir(), true, true
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("start nats: %v", err)
	}
	go s.Start()
	t.Cleanup(s.Shutdown)
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats is not ready")
	}
	tests := []struct {
		name string
		opts []nats.Option
		ok   bool
	}{
		{"no credentials", nil, false},
		{"wrong password", []nats.Option{nats.UserInfo(natsUser, password+"x")}, false},
		{"unknown user", []nats.Option{nats.UserInfo("integration", password)}, false},
		{"aida", []nats.Option{nats.UserInfo(natsUser, password)}, true},
	}
	for _, tt := range tests {
		nc, err := nats.Connect(s.ClientURL(), append(tt.opts, nats.NoReconnect())...)
		if (err == nil) != tt.ok {
			t.Errorf("%s: connect err = %v, want ok %v", tt.name, err, tt.ok)
		}
		if nc != nil {
			nc.Close()
		}
	}
}

func perms(u *server.User) any {
	if u == nil || u.Permissions == nil {
		return nil
	}
	return map[string][]string{"publish": u.Permissions.Publish.Allow, "subscribe": u.Permissions.Subscribe.Allow}
}
