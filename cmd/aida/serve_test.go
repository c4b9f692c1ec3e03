package main

import (
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecondServeRefused: a second `aida serve` on the data folder of a running one exits at
// once with code 1 and says, in one plain line on stderr, who holds the folder and what to do.
func TestSecondServeRefused(t *testing.T) {
	dir := t.TempDir()
	first := startAida(t, "AIDA_DATA_DIR="+dir)

	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--nats-addr", "127.0.0.1:0", "--data-dir", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Fatalf("second aida serve: %v (exit %d); want exit 1\n%s", err, code, stderr.String())
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("the second aida took %s to refuse; want at once", took)
	}
	want := "aida: start data folder: another aida is using data folder " + dir +
		" (pid " + strconv.Itoa(first.cmd.Process.Pid) + "); stop it or set AIDA_DATA_DIR\n"
	if stderr.String() != want {
		t.Fatalf("stderr = %q\nwant the error once, as one plain line: %q", stderr.String(), want)
	}
	if strings.Contains(stdout.String(), "AIDA is serving") {
		t.Fatalf("the second aida served: %s", stdout.String())
	}
}
