package edge

import (
	"fmt"
	"mime"
	"net"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The rules every request meets at the door, before any route: its Host is one the server
// answers for, browsers of other origins get CORS headers only when configured, and a write
// with a body sends JSON. See docs/decisions.md (the Host and content-type rules).

const (
	headerNoSniff = "nosniff"
	pathHealthz   = "/healthz"
	corsMaxAge    = "600" // seconds a browser may cache a preflight answer
)

// corsHeaders are the request headers a cross-origin page may send.
const corsHeaders = "Authorization, Content-Type, Idempotency-Key, X-Request-ID, X-User-ID"

// corsExposed are the response headers a cross-origin page may read.
const corsExposed = "Location, Retry-After, X-Request-ID"

// splitHost returns the lower-case host of s (without IPv6 brackets) and its port, "" when s
// has none.
func splitHost(s string) (host, port string) {
	s = strings.ToLower(strings.TrimSpace(s))
	if h, p, err := net.SplitHostPort(s); err == nil {
		return h, p
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"), ""
}

// CheckHost tells whether s is an entry of Config.AllowedHosts: "*", or a host name or IP
// address with an optional :port (IPv6 in brackets: "[::1]:8080").
func CheckHost(s string) error {
	if s == "*" {
		return nil
	}
	host, port := splitHost(s)
	if host == "" || strings.ContainsAny(host, "/@?#*,[] \t") || strings.Trim(port, "0123456789") != "" {
		return fmt.Errorf("allowed host %q is not host or host:port (e.g. crm.example.com or localhost:8080)", s)
	}
	return nil
}

// CheckOrigin tells whether s is an entry of Config.CORSOrigins: scheme://host[:port] with the
// scheme http or https and nothing after the authority.
func CheckOrigin(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("CORS origin %q is not scheme://host[:port] (e.g. https://crm.example.com)", s)
	}
	return nil
}

// hostAllowed tells whether the Host header h names a host of allowed (entries as CheckHost
// takes them).
func hostAllowed(allowed []string, h string) bool {
	host, port := splitHost(h)
	if host == "" {
		return false
	}
	for _, a := range allowed {
		if a == "*" {
			return true
		}
		ah, ap := splitHost(a)
		if ah == host && (ap == "" || ap == port) {
			return true
		}
	}
	return false
}

// noSniff tells browsers to trust the Content-Type of every answer, problems and JSON included.
func noSniff(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, headerNoSniff)
	return c.Next()
}

// checkHost answers 421 to a request whose Host header the server does not answer for; the
// raw header is read, never X-Forwarded-Host, which a rebinding page may set. /healthz answers
// every host, for container health checks.
func (s *Server) checkHost(c *fiber.Ctx) error {
	if c.Path() == pathHealthz || hostAllowed(s.cfg.AllowedHosts, string(c.Request().Header.Host())) {
		return c.Next()
	}
	return fiber.NewError(fiber.StatusMisdirectedRequest)
}

// cors adds the CORS headers for a request from an origin of Config.CORSOrigins and answers
// its preflight; requests from other origins pass on without them, so browsers keep them from
// reading the answer.
func (s *Server) cors(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if len(s.cfg.CORSOrigins) == 0 || origin == "" {
		return c.Next()
	}
	c.Vary(fiber.HeaderOrigin)
	if !s.originAllowed(origin) {
		return c.Next()
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
	if c.Method() == fiber.MethodOptions && c.Get(fiber.HeaderAccessControlRequestMethod) != "" {
		c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST, PUT, PATCH, DELETE")
		c.Set(fiber.HeaderAccessControlAllowHeaders, corsHeaders)
		c.Set(fiber.HeaderAccessControlMaxAge, corsMaxAge)
		return c.SendStatus(fiber.StatusNoContent)
	}
	c.Set(fiber.HeaderAccessControlExposeHeaders, corsExposed)
	return c.Next()
}

// originAllowed tells whether origin is one of Config.CORSOrigins, ignoring the case of the
// scheme and host and a trailing slash of the configured entry.
func (s *Server) originAllowed(origin string) bool {
	for _, o := range s.cfg.CORSOrigins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}

// requireJSON answers 415 to a write whose body is not declared application/json (parameters
// such as charset allowed): text/plain and form bodies are what a cross-site page can send
// without a preflight. A write without a body needs no Content-Type.
func requireJSON(c *fiber.Ctx) error {
	if len(c.Request().Body()) == 0 {
		return c.Next()
	}
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err == nil && mt == fiber.MIMEApplicationJSON {
		return c.Next()
	}
	return fiber.NewError(fiber.StatusUnsupportedMediaType)
}
