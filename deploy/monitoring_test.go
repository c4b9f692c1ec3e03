package deploy

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

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
		Authorization *struct {
			Type            string `yaml:"type"`
			Credentials     string `yaml:"credentials"`
			CredentialsFile string `yaml:"credentials_file"`
		} `yaml:"authorization"`
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

// TestPrometheusAuthenticates: Prometheus scrapes the nodes with AIDA_METRICS_TOKEN as a bearer
// token, read from a compose secret file whose source is the variable the nodes get; the
// token is never written in prometheus.yml.
func TestPrometheusAuthenticates(t *testing.T) {
	p := loadProject(t, "AIDA_METRICS_TOKEN=tok")
	var cfg prometheusConfig
	readYAML(t, bindSource(t, p, "prometheus", "/etc/prometheus/prometheus.yml"), &cfg)
	prom := service(t, p, "prometheus")
	files := map[string]string{} // mounted secret file -> the variable it holds
	for _, ref := range prom.Secrets {
		target := ref.Target
		if target == "" {
			target = ref.Source
		}
		if !strings.HasPrefix(target, "/") {
			target = "/run/secrets/" + target
		}
		files[target] = p.Secrets[ref.Source].Environment
	}
	for _, name := range aidaNodes {
		if tok, _ := envValue(service(t, p, name), "AIDA_METRICS_TOKEN"); tok != "tok" {
			t.Errorf("%s AIDA_METRICS_TOKEN = %q, want the environment's", name, tok)
		}
	}
	jobs := 0
	for _, sc := range cfg.ScrapeConfigs {
		if !scrapesAida(sc.StaticConfigs) {
			continue
		}
		jobs++
		a := sc.Authorization
		switch {
		case a == nil || (a.Type != "" && a.Type != "Bearer"):
			t.Errorf("job %s: authorization = %+v, want type Bearer", sc.JobName, a)
		case a.Credentials != "":
			t.Errorf("job %s: a token written in prometheus.yml", sc.JobName)
		case files[a.CredentialsFile] != "AIDA_METRICS_TOKEN":
			t.Errorf("job %s: credentials_file %q is not a secret of AIDA_METRICS_TOKEN (secrets %v)", sc.JobName, a.CredentialsFile, files)
		}
	}
	if jobs == 0 {
		t.Fatal("no job scrapes the AIDA nodes")
	}
}

// scrapesAida reports whether static configs name an AIDA node.
func scrapesAida(configs []struct {
	Targets []string `yaml:"targets"`
}) bool {
	for _, st := range configs {
		for _, target := range st.Targets {
			host, _, _ := net.SplitHostPort(target)
			if slices.Contains(aidaNodes, host) {
				return true
			}
		}
	}
	return false
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
