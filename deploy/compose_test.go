// Package deploy checks the deployment files at the repository root
// (docker-compose.yml, Dockerfile) and under deploy/ (Prometheus and Grafana
// configuration) without a Docker engine: it loads the compose file with the
// compose-spec loader and asserts how the services fit together.
package deploy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

// aidaNodes are the AIDA services of the compose stack.
var aidaNodes = []string{"aida-1", "aida-2"}

// wantServices is every service the stack must define, and no other.
var wantServices = []string{"postgres", "nats", "prometheus", "grafana", "aida-1", "aida-2"}

// aidaPort is the port AIDA listens on inside its container (AIDA_ADDR).
const aidaPort = 8080

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

// loadProject loads docker-compose.yml from the repository root, with env as
// the only environment (never the caller's), so defaults are what is checked.
func loadProject(t *testing.T, env ...string) *types.Project {
	t.Helper()
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
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load docker-compose.yml: %v", err)
	}
	return p
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

// TestComposeKeepsBackendsPrivate: PostgreSQL and NATS publish no port on the host; only the
// AIDA nodes reach them, on the compose network.
func TestComposeKeepsBackendsPrivate(t *testing.T) {
	p := loadProject(t)
	for _, name := range []string{"postgres", "nats"} {
		if ports := service(t, p, name).Ports; len(ports) > 0 {
			t.Errorf("%s publishes %+v; keep it on the compose network", name, ports)
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
			if !slices.ContainsFunc(s.Ports, func(pc types.ServicePortConfig) bool { return pc.Target == aidaPort }) {
				t.Errorf("ports %+v publish no container port %d", s.Ports, aidaPort)
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

func TestComposePortsDistinct(t *testing.T) {
	p := loadProject(t)
	seen := map[string]string{}
	for _, name := range p.ServiceNames() {
		s := service(t, p, name)
		for _, pc := range s.Ports {
			if pc.Published == "" {
				continue
			}
			proto := pc.Protocol
			if proto == "" {
				proto = "tcp"
			}
			// A port bound on all interfaces collides with the same port on any one.
			key := pc.Published + "/" + proto
			if other, ok := seen[key]; ok {
				t.Errorf("host port %s published by both %s and %s", key, other, name)
			}
			seen[key] = name
		}
	}
	if len(seen) == 0 {
		t.Fatal("no published ports")
	}
}

// TestComposeSecretsFromEnvironment checks that passwords come from the
// environment: setting them changes every place that uses them.
func TestComposeSecretsFromEnvironment(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		service string
		key     string
		want    string
	}{
		{"postgres default", nil, "postgres", "POSTGRES_PASSWORD", "aida"},
		{"postgres from env", []string{"POSTGRES_PASSWORD=s3cret"}, "postgres", "POSTGRES_PASSWORD", "s3cret"},
		{"node 1 database url", []string{"POSTGRES_PASSWORD=s3cret"}, "aida-1", "DATABASE_URL", "postgres://aida:s3cret@postgres:5432/aida?sslmode=disable"},
		{"node 2 database url", []string{"POSTGRES_PASSWORD=s3cret"}, "aida-2", "DATABASE_URL", "postgres://aida:s3cret@postgres:5432/aida?sslmode=disable"},
		{"grafana from env", []string{"GRAFANA_ADMIN_PASSWORD=g"}, "grafana", "GF_SECURITY_ADMIN_PASSWORD", "g"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadProject(t, tt.env...)
			got, ok := envValue(service(t, p, tt.service), tt.key)
			if !ok || got != tt.want {
				t.Errorf("%s %s = %q (set %v), want %q", tt.service, tt.key, got, ok, tt.want)
			}
		})
	}
}

// bindSource returns the host path mounted at target in service name.
func bindSource(t *testing.T, p *types.Project, name, target string) string {
	t.Helper()
	for _, v := range service(t, p, name).Volumes {
		if v.Type == types.VolumeTypeBind && v.Target == target {
			return v.Source
		}
	}
	t.Fatalf("%s mounts nothing at %s", name, target)
	return ""
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

// prometheusConfig is the part of prometheus.yml the stack depends on.
type prometheusConfig struct {
	ScrapeConfigs []struct {
		JobName       string `yaml:"job_name"`
		MetricsPath   string `yaml:"metrics_path"`
		StaticConfigs []struct {
			Targets []string `yaml:"targets"`
		} `yaml:"static_configs"`
	} `yaml:"scrape_configs"`
}

func TestPrometheusScrapesAidaNodes(t *testing.T) {
	p := loadProject(t)
	var cfg prometheusConfig
	readYAML(t, bindSource(t, p, "prometheus", "/etc/prometheus/prometheus.yml"), &cfg)

	targets := map[string]string{} // host:port -> metrics path
	for _, sc := range cfg.ScrapeConfigs {
		path := sc.MetricsPath
		if path == "" {
			path = "/metrics"
		}
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				targets[target] = path
			}
		}
	}
	for _, name := range aidaNodes {
		target := fmt.Sprintf("%s:%d", name, aidaPort)
		path, ok := targets[target]
		if !ok {
			t.Errorf("no scrape target %s in %v", target, targets)
			continue
		}
		if path != "/metrics" {
			t.Errorf("target %s scraped at %s, want /metrics", target, path)
		}
	}
	for target := range targets {
		host, port, err := net.SplitHostPort(target)
		if err != nil {
			t.Errorf("target %q: %v", target, err)
			continue
		}
		if host == "localhost" {
			continue
		}
		if _, err := p.GetService(host); err != nil {
			t.Errorf("target %s names no service", target)
		}
		if host == "nats" && port == "8222" {
			t.Errorf("target %s: NATS monitoring serves JSON, not Prometheus metrics", target)
		}
	}
}

func TestGrafanaProvisioning(t *testing.T) {
	p := loadProject(t)
	provisioning := bindSource(t, p, "grafana", "/etc/grafana/provisioning")

	var ds struct {
		Datasources []struct {
			Name string `yaml:"name"`
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, filepath.Join(provisioning, "datasources", "prometheus.yml"), &ds)
	if len(ds.Datasources) != 1 {
		t.Fatalf("datasources = %+v, want one", ds.Datasources)
	}
	d := ds.Datasources[0]
	u, err := url.Parse(d.URL)
	if err != nil {
		t.Fatalf("datasource url %q: %v", d.URL, err)
	}
	prom := service(t, p, "prometheus")
	if d.Type != "prometheus" || u.Hostname() != prom.Name || u.Port() != "9090" {
		t.Errorf("datasource = %+v, want type prometheus at %s:9090", d, prom.Name)
	}

	var providers struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, filepath.Join(provisioning, "dashboards", "aida.yml"), &providers)
	if len(providers.Providers) != 1 {
		t.Fatalf("dashboard providers = %+v, want one", providers.Providers)
	}
	dashboards := bindSource(t, p, "grafana", providers.Providers[0].Options.Path)
	files, err := filepath.Glob(filepath.Join(dashboards, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s (%v)", dashboards, err)
	}
	for _, f := range files {
		var dash struct {
			UID    string `json:"uid"`
			Panels []struct {
				Datasource struct {
					UID string `json:"uid"`
				} `json:"datasource"`
			} `json:"panels"`
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		if err := json.Unmarshal(b, &dash); err != nil {
			t.Errorf("parse %s: %v", filepath.Base(f), err)
			continue
		}
		if dash.UID == "" || len(dash.Panels) == 0 {
			t.Errorf("%s: want a uid and panels", filepath.Base(f))
		}
		for i, panel := range dash.Panels {
			if panel.Datasource.UID != d.UID {
				t.Errorf("%s panel %d uses datasource %q, want %q", filepath.Base(f), i, panel.Datasource.UID, d.UID)
			}
		}
	}
}

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
		{"runtime exposes the AIDA port", strings.Contains(last, fmt.Sprintf("EXPOSE %d", aidaPort))},
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
