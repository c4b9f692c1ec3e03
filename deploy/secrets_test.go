package deploy

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

// TestComposeRequiresSecrets: no secret has a committed default; compose refuses to start
// without each one, unset or empty, and names it.
func TestComposeRequiresSecrets(t *testing.T) {
	for _, name := range requiredSecrets {
		for _, tc := range []struct {
			how string
			env []string
		}{
			{"unset", slices.DeleteFunc(slices.Clone(testSecrets), func(kv string) bool { return strings.HasPrefix(kv, name+"=") })},
			{"empty", append(slices.Clone(testSecrets), name+"=")},
		} {
			t.Run(name+" "+tc.how, func(t *testing.T) {
				_, err := loadCompose(t, tc.env)
				if err == nil || !strings.Contains(err.Error(), name) {
					t.Errorf("load with %s %s: err = %v, want an error naming it", name, tc.how, err)
				}
			})
		}
	}
}

// TestComposeSecretsFromEnvironment: setting a secret changes every place that uses it.
func TestComposeSecretsFromEnvironment(t *testing.T) {
	env := []string{"POSTGRES_PASSWORD=pw1", "NATS_AIDA_PASSWORD=pw2", "AIDA_METRICS_TOKEN=tok3",
		"GRAFANA_ADMIN_PASSWORD=pw4", "AIDA_ADMIN_KEY=admin-key-of-at-least-thirty-two-chars"}
	tests := []struct {
		service, key, want string
	}{
		{"postgres", "POSTGRES_PASSWORD", "pw1"},
		{"nats", "NATS_AIDA_PASSWORD", "pw2"},
		{"grafana", "GF_SECURITY_ADMIN_PASSWORD", "pw4"},
	}
	for _, node := range aidaNodes {
		tests = append(tests, []struct{ service, key, want string }{
			{node, "DATABASE_URL", "postgres://aida:pw1@postgres:5432/aida?sslmode=disable"},
			{node, "NATS_URL", "nats://aida:pw2@nats:4222"},
			{node, "AIDA_METRICS_TOKEN", "tok3"},
			{node, "AIDA_ADMIN_KEY", "admin-key-of-at-least-thirty-two-chars"},
		}...)
	}
	p := loadProject(t, env...)
	for _, tt := range tests {
		got, ok := envValue(service(t, p, tt.service), tt.key)
		if !ok || got != tt.want {
			t.Errorf("%s %s = %q (set %v), want %q", tt.service, tt.key, got, ok, tt.want)
		}
	}
}

// TestComposeFirstAdminKey: AIDA_ADMIN_KEY is optional, and without it only aida-1 can make the
// first admin key: aida-2 starts once aida-1 is healthy, when its keys are stored.
func TestComposeFirstAdminKey(t *testing.T) {
	p := loadProject(t)
	for _, name := range aidaNodes {
		if key, _ := envValue(service(t, p, name), "AIDA_ADMIN_KEY"); key != "" {
			t.Errorf("%s AIDA_ADMIN_KEY = %q by default, want empty", name, key)
		}
	}
	d, ok := service(t, p, "aida-2").DependsOn["aida-1"]
	if !ok || d.Condition != types.ServiceConditionHealthy {
		t.Errorf("aida-2 depends_on aida-1 = %+v (present %v), want %s", d, ok, types.ServiceConditionHealthy)
	}
}

// TestComposeAllowedHosts: the nodes answer the Host a browser sends through the load balancer
// and the names Prometheus scrapes, and AIDA_PUBLIC_HOST adds the stack's public name.
func TestComposeAllowedHosts(t *testing.T) {
	base := []string{"localhost", "127.0.0.1", "[::1]", "aida-1", "aida-2"}
	tests := []struct {
		env  []string
		want []string
	}{
		{nil, base},
		{[]string{"AIDA_PUBLIC_HOST=crm.example.com"}, append(slices.Clone(base), "crm.example.com")},
	}
	for _, tt := range tests {
		p := loadProject(t, tt.env...)
		for _, name := range aidaNodes {
			got, _ := envValue(service(t, p, name), "AIDA_ALLOWED_HOSTS")
			if !slices.Equal(strings.Split(got, ","), tt.want) {
				t.Errorf("%v: %s AIDA_ALLOWED_HOSTS = %q, want %q", tt.env, name, got, strings.Join(tt.want, ","))
			}
		}
	}
}

// envScript runs deploy/env.sh and returns the variables it prints.
func envScript(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("sh", "env.sh").Output()
	if err != nil {
		t.Fatalf("sh deploy/env.sh: %v", err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("env.sh printed %q, not NAME=value", line)
		}
		vars[k] = v
	}
	return vars
}

// TestEnvScript: deploy/env.sh makes every required secret, each fresh, and values that are
// safe in URLs and in nats.conf (a letter first); compose loads with exactly them.
func TestEnvScript(t *testing.T) {
	first, second := envScript(t), envScript(t)
	safe := regexp.MustCompile(`^[a-z][0-9a-f]{48}$`)
	seen := map[string]bool{}
	var env []string
	for _, name := range requiredSecrets {
		v, ok := first[name]
		if !ok || !safe.MatchString(v) {
			t.Errorf("env.sh %s = %q (set %v), want a letter and 48 hex digits", name, v, ok)
		}
		if seen[v] || second[name] == v {
			t.Errorf("env.sh %s = %q is not fresh", name, v)
		}
		seen[v] = true
		env = append(env, name+"="+v)
	}
	if len(first) != len(requiredSecrets) {
		t.Errorf("env.sh sets %d variables, want %v", len(first), requiredSecrets)
	}
	if _, err := loadCompose(t, env); err != nil {
		t.Errorf("compose with env.sh's output: %v", err)
	}
}
