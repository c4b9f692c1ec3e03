package deploy

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// documentedSettings runs `aida help` from the repository's source and returns the environment
// variables it documents.
func documentedSettings(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("go", "run", "./cmd/aida", "help")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./cmd/aida help: %v\n%s", err, out)
	}
	vars := regexp.MustCompile(`\$([A-Z][A-Z0-9_]+)`).FindAllStringSubmatch(string(out), -1)
	var names []string
	for _, v := range vars {
		names = append(names, v[1])
	}
	if len(names) < 10 {
		t.Fatalf("aida help documents only %v; has its format changed?\n%s", names, out)
	}
	return names
}

// TestComposeSetsOnlyDocumentedSettings fails when docker-compose.yml or the Dockerfile gives
// aida a variable that `aida help` does not document: a setting the binary never reads
// promises a feature that is not there.
func TestComposeSetsOnlyDocumentedSettings(t *testing.T) {
	documented := documentedSettings(t)
	p := loadProject(t)
	for _, name := range aidaNodes {
		for key := range service(t, p, name).Environment {
			if !slices.Contains(documented, key) {
				t.Errorf("%s sets %s, which `aida help` does not document", name, key)
			}
		}
	}
	dockerfile := readFile(t, filepath.Join(repoRoot(t), "Dockerfile"))
	env := regexp.MustCompile(`(?m)^ENV\s+((?:.*\\\n)*.*)$`)
	for _, m := range env.FindAllStringSubmatch(dockerfile, -1) {
		for _, f := range strings.Fields(strings.ReplaceAll(m[1], "\\\n", " ")) {
			key, _, _ := strings.Cut(f, "=")
			if strings.HasPrefix(key, "AIDA_") && !slices.Contains(documented, key) {
				t.Errorf("the Dockerfile sets %s, which `aida help` does not document", key)
			}
		}
	}
}
