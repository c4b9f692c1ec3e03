package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBenchQuick builds aida-bench and runs `aida-bench --quick` as a user would: every
// scenario must produce its rows with measured figures, and --out must write the report. It
// proves the harness works; it does not judge the speed.
func TestBenchQuick(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "aida-bench")
	build := exec.Command("go", "build", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build aida-bench: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "BENCHMARKS.md")
	cmd := exec.Command(binary, "--quick", "--out", out)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aida-bench --quick: %v\n%s", err, stderr.String())
	}
	rows := map[string]int{}
	figure := regexp.MustCompile(`\| [0-9.]+ [a-zA-Z/()]+`)
	for _, line := range strings.Split(stdout.String(), "\n") {
		if m := regexp.MustCompile(`^\| (B[0-9]) \|`).FindStringSubmatch(line); m != nil {
			rows[m[1]]++
			if len(figure.FindAllString(line, -1)) < 2 {
				t.Errorf("row without two measured figures: %s", line)
			}
		}
	}
	for id, want := range map[string]int{"B1": 2, "B2": 2, "B3": 1, "B4": 1, "B5": 1, "B6": 1, "B7": 1} {
		if rows[id] != want {
			t.Errorf("%s has %d rows, want %d:\n%s", id, rows[id], want, stdout.String())
		}
	}
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cores", "go1.", "aida-bench --quick", "| B5 |"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if !strings.Contains(stderr.String(), "round 1") {
		t.Errorf("no progress shown on stderr:\n%s", stderr.String())
	}
}

func TestReportKeepsHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if got := keptHistory(path); got != "" {
		t.Fatalf("history of a missing file = %q", got)
	}
	old := "# Benchmarks\n\n| old table |\n\n" + historyMarker + "\n\n## Before and after\n\nnotes\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	got := keptHistory(path)
	if !strings.Contains(got, "## Before and after") || strings.Contains(got, "old table") {
		t.Fatalf("keptHistory = %q; want the part from the marker on", got)
	}
}
