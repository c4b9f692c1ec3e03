// Package chromatest runs a private Chroma server for tests: the npm package chromadb installed
// in tools/chroma of the repository (npm ci there; .ci/run does it), started as `chroma run
// --path DIR --port P` on a free loopback port with its data in a temporary directory.
package chromatest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// ErrNotInstalled: tools/chroma/node_modules/.bin/chroma is missing (run npm ci in tools/chroma),
// or node is not on PATH.
var ErrNotInstalled = errors.New("chroma server not installed (cd tools/chroma && npm ci)")

// StartTimeout bounds how long Start waits for the server's heartbeat.
const StartTimeout = 60 * time.Second

// Required reports whether Chroma's tests must run: under CI=true, CI installs Chroma, so a
// missing server fails the tests instead of skipping them.
func Required() bool { return os.Getenv("CI") == "true" }

// Server is a running Chroma server.
type Server struct {
	URL  string // http://127.0.0.1:P
	dir  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	log  *os.File
}

// Find returns the path of the chroma command installed in tools/chroma of the repository
// holding the working directory (found by walking up to the directory of go.mod).
func Find() (string, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return "", fmt.Errorf("%w: node: %w", ErrNotInstalled, err)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("chromatest: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			bin := filepath.Join(dir, "tools", "chroma", "node_modules", ".bin", "chroma")
			if _, err := os.Stat(bin); err != nil {
				return "", fmt.Errorf("%w: %w", ErrNotInstalled, err)
			}
			return bin, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", ErrNotInstalled)
		}
		dir = parent
	}
}

// Start starts a server with its data in a new temporary directory and waits until
// /api/v2/heartbeat answers 200. Close stops it and removes the directory.
func Start(ctx context.Context) (*Server, error) {
	bin, err := Find()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "chromatest-")
	if err != nil {
		return nil, fmt.Errorf("chromatest dir: %w", err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), dir: dir, done: make(chan struct{})}
	if s.log, err = os.Create(filepath.Join(dir, "server.log")); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("chromatest log: %w", err)
	}
	s.cmd = exec.Command(bin, "run", "--path", filepath.Join(dir, "data"), "--host", "127.0.0.1",
		"--port", strconv.Itoa(port))
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Close stops node and its children
	if err := s.cmd.Start(); err != nil {
		_ = s.log.Close()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("chromatest start: %w", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	if err := s.wait(ctx); err != nil {
		logged, _ := os.ReadFile(s.log.Name())
		s.Close()
		return nil, fmt.Errorf("%w; server log:\n%s", err, logged)
	}
	return s, nil
}

// wait polls the heartbeat until it answers, the process exits or StartTimeout passes.
func (s *Server) wait(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/v2/heartbeat", nil)
		if err != nil {
			return fmt.Errorf("chromatest heartbeat: %w", err)
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return errors.New("chromatest: the server exited before answering")
		case <-ctx.Done():
			return fmt.Errorf("chromatest: no heartbeat from %s: %w", s.URL, ctx.Err())
		case <-tick.C:
		}
	}
}

// Close stops the server (SIGTERM to its process group, SIGKILL after 10 s) and removes its
// directory.
func (s *Server) Close() {
	if s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	}
	_ = s.log.Close()
	_ = os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("chromatest port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("chromatest port: %w", err)
	}
	return port, nil
}
