package edge

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/aidacrm/aida/api/rest"
)

// allowIndex tells which methods the routes of a path take, for the Allow header of a 405.
type allowIndex []allowRoute

// allowRoute is one route template, as a pattern, and its method.
type allowRoute struct {
	pattern *regexp.Regexp
	method  string
}

// newAllowIndex indexes routes (fiber's, without middleware): ":param" matches one segment,
// "*" the rest of the path. Matching ignores case and a trailing slash, as fiber does.
func newAllowIndex(routes []fiber.Route) allowIndex {
	var out allowIndex
	for _, r := range routes {
		segs := strings.Split(r.Path, "/")
		for i, seg := range segs {
			switch {
			case seg == "*":
				segs[i] = ".*"
			case strings.HasPrefix(seg, ":"):
				segs[i] = "[^/]+"
			default:
				segs[i] = regexp.QuoteMeta(strings.ToLower(seg))
			}
		}
		out = append(out, allowRoute{regexp.MustCompile("^" + strings.Join(segs, "/") + "$"), r.Method})
	}
	return out
}

// methods returns the methods the routes of path take, sorted and comma-separated; "" for a
// path no route takes.
func (a allowIndex) methods(path string) string {
	path = strings.ToLower(path)
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	var ms []string
	for _, r := range a {
		if r.pattern.MatchString(path) && !slices.Contains(ms, r.method) {
			ms = append(ms, r.method)
		}
	}
	slices.Sort(ms)
	return strings.Join(ms, ", ")
}

// refuseUnknownMethods puts a guard before fiber's handler: a request whose method fiber does
// not know (PROPFIND, FOO; fiber routes only fiber.DefaultMethods and answers any other with a
// plain-text 400 before the middleware runs) gets a 405 problem with the Allow header of its
// path, or a 404 problem when no route takes its path.
func (s *Server) refuseUnknownMethods() {
	srv := s.app.Server()
	next := srv.Handler
	srv.Handler = func(rc *fasthttp.RequestCtx) {
		if slices.Contains(fiber.DefaultMethods, string(rc.Method())) {
			next(rc)
			return
		}
		s.refuseMethod(rc)
	}
}

// refuseMethod writes the problem of an unknown method, outside fiber's middleware.
func (s *Server) refuseMethod(rc *fasthttp.RequestCtx) {
	id := string(rc.Request.Header.Peek(headerRequestID))
	if !validToken(id) {
		id = s.deps.NewID()
	}
	path := string(rc.Path())
	p := problem(http.StatusNotFound, "no-route", "Not found", "no such route")
	if allow := s.allow.methods(path); allow != "" {
		p = methodProblem()
		rc.Response.Header.Set(fiber.HeaderAllow, allow)
	}
	p.Instance, p.RequestID = path, id
	body, _ := json.Marshal(p) // a Problem of strings and numbers always marshals
	rc.Response.Header.Set(headerRequestID, id)
	rc.Response.Header.Set(fiber.HeaderXContentTypeOptions, headerNoSniff)
	rc.SetContentType(rest.ProblemContentType)
	rc.SetStatusCode(p.Status)
	rc.SetBody(body)
	// At debug, as every client mistake (the access log in observe).
	s.log.LogAttrs(rc, slog.LevelDebug, "http request", slog.String("request_id", id),
		slog.String("method", shortened(string(rc.Method()))), slog.String("route", "unmatched"),
		slog.String("path", shortened(path)), slog.Int("status", p.Status))
}

// methodProblem is the problem of a method the route does not take.
func methodProblem() rest.Problem {
	return problem(http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed",
		"the route does not take this method; the Allow header lists those it takes")
}
