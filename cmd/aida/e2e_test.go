package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence/postgres/pgtest"
)

// The tests in this file run the real binary as a child process, as a user would.
var (
	binary string         // built once by TestMain
	pg     *pgtest.Server // one private PostgreSQL for the package
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "aida-e2e")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		// PostgreSQL runs as its own user when the tests run as root: it must reach its directory.
		if err := os.Chmod(dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		binary = filepath.Join(dir, "aida")
		build := exec.Command("go", "build", "-o", binary, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build aida:", err)
			return 1
		}
		if err := os.Mkdir(filepath.Join(dir, "pg"), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		pg, err = pgtest.StartServer(filepath.Join(dir, "pg"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "start PostgreSQL:", err)
			return 1
		}
		defer pg.Close()
		return m.Run()
	}())
}

// testAdminKey is the AIDA_ADMIN_KEY of the servers tests start; call sends it.
const testAdminKey = "e2e0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"

// server is a running `aida serve` child process.
type server struct {
	url  string
	nats string // the NATS client URL the banner names
	cmd  *exec.Cmd
	logs *bytes.Buffer
	done chan error
	link chan string // the first start's sign-in link, when the banner prints one
}

// startAida starts `aida serve` on a free port with the given extra environment and waits for
// the line that prints its URL.
func startAida(t *testing.T, env ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--nats-addr", "127.0.0.1:0")
	cmd.Env = append(append(os.Environ(), "AIDA_ADMIN_KEY="+testAdminKey), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: &bytes.Buffer{}, done: make(chan error, 1), link: make(chan string, 1)}
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "http://"); i >= 0 && strings.HasPrefix(line, "AIDA is serving") {
				var nats string
				if j := strings.Index(line, "nats://"); j >= 0 {
					nats = strings.TrimRight(strings.Fields(line[j:])[0], ")")
				}
				urls <- [2]string{strings.Fields(line[i:])[0], nats}
			}
			if strings.Contains(line, "/?token=") {
				s.link <- strings.TrimSpace(line)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { s.done <- cmd.Wait() }()
	select {
	case u := <-urls:
		s.url, s.nats = u[0], u[1]
	case err := <-s.done:
		t.Fatalf("aida exited before serving: %v\n%s", err, s.logs)
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("aida did not print its URL within 30 s\n%s", s.logs)
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("aida exited with %v after SIGTERM\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		t.Errorf("aida did not stop within 30 s of SIGTERM")
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill(t *testing.T) {
	t.Helper()
	_ = s.cmd.Process.Kill()
	<-s.done
}

// call sends a JSON request and decodes the JSON answer into a map.
func call(t *testing.T, client *http.Client, method, url string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+testAdminKey)
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if len(raw) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, url, err, raw)
		}
	}
	return res.StatusCode, m, res.Header
}

// backends are the two ways to store data; each test that cares runs on both.
func backends(t *testing.T) map[string]func(t *testing.T) []string {
	return map[string]func(t *testing.T) []string{
		"sqlite": func(t *testing.T) []string { return []string{"AIDA_DATA_DIR=" + t.TempDir()} },
		"postgres": func(t *testing.T) []string {
			return []string{"DATABASE_URL=" + pg.NewDatabase(t), "AIDA_DATA_DIR=" + t.TempDir()}
		},
	}
}

// postJSON is call without the test: a load loop must survive the server's death.
func postJSON(c *http.Client, url string, body any) (int, map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testAdminKey)
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		return res.StatusCode, nil, err
	}
	return res.StatusCode, m, nil
}
