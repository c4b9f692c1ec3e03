package deploy

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// directive is one nginx directive: its name, arguments and, for a block, its children.
type directive struct {
	name     string
	args     []string
	children []*directive
}

// parseNginx parses nginx configuration syntax: directives end with ";", blocks are in braces,
// "#" starts a comment, quotes group an argument. It knows no directive; it only builds the tree.
func parseNginx(t *testing.T, text string) []*directive {
	t.Helper()
	var tokens []string
	for i := 0; i < len(text); {
		switch c := text[i]; {
		case c == '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '{' || c == '}' || c == ';':
			tokens = append(tokens, string(c))
			i++
		case c == '"' || c == '\'':
			end := strings.IndexByte(text[i+1:], c)
			if end < 0 {
				t.Fatalf("nginx.conf: unterminated quote at byte %d", i)
			}
			tokens = append(tokens, "\x00"+text[i+1:i+1+end]) // quoted: never a brace or ";"
			i += end + 2
		default:
			j := i
			for j < len(text) && !strings.ContainsRune(" \t\r\n{};#", rune(text[j])) {
				j++
			}
			tokens = append(tokens, text[i:j])
			i = j
		}
	}
	root := &directive{}
	stack := []*directive{root}
	var cur *directive
	for _, tok := range tokens {
		top := stack[len(stack)-1]
		switch tok {
		case ";", "{":
			if cur == nil {
				t.Fatalf("nginx.conf: %q without a directive", tok)
			}
			top.children = append(top.children, cur)
			if tok == "{" {
				stack = append(stack, cur)
			}
			cur = nil
		case "}":
			if cur != nil || len(stack) == 1 {
				t.Fatal("nginx.conf: unbalanced }")
			}
			stack = stack[:len(stack)-1]
		default:
			tok = strings.TrimPrefix(tok, "\x00")
			if cur == nil {
				cur = &directive{name: tok}
			} else {
				cur.args = append(cur.args, tok)
			}
		}
	}
	if cur != nil || len(stack) != 1 {
		t.Fatal("nginx.conf: unterminated directive or block")
	}
	return root.children
}

// all returns the directives named name among ds, with the given first arguments.
func all(ds []*directive, name string, args ...string) []*directive {
	var out []*directive
	for _, d := range ds {
		if d.name == name && len(d.args) >= len(args) && slices.Equal(d.args[:len(args)], args) {
			out = append(out, d)
		}
	}
	return out
}

// one returns the only directive named name with the given first arguments, or fails.
func one(t *testing.T, ds []*directive, name string, args ...string) *directive {
	t.Helper()
	found := all(ds, name, args...)
	if len(found) != 1 {
		t.Fatalf("nginx.conf: %d of %s %v, want one", len(found), name, args)
	}
	return found[0]
}

// headers returns the proxy_set_header values a location sets.
func headers(loc *directive) map[string]string {
	h := map[string]string{}
	for _, d := range all(loc.children, "proxy_set_header") {
		if len(d.args) == 2 {
			h[strings.ToLower(d.args[0])] = d.args[1]
		}
	}
	return h
}

// TestLoadBalancer reads deploy/nginx/nginx.conf as the lb service mounts it: it listens on the
// published port, spreads requests round robin over both nodes with passive health checks,
// passes the Host and X-Forwarded headers AIDA relies on from every location, upgrades the
// live stream's websocket, and serves Grafana under the path Grafana is told.
func TestLoadBalancer(t *testing.T) {
	p := loadProject(t)
	lb := service(t, p, "lb")
	if lb.Image != "nginx:1.27-alpine" {
		t.Errorf("lb image = %q, want nginx:1.27-alpine", lb.Image)
	}
	for _, node := range aidaNodes {
		if _, ok := lb.DependsOn[node]; !ok {
			t.Errorf("lb does not depend on %s; nginx resolves its upstreams at start", node)
		}
	}
	if hc := lb.HealthCheck; hc == nil || !strings.Contains(strings.Join(hc.Test, " "), fmt.Sprintf(":%d/healthz", lbPort)) {
		t.Errorf("lb healthcheck = %+v, want a probe of :%d/healthz", hc, lbPort)
	}
	conf := parseNginx(t, readFile(t, bindSource(t, p, "lb", "/etc/nginx/nginx.conf")))
	http := one(t, conf, "http").children

	upstreams := map[string][]string{} // name -> servers (host:port)
	for _, u := range all(http, "upstream") {
		for _, d := range all(u.children, "server") {
			upstreams[u.args[0]] = append(upstreams[u.args[0]], d.args[0])
		}
		if u.args[0] != "aida" {
			continue
		}
		for _, method := range []string{"ip_hash", "hash", "least_conn", "random"} {
			if len(all(u.children, method)) > 0 {
				t.Errorf("upstream aida uses %s; want round robin", method)
			}
		}
		for _, d := range all(u.children, "server") {
			if !slices.ContainsFunc(d.args, func(a string) bool { return strings.HasPrefix(a, "max_fails=") }) ||
				!slices.ContainsFunc(d.args, func(a string) bool { return strings.HasPrefix(a, "fail_timeout=") }) {
				t.Errorf("upstream aida server %v: want max_fails and fail_timeout (passive health)", d.args)
			}
		}
	}
	var want []string
	for _, node := range aidaNodes {
		want = append(want, net.JoinHostPort(node, strconv.Itoa(aidaPort)))
	}
	if !slices.Equal(upstreams["aida"], want) {
		t.Errorf("upstream aida = %v, want %v", upstreams["aida"], want)
	}

	srv := one(t, http, "server").children
	if l := one(t, srv, "listen"); l.args[0] != strconv.Itoa(lbPort) {
		t.Errorf("listen %v, want %d (the published port's target)", l.args, lbPort)
	}
	if b := one(t, srv, "client_max_body_size"); b.args[0] != "1m" {
		t.Errorf("client_max_body_size %v, want 1m (AIDA_BODY_LIMIT)", b.args)
	}
	if v := one(t, srv, "proxy_http_version"); v.args[0] != "1.1" {
		t.Errorf("proxy_http_version %v, want 1.1 (websocket upgrade)", v.args)
	}
	if m := one(t, http, "map", "$http_upgrade", "$connection_upgrade"); len(all(m.children, "default", "upgrade")) != 1 {
		t.Errorf("map $http_upgrade $connection_upgrade: want default upgrade")
	}

	locations := all(srv, "location")
	for _, loc := range locations {
		pass := all(loc.children, "proxy_pass")
		if len(pass) != 1 {
			t.Errorf("location %v: want one proxy_pass", loc.args)
			continue
		}
		u, err := url.Parse(pass[0].args[0])
		if err != nil || u.Scheme != "http" || upstreams[u.Host] == nil {
			t.Errorf("location %v proxies to %v, want http://<an upstream>", loc.args, pass[0].args)
		}
		h := headers(loc)
		for name, value := range map[string]string{"host": "$http_host", "x-forwarded-for": "$remote_addr", "x-forwarded-proto": "$scheme"} {
			if h[name] != value {
				t.Errorf("location %v sets %s to %q, want %s", loc.args, name, h[name], value)
			}
		}
	}
	if loc := one(t, locations, "location", "/"); one(t, loc.children, "proxy_pass").args[0] != "http://aida" {
		t.Errorf("location / does not proxy to the aida upstream")
	}

	stream := one(t, locations, "location", "=", "/api/v1/stream")
	if one(t, stream.children, "proxy_pass").args[0] != "http://aida" {
		t.Error("the stream location does not proxy to the aida upstream")
	}
	if h := headers(stream); h["upgrade"] != "$http_upgrade" || h["connection"] != "$connection_upgrade" {
		t.Errorf("the stream location sets Upgrade %q and Connection %q, want the websocket upgrade", h["upgrade"], h["connection"])
	}
	if d := nginxDuration(t, one(t, stream.children, "proxy_read_timeout").args[0]); d < 10*time.Minute {
		t.Errorf("the stream's proxy_read_timeout is %v; an idle websocket would be cut", d)
	}

	grafana := service(t, p, "grafana")
	root, _ := envValue(grafana, "GF_SERVER_ROOT_URL")
	sub, _ := envValue(grafana, "GF_SERVER_SERVE_FROM_SUB_PATH")
	u, err := url.Parse(root)
	if err != nil || sub != "true" || u.Host != fmt.Sprintf("localhost:%d", lbPort) {
		t.Fatalf("grafana root URL %q (sub path %q), want one under http://localhost:%d served from its sub path", root, sub, lbPort)
	}
	loc := one(t, locations, "location", u.Path)
	target, _ := url.Parse(one(t, loc.children, "proxy_pass").args[0])
	if got := upstreams[target.Host]; !slices.Equal(got, []string{"grafana:3000"}) || target.Path != "" {
		t.Errorf("location %s proxies to %v (%v), want grafana:3000 with the path kept", u.Path, target, got)
	}
}

// nginxDuration parses an nginx time ("60", "90s", "10m", "1h").
func nginxDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("nginx time %q: %v", s, err)
	}
	return d
}
