package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// newApp serves the site and, beside it, the routes it must not shadow.
func newApp(t *testing.T) (*fiber.App, *Site) {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	s.Register(app)
	for _, p := range []string{"/api/v1/leads", "/metrics", "/healthz", "/readyz", "/openapi.json", "/api/v1/stream"} {
		app.Get(p, func(c *fiber.Ctx) error { return c.SendString("other " + c.Path()) })
	}
	return app, s
}

type response struct {
	status int
	header map[string]string
	body   []byte
}

func get(t *testing.T, app *fiber.App, path string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	h := map[string]string{}
	for k := range res.Header {
		h[k] = res.Header.Get(k)
	}
	return response{status: res.StatusCode, header: h, body: body}
}

// referenced returns the local URLs index.html and the JS modules reference: src and href
// attributes, and the modules' imports.
func referenced(t *testing.T) []string {
	t.Helper()
	root, err := fs.Sub(files, "static")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	index, err := fs.ReadFile(root, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?:src|href)="(/[^"#?]*)"`).FindAllStringSubmatch(string(index), -1) {
		add(m[1])
	}
	imports := regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^'"]*from\s+'\./([^']+)'`)
	for i := 0; i < len(out); i++ { // grows while modules name more modules
		if !strings.HasSuffix(out[i], ".js") {
			continue
		}
		js, err := fs.ReadFile(root, strings.TrimPrefix(out[i], "/"))
		if err != nil {
			t.Fatalf("%s is referenced but not embedded: %v", out[i], err)
		}
		for _, m := range imports.FindAllStringSubmatch(string(js), -1) {
			add(assetPrefix + m[1])
		}
	}
	return out
}

// TestEveryReferencedAssetIsServed: each file index.html and the modules reference (and each
// module imports) is embedded and served with its media type, a validator and no-cache; no
// reference leaves the origin.
func TestEveryReferencedAssetIsServed(t *testing.T) {
	app, _ := newApp(t)
	refs := referenced(t)
	for _, want := range []string{"/assets/app.js", "/assets/app.css", "/assets/overview.js", "/assets/stream.js", "/assets/favicon.svg"} {
		if !slices.Contains(refs, want) {
			t.Errorf("%s is not referenced from index.html (found %v)", want, refs)
		}
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	for _, ref := range refs {
		switch ref {
		case "/openapi.json", "/metrics":
			continue // the footer links the API's own documents
		}
		r := get(t, app, ref)
		ext := ref[strings.LastIndex(ref, "."):]
		if r.status != 200 || r.header["Content-Type"] != types[ext] {
			t.Errorf("GET %s: %d %q, want 200 %q", ref, r.status, r.header["Content-Type"], types[ext])
		}
		if r.header["Cache-Control"] != "no-cache" || !strings.HasPrefix(r.header["Etag"], `"`) ||
			r.header["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("GET %s: headers %v", ref, r.header)
		}
		if len(r.body) == 0 {
			t.Errorf("GET %s: empty body", ref)
		}
	}
	index := get(t, app, "/")
	if index.status != 200 || index.header["Content-Type"] != "text/html; charset=utf-8" ||
		!strings.Contains(index.header["Content-Security-Policy"], "default-src 'self'") {
		t.Fatalf("GET /: %d %v", index.status, index.header)
	}
	if bytes.Contains(index.body, []byte("http://")) || bytes.Contains(index.body, []byte("https://")) {
		t.Error("index.html references another origin")
	}
}

// TestEveryEmbeddedFileHasAType: New refuses files without a known media type, and every
// embedded asset is reachable under /assets/.
func TestEveryEmbeddedFileHasAType(t *testing.T) {
	app, s := newApp(t)
	paths := s.Paths()
	if len(paths) < 8 {
		t.Fatalf("only %d files served: %v", len(paths), paths)
	}
	for _, p := range paths {
		r := get(t, app, p)
		if r.status != 200 || r.header["Content-Type"] == "" {
			t.Errorf("GET %s: %d %q", p, r.status, r.header["Content-Type"])
		}
	}
	if _, err := newAsset("notes.md", []byte("x")); err == nil {
		t.Error("an unknown extension was accepted")
	}
}

// TestRevalidationAndGzip: a matching If-None-Match answers 304 with no body; a client that
// accepts gzip gets the same bytes gzipped, one that refuses it (q=0) gets them plain.
func TestRevalidationAndGzip(t *testing.T) {
	app, _ := newApp(t)
	plain := get(t, app, "/assets/app.css")
	etag := plain.header["Etag"]
	if r := get(t, app, "/assets/app.css", "If-None-Match", etag); r.status != 304 || len(r.body) != 0 {
		t.Errorf("If-None-Match %s: %d, %d bytes", etag, r.status, len(r.body))
	}
	if r := get(t, app, "/assets/app.css", "If-None-Match", `"other"`); r.status != 200 {
		t.Errorf("a stale validator: %d", r.status)
	}
	z := get(t, app, "/assets/app.css", "Accept-Encoding", "br, gzip;q=0.8")
	if z.header["Content-Encoding"] != "gzip" || z.header["Vary"] != "Accept-Encoding" || len(z.body) >= len(plain.body) {
		t.Fatalf("gzip: %v, %d bytes of %d", z.header, len(z.body), len(plain.body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(z.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain.body) {
		t.Fatalf("gunzip: %v, equal %v", err, bytes.Equal(unzipped, plain.body))
	}
	if r := get(t, app, "/assets/app.css", "Accept-Encoding", "gzip;q=0"); r.header["Content-Encoding"] != "" {
		t.Errorf("gzip;q=0 got %q", r.header["Content-Encoding"])
	}
}

// TestOtherRoutesAreNotShadowed: the API and operations routes keep their handlers; unknown
// assets are 404; Routes names what Register adds.
func TestOtherRoutesAreNotShadowed(t *testing.T) {
	app, _ := newApp(t)
	for _, p := range []string{"/api/v1/leads", "/metrics", "/healthz", "/readyz", "/openapi.json", "/api/v1/stream"} {
		if r := get(t, app, p); r.status != 200 || string(r.body) != "other "+p {
			t.Errorf("GET %s: %d %q", p, r.status, r.body)
		}
	}
	for _, p := range []string{"/assets/nope.js", "/assets/", "/assets/../index.html", "/index.html", "/api/v1/unknown"} {
		if r := get(t, app, p); r.status != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
	var routes []string
	for _, r := range app.GetRoutes(true) {
		if r.Method == "GET" && !strings.HasPrefix(r.Path, "/api") && r.Path != "/metrics" && r.Path != "/healthz" &&
			r.Path != "/readyz" && r.Path != "/openapi.json" {
			routes = append(routes, r.Path)
		}
	}
	slices.Sort(routes)
	if want := Routes(); !slices.Equal(routes, want) {
		t.Errorf("routes %v, Routes() %v", routes, want)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip": true, "gzip;q=0": false, "gzip; q=0.000": false,
		"gzip;q=0.5": true, "*": true, "br": false, "identity": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v", header, got)
		}
	}
}
