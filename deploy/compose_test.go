// Package deploy checks the deployment files at the repository root
// (docker-compose.yml, Dockerfile) and under deploy/ (Prometheus and Grafana
// configuration) without a Docker engine: it loads the compose file with the
// compose-spec loader and asserts how the services fit together.
package deploy

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// aidaNodes are the AIDA services of the compose stack.
var aidaNodes = []string{"aida-1", "aida-2"}

// wantServices is every service the stack must define, and no other.
var wantServices = []string{"lb", "postgres", "nats", "prometheus", "grafana", "aida-1", "aida-2"}

// aidaPort is the port AIDA listens on inside its container (AIDA_ADDR).
const aidaPort = 8080

// lbPort is the load balancer's port, inside its container and on the host: the one port the
// stack publishes.
const lbPort = 8080

// requiredSecrets are the variables compose refuses to start without; testSecrets gives each a
// value for the tests that load the file.
var requiredSecrets = []string{"POSTGRES_PASSWORD", "NATS_AIDA_PASSWORD", "AIDA_METRICS_TOKEN", "GRAFANA_ADMIN_PASSWORD"}

var testSecrets = []string{
	"POSTGRES_PASSWORD=pg-test",
	"NATS_AIDA_PASSWORD=nats-test",
	"AIDA_METRICS_TOKEN=metrics-test",
	"GRAFANA_ADMIN_PASSWORD=grafana-test",
}

// repoRoot returns the absolute path of the repository root.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatalf("repo root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repo root %s has no go.mod: %v", root, err)
	}
	return root
}

// loadProject loads docker-compose.yml from the repository root with testSecrets and env (which
// overrides them) as the only environment, never the caller's.
func loadProject(t *testing.T, env ...string) *types.Project {
	t.Helper()
	p, err := loadCompose(t, append(slices.Clone(testSecrets), env...))
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return p
}

// loadCompose loads docker-compose.yml with exactly env; of two values of a name the last wins.
func loadCompose(t *testing.T, env []string) (*types.Project, error) {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	env = env[:0:0]
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	root := repoRoot(t)
	opts, err := cli.NewProjectOptions(
		[]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root),
		cli.WithEnv(env),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		t.Fatalf("compose options: %v", err)
	}
	return opts.LoadProject(context.Background())
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %s: %v", name, err)
	}
	return s
}

func envValue(s types.ServiceConfig, key string) (string, bool) {
	v, ok := s.Environment[key]
	if !ok || v == nil {
		return "", false
	}
	return *v, true
}

// TestComposePublishesOnlyTheLoadBalancer: the load balancer's HTTP port is the stack's one
// door; the AIDA nodes, PostgreSQL, NATS, Prometheus and Grafana are reached only on the
// compose network.
func TestComposePublishesOnlyTheLoadBalancer(t *testing.T) {
	p := loadProject(t)
	for _, name := range p.ServiceNames() {
		s := service(t, p, name)
		if name != "lb" {
			if len(s.Ports) > 0 {
				t.Errorf("%s publishes %+v; only the load balancer may", name, s.Ports)
			}
			continue
		}
		want := fmt.Sprint(lbPort)
		if len(s.Ports) != 1 || s.Ports[0].Target != lbPort || s.Ports[0].Published != want ||
			(s.Ports[0].Protocol != "" && s.Ports[0].Protocol != "tcp") {
			t.Errorf("lb publishes %+v, want exactly %d:%d/tcp", s.Ports, lbPort, lbPort)
		}
	}
}

func TestComposeServices(t *testing.T) {
	p := loadProject(t)
	got := p.ServiceNames()
	slices.Sort(got)
	want := slices.Clone(wantServices)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("services = %v, want %v", got, want)
	}
	if p.Name != "aida" {
		t.Errorf("project name = %q, want aida", p.Name)
	}
}

func TestComposeAidaNodes(t *testing.T) {
	p := loadProject(t)
	root := repoRoot(t)
	urls := []struct {
		key, scheme, host string
	}{
		{"DATABASE_URL", "postgres", "postgres"},
		{"NATS_URL", "nats", "nats"},
	}
	for _, name := range aidaNodes {
		t.Run(name, func(t *testing.T) {
			s := service(t, p, name)
			for _, u := range urls {
				raw, ok := envValue(s, u.key)
				if !ok || raw == "" {
					t.Errorf("%s is not set", u.key)
					continue
				}
				parsed, err := url.Parse(raw)
				if err != nil {
					t.Errorf("%s=%q: %v", u.key, raw, err)
					continue
				}
				if parsed.Scheme != u.scheme || parsed.Hostname() != u.host {
					t.Errorf("%s=%q: want scheme %s, host %s", u.key, raw, u.scheme, u.host)
				}
				if _, err := p.GetService(parsed.Hostname()); err != nil {
					t.Errorf("%s names host %q, which is no service", u.key, parsed.Hostname())
				}
			}
			if addr, _ := envValue(s, "AIDA_ADDR"); addr != fmt.Sprintf(":%d", aidaPort) {
				t.Errorf("AIDA_ADDR = %q, want :%d", addr, aidaPort)
			}

			hc := s.HealthCheck
			if hc == nil || hc.Disable || !strings.Contains(strings.Join(hc.Test, " "), fmt.Sprintf(":%d/healthz", aidaPort)) {
				t.Errorf("healthcheck = %+v, want a probe of :%d/healthz", hc, aidaPort)
			}
			for _, dep := range []string{"postgres", "nats"} {
				d, ok := s.DependsOn[dep]
				if !ok || d.Condition != types.ServiceConditionHealthy {
					t.Errorf("depends_on %s = %+v (present %v), want condition %s", dep, d, ok, types.ServiceConditionHealthy)
				}
			}
			if s.Restart == "" || s.Restart == types.RestartPolicyNo {
				t.Errorf("restart = %q, want a restarting policy", s.Restart)
			}
			if s.Build == nil || s.Build.Context != root {
				t.Fatalf("build = %+v, want context %s", s.Build, root)
			}
			nats, _ := envValue(s, "NATS_URL")
			if u, err := url.Parse(nats); err != nil || u.User.Username() != natsUser {
				t.Errorf("NATS_URL %q: want the user %s and its password", nats, natsUser)
			}
		})
	}
}

// TestComposeHealthyDependencies checks that every service_healthy dependency
// points at a service with a healthcheck; otherwise compose waits forever.
func TestComposeHealthyDependencies(t *testing.T) {
	p := loadProject(t)
	for _, s := range p.Services {
		for dep, d := range s.DependsOn {
			if d.Condition != types.ServiceConditionHealthy {
				continue
			}
			target := service(t, p, dep)
			if target.HealthCheck == nil || target.HealthCheck.Disable || len(target.HealthCheck.Test) == 0 {
				t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", s.Name, dep, dep)
			}
		}
	}
}

func TestComposeBindMountsExist(t *testing.T) {
	p := loadProject(t)
	root := repoRoot(t)
	binds := 0
	for _, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			binds++
			rel, err := filepath.Rel(root, v.Source)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				t.Errorf("%s mounts %s from outside the repository", s.Name, v.Source)
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s mounts %s: %v", s.Name, rel, err)
			}
			if !v.ReadOnly {
				t.Errorf("%s mounts %s read-write; configuration should be read-only", s.Name, rel)
			}
		}
	}
	if binds == 0 {
		t.Fatal("no bind mounts found; the Prometheus and Grafana configuration should be mounted")
	}
}

func TestComposeBuildsExist(t *testing.T) {
	p := loadProject(t)
	for _, s := range p.Services {
		if s.Build == nil {
			if s.Image == "" {
				t.Errorf("%s has neither build nor image", s.Name)
			}
			continue
		}
		dockerfile := s.Build.Dockerfile
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(s.Build.Context, dockerfile)
		}
		if _, err := os.Stat(dockerfile); err != nil {
			t.Errorf("%s builds from %s: %v", s.Name, dockerfile, err)
		}
	}
}
