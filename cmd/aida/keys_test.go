package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// aidaKeys runs `aida keys args…` with env and returns its stdout, stderr and exit code.
func aidaKeys(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"keys"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run aida keys %v: %v", args, err)
	}
	return stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

// TestKeysCommand creates, lists and revokes keys with `aida keys`, on both backends, while a
// server runs on the same store and data folder: the command takes no lock (decisions §24).
func TestKeysCommand(t *testing.T) {
	token := regexp.MustCompile(`^aida_([a-z2-7]{8})_[a-z2-7]{52}\n$`)
	for name, backend := range backends(t) {
		t.Run(name, func(t *testing.T) {
			env := backend(t)
			srv := startAida(t, env...)

			out, errOut, code := aidaKeys(t, env, "list")
			if code != 0 || !strings.Contains(out, "No keys yet") {
				t.Fatalf("list of no keys: exit %d, %q %q", code, out, errOut)
			}
			out, errOut, code = aidaKeys(t, env, "create", "--name", "ci-bot", "--role", "rep", "--rate-limit", "20")
			m := token.FindStringSubmatch(out)
			if code != 0 || m == nil {
				t.Fatalf("create: exit %d, stdout %q (want the key alone), stderr %q", code, out, errOut)
			}
			id := m[1]
			if !strings.Contains(errOut, "only time the key is shown") || strings.Contains(errOut, strings.TrimSpace(out)) {
				t.Fatalf("create: stderr %q must say the key is shown once, and not show it", errOut)
			}
			if _, _, code := aidaKeys(t, env, "create", "--name", "dash", "--role", "viewer"); code != 0 {
				t.Fatalf("create a second key: exit %d", code)
			}

			out, _, code = aidaKeys(t, env, "list")
			row := regexp.MustCompile(`(?m)^` + id + `\s+aida_` + id + `_…\s+ci-bot\s+rep\s+20/s\s+\S+ \S+\s+-\s+-$`)
			if code != 0 || !row.MatchString(out) || !strings.Contains(out, "dash") || strings.Contains(out, strings.TrimSpace(m[0])) {
				t.Fatalf("list: exit %d:\n%s", code, out)
			}

			key := strings.TrimSpace(m[0])
			if status := withKey(t, srv.url+"/api/v1/leads", key); status != http.StatusOK {
				t.Fatalf("the new key on the running server: %d", status)
			}

			out, errOut, code = aidaKeys(t, env, "revoke", id)
			if code != 0 || !strings.HasPrefix(out, "Revoked key "+id) {
				t.Fatalf("revoke: exit %d, %q %q", code, out, errOut)
			}
			// Revoked offline, the key stops on the running server within its cache time (1 s).
			for deadline := time.Now().Add(10 * time.Second); withKey(t, srv.url+"/api/v1/leads", key) != http.StatusUnauthorized; {
				if time.Now().After(deadline) {
					t.Fatalf("the revoked key still works on the running server after 10 s")
				}
				time.Sleep(100 * time.Millisecond)
			}
			out, _, code = aidaKeys(t, env, "revoke", id)
			if code != 0 || !strings.Contains(out, "already revoked") {
				t.Fatalf("revoke again: exit %d, %q", code, out)
			}
			out, _, _ = aidaKeys(t, env, "list")
			revoked := regexp.MustCompile(`(?m)^` + id + `\s.*ci-bot.*-\s+\d{4}-\d\d-\d\d \S+$`)
			active := regexp.MustCompile(`(?m)^\S+\s.*dash.*\s-$`)
			if !revoked.MatchString(out) || !active.MatchString(out) {
				t.Fatalf("list after revoke: ci-bot revoked, dash not:\n%s", out)
			}
		})
	}
}

// TestKeysCommandErrors: a wrong command line exits 2, an unknown key 1, each with a message
// that says what to do.
func TestKeysCommandErrors(t *testing.T) {
	env := []string{"AIDA_DATA_DIR=" + t.TempDir()}
	tests := []struct {
		args []string
		code int
		says string
	}{
		{nil, 2, "create, list or revoke"},
		{[]string{"rotate"}, 2, `unknown keys command "rotate"`},
		{[]string{"create", "--name", "x"}, 2, "needs --name and --role"},
		{[]string{"create", "--name", "x", "--role", "root"}, 2, "viewer, rep, manager or admin"},
		{[]string{"create", "--name", "x", "--role", "public"}, 2, "viewer, rep, manager or admin"},
		{[]string{"create", "--name", "two words", "--role", "rep"}, 2, "letters, digits"},
		{[]string{"create", "--name", "x", "--role", "rep", "--rate-limit", "-5"}, 2, "rate limit"},
		{[]string{"list", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"revoke"}, 2, "one key ID"},
		{[]string{"revoke", "nokey234"}, 1, "aida keys list"},
	}
	for _, tt := range tests {
		out, errOut, code := aidaKeys(t, env, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.says) || out != "" {
			t.Errorf("aida keys %v: exit %d, stdout %q, stderr %q; want exit %d saying %q", tt.args, code, out, errOut, tt.code, tt.says)
		}
	}
	if out, _, code := aidaKeys(t, env, "--help"); code != 0 || !strings.Contains(out, "aida keys revoke ID") {
		t.Errorf("aida keys --help: exit %d, %q", code, out)
	}
}

// withKey GETs url with key and returns the status.
func withKey(t *testing.T, url, key string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}
