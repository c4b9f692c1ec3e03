package deploy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dockerStages returns the base image of each FROM line and the RUN lines of
// the last stage.
func dockerStages(t *testing.T, path string) (bases []string, lastRuns string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var runs strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if strings.EqualFold(fields[0], "FROM") && len(fields) > 1 {
			bases = append(bases, fields[1])
			runs.Reset()
			continue
		}
		runs.WriteString(sc.Text())
		runs.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return bases, runs.String()
}

func TestDockerfile(t *testing.T) {
	p := loadProject(t)
	s := service(t, p, aidaNodes[0])
	dockerfile := filepath.Join(s.Build.Context, s.Build.Dockerfile)
	bases, last := dockerStages(t, dockerfile)
	tests := []struct {
		name string
		ok   bool
	}{
		{"builder is golang:1.26 bookworm", len(bases) > 0 && strings.HasPrefix(bases[0], "golang:1.26") && strings.Contains(bases[0], "bookworm")},
		{"runtime is debian:bookworm-slim", len(bases) > 1 && bases[len(bases)-1] == "debian:bookworm-slim"},
		{"builds ./cmd/aida as a static binary", strings.Contains(readFile(t, dockerfile), "./cmd/aida") && strings.Contains(readFile(t, dockerfile), "CGO_ENABLED=0")},
		{"runtime installs curl for the healthcheck", strings.Contains(last, "apt-get install") && strings.Contains(last, " curl")},
		{"runtime exposes the AIDA port and no other", strings.Count(readFile(t, dockerfile), "EXPOSE") == 1 &&
			strings.Contains(last, fmt.Sprintf("\nEXPOSE %d\n", aidaPort))},
		{"runtime runs as the aida user, not root", strings.Contains(last, "\nUSER aida\n") && strings.Contains(last, "useradd --system")},
	}
	for _, tt := range tests {
		if !tt.ok {
			t.Errorf("Dockerfile: want %s (stages %v)", tt.name, bases)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}
