package system

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/runtime/host"
)

// testConfig is a system on free ports with its data in dir.
func testConfig(dir string) Config {
	cfg := Default()
	cfg.Addr, cfg.NATSAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.DataDir = dir
	return cfg
}

// start builds a system in this process and starts it on a new host, which it returns with
// the start error.
func start(t *testing.T, cfg Config, opts ...Option) (*System, *host.Host, error) {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	h := host.New(logger, time.Minute)
	sys := New(cfg, logger, opts...)
	sys.Add(h)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	return sys, h, h.Start(ctx)
}

// TestDataFolderLocked: a second system on the data folder of a running one refuses at once and
// names the holder; once the first stops, the folder is free.
func TestDataFolderLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, first, err := start(t, testConfig(dir))
	if err != nil {
		t.Fatalf("first system: %v", err)
	}
	t.Cleanup(func() { _ = first.Stop() })

	began := time.Now()
	_, _, err = start(t, testConfig(dir))
	want := "another aida is using data folder " + dir + " (pid " + strconv.Itoa(os.Getpid()) + "); stop it or set AIDA_DATA_DIR"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second system on the same folder: %v; want an error containing %q", err, want)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("the second system took %s to refuse; want at once", took)
	}

	if err := first.Stop(); err != nil {
		t.Fatalf("stop the first system: %v", err)
	}
	l, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("the folder is still locked after the first system stopped: %v", err)
	}
	if err := l.release(); err != nil {
		t.Fatal(err)
	}
}

func TestUsesDataDir(t *testing.T) {
	tests := []struct {
		database, nats string
		want           bool
	}{
		{"", "", true},                           // SQLite and the embedded NATS store
		{"postgres://x/aida", "", true},          // the embedded NATS store
		{"", "nats://x:4222", true},              // SQLite
		{"postgres://x/aida", "nats://x", false}, // nothing local
	}
	for _, tt := range tests {
		c := Config{DatabaseURL: tt.database, NATSURL: tt.nats}
		if got := c.usesDataDir(); got != tt.want {
			t.Errorf("usesDataDir(DATABASE_URL=%q, NATS_URL=%q) = %v, want %v", tt.database, tt.nats, got, tt.want)
		}
	}
}

// TestFailedStartStopsWhatStarted: when the HTTP port is taken, the start fails after every
// other component (the live stream's hub among them) has started, and no goroutine the start
// began is left running AIDA code.
func TestFailedStartStopsWhatStarted(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	before := aidaGoroutines()
	cfg := testConfig(t.TempDir())
	cfg.Addr = taken.Addr().String()
	sys, _, err := start(t, cfg)
	if err == nil || !strings.Contains(err.Error(), "listen on "+cfg.Addr) {
		t.Fatalf("start on a taken port: %v; want a listen error", err)
	}
	if sys.hub == nil || sys.hubSub == nil {
		t.Fatal("the live stream did not start before http; this test no longer covers it")
	}
	var left []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		left = left[:0]
		for id, stack := range aidaGoroutines() {
			if _, ok := before[id]; !ok {
				left = append(left, stack)
			}
		}
		if len(left) == 0 {
			return
		}
	}
	slices.Sort(left)
	t.Fatalf("%d goroutines running AIDA code outlived the failed start:\n\n%s", len(left), strings.Join(left, "\n\n"))
}

// aidaGoroutines returns the stacks of the goroutines that run AIDA code, by goroutine header,
// except those of the test framework.
func aidaGoroutines() map[string]string {
	var buf strings.Builder
	_ = pprof.Lookup("goroutine").WriteTo(&buf, 2) // every stack, as a panic prints them
	out := map[string]string{}
	for _, g := range strings.Split(buf.String(), "\n\n") {
		if !strings.Contains(g, "github.com/aidacrm/aida/") || strings.Contains(g, "testing.tRunner") {
			continue
		}
		header, _, _ := strings.Cut(g, " [") // "goroutine 42"
		out[header] = g
	}
	return out
}
