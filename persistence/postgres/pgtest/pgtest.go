// Package pgtest runs a private PostgreSQL server for tests and benchmarks: initdb in a temporary
// directory, pg_ctl on a free loopback port, trust authentication, one fresh database per test.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotInstalled: initdb and pg_ctl are not on PATH nor under /usr/lib/postgresql/*/bin.
var ErrNotInstalled = errors.New("postgresql binaries (initdb, pg_ctl) not found")

// Server is a private PostgreSQL server in a directory of its own.
type Server struct {
	dir     string
	ownsDir bool
	port    int
	bin     string // directory holding initdb and pg_ctl
	asUser  string // run the binaries as this user (when we are root), else ""
	dbs     atomic.Int64
}

// Required reports whether PostgreSQL's tests must run: under CI=true, CI installs PostgreSQL,
// so a missing server fails the tests instead of skipping them.
func Required() bool { return os.Getenv("CI") == "true" }

// Start starts a server for one test and stops it when the test ends; it skips the test when
// PostgreSQL is not installed (fails it when Required). Prefer one server per package
// (StartServer in TestMain) and NewDatabase per test.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := StartServer("")
	if errors.Is(err, ErrNotInstalled) {
		if Required() {
			t.Fatalf("pgtest: %v (CI=true: PostgreSQL tests must run)", err)
		}
		t.Skipf("pgtest: %v (install postgresql to run these tests)", err)
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartServer initialises a cluster under dir (a new temporary directory when dir is "") and
// starts it on a free port of 127.0.0.1. Close removes a directory it created.
func StartServer(dir string) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, bin: bin}
	if s.dir == "" {
		// Not t.TempDir: its parents are private to root, and the server may run as postgres.
		if s.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
			return nil, fmt.Errorf("pgtest dir: %w", err)
		}
		s.ownsDir = true
	}
	if err := s.init(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Start(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// findBin finds the directory of initdb: PATH first, then the newest /usr/lib/postgresql/N/bin.
func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// init runs initdb, as user postgres when we are root (initdb refuses root).
func (s *Server) init() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.port = port
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("pgtest as root needs a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			return fmt.Errorf("pgtest chown %s: %w", s.dir, err)
		}
		s.asUser = "postgres"
	}
	return s.run("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync")
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs one PostgreSQL binary, as s.asUser when set.
func (s *Server) run(name string, args ...string) error {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest %s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("pgtest port: %w", err)
	}
	return port, nil
}

// Start starts the server (again) on its port and data directory and waits until it accepts
// connections.
func (s *Server) Start() error {
	return s.run("pg_ctl", "-D", s.data(), "-w", "-l", filepath.Join(s.dir, "server.log"), "-o",
		fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", s.port, s.dir), "start")
}

// Stop stops the server (fast shutdown: open sessions are ended) and waits for it.
func (s *Server) Stop() error {
	return s.run("pg_ctl", "-D", s.data(), "-w", "-m", "fast", "stop")
}

// Close stops the server if it runs and removes the directory StartServer created.
func (s *Server) Close() {
	if _, err := os.Stat(filepath.Join(s.data(), "postmaster.pid")); err == nil {
		_ = s.Stop()
	}
	if s.ownsDir {
		_ = os.RemoveAll(s.dir)
	}
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// URL is the connection URL of the server's postgres database.
func (s *Server) URL() string { return s.urlOf("postgres") }

func (s *Server) urlOf(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// safeName keeps lower-case letters and digits of name and turns the rest into '_'.
func safeName(name string) string {
	return strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return '_'
	}, strings.ToLower(name))
}

// CreateDatabase creates a fresh database named after name (made unique) and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	db := fmt.Sprintf("t%d_%s", s.dbs.Add(1), safeName(name))
	if len(db) > 63 {
		db = db[:63]
	}
	conn, err := pgx.Connect(ctx, s.URL())
	if err != nil {
		return "", fmt.Errorf("pgtest create database: %w", err)
	}
	defer func() { _ = conn.Close(ctx) }() // the work is done or failed; closing reports nothing new
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest create database %s: %w", db, err)
	}
	return s.urlOf(db), nil
}

// NewDatabase creates a fresh database for t, dropped when t ends, and returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, err := s.CreateDatabase(ctx, t.Name())
	if err != nil {
		t.Fatalf("%v", err)
	}
	name := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, s.URL())
		if err != nil {
			return // the server is down: its directory goes with it
		}
		defer func() { _ = conn.Close(ctx) }() // the work is done or failed; closing reports nothing new
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return url
}
