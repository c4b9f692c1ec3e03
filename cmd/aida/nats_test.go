package main

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// natsCreds runs `aida nats args…` in this process with no environment and returns its stdout,
// stderr and exit code.
func natsCreds(args ...string) (string, string, int) {
	var stdout, stderr bytes.Buffer
	code := natsCommand(args, func(string) string { return "" }, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// integrationURL is the URL `aida nats creds` prints for the server s on the data folder dir.
func integrationURL(t *testing.T, s *server, dir string) string {
	t.Helper()
	u, err := url.Parse(s.nats)
	if err != nil {
		t.Fatalf("banner NATS URL %q: %v", s.nats, err)
	}
	out, errOut, code := natsCreds("creds", "--role", "integration", "--data-dir", dir, "--nats-addr", u.Host)
	if code != 0 {
		t.Fatalf("aida nats creds: exit %d, %s", code, errOut)
	}
	return strings.TrimSpace(out)
}

// TestNATSCreds: credentials made by `aida nats creds` before the first start are the ones the
// server then requires; the printed URL connects as integration, who may read events but not
// answer commands, and a client without credentials is refused.
func TestNATSCreds(t *testing.T) {
	dir := t.TempDir()
	before, _, code := natsCreds("creds", "--data-dir", dir, "--nats-addr", "127.0.0.1:4222")
	if code != 0 || !strings.HasPrefix(before, "nats://integration:") || !strings.HasSuffix(before, "@127.0.0.1:4222\n") {
		t.Fatalf("before the first start: exit %d, %q", code, before)
	}
	s := startAida(t, "AIDA_DATA_DIR="+dir)
	if strings.Contains(s.nats, "@") || strings.Contains(s.logs.String(), secret(t, before)) {
		t.Fatalf("the password is in the banner %q or the logs", s.nats)
	}
	printed := integrationURL(t, s, dir)
	if secret(t, printed) != secret(t, before) {
		t.Fatalf("the server made new credentials: %q, then %q", before, printed)
	}
	if nc, err := nats.Connect(s.nats); err == nil || !errors.Is(err, nats.ErrAuthorization) {
		if nc != nil {
			nc.Close()
		}
		t.Fatalf("connect without credentials: %v, want an authorization violation", err)
	}
	errs := make(chan error, 4)
	nc, err := nats.Connect(printed, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	if err != nil {
		t.Fatalf("connect with the printed URL: %v", err)
	}
	defer nc.Close()
	if _, err := nc.SubscribeSync("crm.>"); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.QueueSubscribeSync("aida.cmd.>", "aida"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !errors.Is(err, nats.ErrPermissionViolation) || !strings.Contains(err.Error(), "aida.cmd.>") {
			t.Fatalf("got %v, want a permissions violation for aida.cmd.>", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("joining the aida queue group was not refused")
	}

	out := filepath.Join(t.TempDir(), "nats.url")
	stdout, _, code := natsCreds("creds", "--role", "integration", "--data-dir", dir, "--nats-addr", "127.0.0.1:4222", "--out", out)
	data, err := os.ReadFile(out)
	info, _ := os.Stat(out)
	if code != 0 || stdout != "" || err != nil || string(data) != before || info.Mode().Perm() != 0o600 {
		t.Fatalf("--out: exit %d, stdout %q, file %q (%v), want the URL alone, mode 0600", code, stdout, data, err)
	}
}

// secret is the password in a URL printed by `aida nats creds`.
func secret(t *testing.T, printed string) string {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(printed))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := u.User.Password()
	if !ok || len(p) < 32 {
		t.Fatalf("no password in %q", printed)
	}
	return p
}

// TestNATSCredsUsage: a wrong command line exits 2 and says why; a server on any free port
// exits 1 and asks for its port.
func TestNATSCredsUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "say what to do: creds"},
		{[]string{"creds", "--role", "aida"}, 2, `unknown role "aida"`},
		{[]string{"creds", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"creds", "--nats-url", "nats://nats:4222"}, 2, "external NATS server"},
		{[]string{"creds", "--data-dir", dir, "--nats-addr", "127.0.0.1:0"}, 1, "port 0"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errOut, code := natsCreds(tt.args...)
			if code != tt.code || out != "" || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tt.code, tt.want)
			}
		})
	}
}
