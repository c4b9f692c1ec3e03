// Package web serves the dashboard: a single-page app of plain JavaScript modules, CSS and SVG
// embedded in the binary with go:embed, so the page needs no build step, no CDN and no
// internet. The app reads the REST API under /api/v1 and follows changes live over the
// websocket /api/v1/stream.
//
// Paths (Routes lists them): GET and HEAD "/" answer index.html, "/assets/<file>" the files
// of static/assets. Nothing else is taken, so /api/…, /metrics, /healthz, /readyz and
// /openapi.json stay with their own handlers whatever the order of registration.
//
// Caching: assets keep stable names (no build step fingerprints them), so every response says
// Cache-Control: no-cache with a strong ETag of the content: a browser revalidates on each load
// and gets 304 Not Modified, an empty answer, while nothing changed; a new binary's files are
// seen at once. Text files are gzipped once, when the handler is built, and served gzipped to
// clients that accept it.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var files embed.FS

// The prefix of the asset paths, and the route templates the site registers.
const (
	assetPrefix = "/assets/"
	routeIndex  = "/"
	routeAssets = "/assets/*"
)

// contentSecurityPolicy allows the page nothing but its own origin: scripts, styles and the
// websocket ('self' covers ws: and wss: of the same host), with images also from data: URLs.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// contentTypes maps the extensions the site embeds to their media types; a file of another
// extension makes New fail, so that nothing is served with a guessed type.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".json":  "application/json",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// compressible tells which media types are worth gzipping.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || contentType == "image/svg+xml" ||
		contentType == "application/json"
}

// asset is one file ready to serve.
type asset struct {
	body        []byte
	gzipped     []byte // nil when gzip does not pay
	contentType string
	etag        string // quoted strong validator
}

// Site is the set of embedded files, read and compressed once.
type Site struct {
	index  *asset
	assets map[string]*asset // by path under /assets/, e.g. "app.js"
}

// Routes returns the route templates Register adds (each for GET and HEAD): "/" and
// "/assets/*".
func Routes() []string { return []string{routeIndex, routeAssets} }

// New reads the embedded files. It fails only when the embedded tree is broken: index.html
// missing, or a file of an extension the site has no media type for.
func New() (*Site, error) {
	root, err := fs.Sub(files, "static")
	if err != nil {
		return nil, fmt.Errorf("embedded files: %w", err)
	}
	s := &Site{assets: map[string]*asset{}}
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		a, err := newAsset(name, body)
		if err != nil {
			return err
		}
		switch {
		case name == "index.html":
			s.index = a
		case strings.HasPrefix(name, "assets/"):
			s.assets[strings.TrimPrefix(name, "assets/")] = a
		default:
			return fmt.Errorf("embedded file %s is neither index.html nor under assets/", name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("embedded files: %w", err)
	}
	if s.index == nil {
		return nil, fmt.Errorf("embedded files: no index.html")
	}
	return s, nil
}

func newAsset(name string, body []byte) (*asset, error) {
	ct, ok := contentTypes[path.Ext(name)]
	if !ok {
		return nil, fmt.Errorf("embedded file %s: no media type for its extension", name)
	}
	sum := sha256.Sum256(body)
	a := &asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	if compressible(ct) && len(body) > 256 {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return nil, fmt.Errorf("gzip %s: %w", name, err)
		}
		if _, err := zw.Write(body); err != nil {
			return nil, fmt.Errorf("gzip %s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("gzip %s: %w", name, err)
		}
		if buf.Len() < len(body)*9/10 {
			a.gzipped = buf.Bytes()
		}
	}
	return a, nil
}

// Register builds the site and adds its routes to r (an app or a group), each behind the
// handlers in before (for example the edge's route-naming middleware).
func Register(r fiber.Router, before ...fiber.Handler) error {
	s, err := New()
	if err != nil {
		return err
	}
	s.Register(r, before...)
	return nil
}

// Register adds the site's routes to r, each behind the handlers in before.
func (s *Site) Register(r fiber.Router, before ...fiber.Handler) {
	r.Get(routeIndex, slices.Concat(before, []fiber.Handler{s.serveIndex})...)
	r.Get(routeAssets, slices.Concat(before, []fiber.Handler{s.serveAsset})...)
}

// Paths returns the URL paths of every file the site serves, index first.
func (s *Site) Paths() []string {
	out := []string{routeIndex}
	for name := range s.assets {
		out = append(out, assetPrefix+name)
	}
	return out
}

func (s *Site) serveIndex(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", contentSecurityPolicy)
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Frame-Options", "DENY")
	return serve(c, s.index)
}

func (s *Site) serveAsset(c *fiber.Ctx) error {
	a, ok := s.assets[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	return serve(c, a)
}

// serve answers a with its validators: 304 when the client holds the same version, else the
// body, gzipped when the client accepts it.
func serve(c *fiber.Ctx, a *asset) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, a.etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if a.gzipped != nil {
		c.Vary(fiber.HeaderAcceptEncoding)
	}
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), a.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	if a.gzipped != nil && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(a.gzipped)
	}
	return c.Send(a.body)
}

// etagMatches tells whether an If-None-Match header names etag (or is *); weak validators
// compare by their opaque part, as RFC 9110 says for If-None-Match.
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == "*" || v == etag {
			return true
		}
	}
	return false
}

// acceptsGzip tells whether an Accept-Encoding header accepts gzip with a non-zero quality.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "" {
			continue // q=0, q=0.0 …: refused
		}
		return true
	}
	return false
}
