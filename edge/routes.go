package edge

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/edge/web"
)

// The entity kinds, as Entities and the store name them.
const (
	kindLead    = "lead"
	kindDeal    = "deal"
	kindAccount = "account"
)

// pathParams matches the {name} parameters of an OpenAPI path.
var pathParams = regexp.MustCompile(`\{([a-z_]+)\}`)

// routes registers the middleware and a route for every row of the operation table: rows with
// an entity call through one handler, the others (lists, stats, the stream, operations) through
// the handler this server has for them. A row without one is an error. Every request meets
// the door's rules (door.go) first: its Host, then CORS; then the route's chain (auth.go)
// identifies the caller, limits its rate and authorizes it; writes also requireJSON, and POSTs
// with an Idempotency-Key replay their first answer.
func (s *Server) routes() error {
	app := s.app
	app.Use(s.withRequestID, noSniff, s.observe, s.recoverPanic, s.checkHost, s.cors)
	own := s.ownHandlers()
	for _, op := range operation.Table() {
		h := own[op.Doc.ID]
		if op.Call != nil {
			h = s.operation(op)
		}
		if h == nil {
			return fmt.Errorf("edge: no handler for operation %s (%s %s)", op.Doc.ID, op.Method, op.Path)
		}
		chain := []fiber.Handler{matched, s.identify(op), s.limit, s.authorize(op)}
		if op.Method != fiber.MethodGet {
			chain = append(chain, requireJSON)
		}
		if op.Method == fiber.MethodPost && s.idempotent != nil {
			chain = append(chain, s.idempotent)
		}
		chain = append(chain, h)
		app.Add(op.Method, pathParams.ReplaceAllString(op.Path, ":$1"), chain...)
	}
	// The dashboard: "/" and "/assets/…", registered last so the API keeps its routes.
	if err := web.Register(app, matched); err != nil {
		s.log.Error("the dashboard's embedded files are broken; / is not served", "err", err)
	}
	return nil
}

// ownHandlers are the handlers of the operations without an entity call, by operation ID.
func (s *Server) ownHandlers() map[string]fiber.Handler {
	streamHandler := func(c *fiber.Ctx) error {
		return fault.New(fault.Unavailable, "the live stream is not running on this server")
	}
	if s.deps.Hub != nil {
		streamHandler = stream.Handler(s.deps.Hub, snapshots{s.entities}, stream.WithOrigins(s.cfg.CORSOrigins...),
			stream.WithConnectionLimits(s.cfg.StreamConnections, s.cfg.StreamPerPrincipal, func(c *fiber.Ctx) string { return principal(c).Actor() }))
	}
	return map[string]fiber.Handler{
		"signIn":        s.signIn,
		"whoAmI":        s.whoAmI,
		"signOut":       s.signOut,
		"createKey":     s.createKey,
		"listKeys":      s.listKeys,
		"revokeKey":     s.revokeKey,
		"listLeads":     s.listLeads,
		"listDeals":     s.listDeals,
		"listAccounts":  s.listAccounts,
		"statsOverview": s.overviewHandler(),
		"stream":        streamHandler,
		"healthz":       func(c *fiber.Ctx) error { return c.JSON(rest.Status{Status: "ok"}) },
		"readyz":        s.readyz,
		"metrics":       adaptor.HTTPHandler(promhttp.HandlerFor(s.deps.Gatherer, promhttp.HandlerOpts{})),
		"openapi": func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Send(s.openapi)
		},
	}
}

// operation answers a request for op: it turns the path, the documented query parameters and
// the body into the operation's Input, runs it, and writes its Result.
func (s *Server) operation(op operation.Operation) fiber.Handler {
	hasID := strings.Contains(op.Path, "{id}")
	return func(c *fiber.Ctx) error {
		in := operation.Input{Body: c.Body(), RequestID: requestID(c)}
		if hasID {
			id, err := entityID(c, op.Kind)
			if err != nil {
				return err
			}
			in.ID = id
		}
		if op.Param != "" {
			in.Param = pathParam(c, op.Param)
		}
		for _, q := range op.Doc.Query {
			if v := trimmedQuery(c, q.Name); v != "" {
				if in.Query == nil {
					in.Query = map[string]string{}
				}
				in.Query[q.Name] = v
			}
		}
		in.Principal = principal(c)
		in.ScopeOwner = operation.ScopeOf(in.Principal, s.cfg.ScopeReps)
		ctx, cancel := s.requestContext(c)
		defer cancel()
		res, err := op.Run(ctx, s.entities, in)
		if err != nil {
			return err
		}
		if res.Location != "" {
			c.Set(fiber.HeaderLocation, res.Location)
		}
		return c.Status(res.Status).JSON(res.Body)
	}
}

// pathParam returns the path parameter name, URL-decoded when it decodes.
func pathParam(c *fiber.Ctx, name string) string {
	raw := c.Params(name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}

// matched marks the request as taken by a route, so that metrics and logs name its template.
func matched(c *fiber.Ctx) error {
	c.Locals(localMatched, true)
	return c.Next()
}

// readyz answers 200 when the store is reachable, else a 503 problem.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := s.requestContext(c)
	defer cancel()
	if err := s.entities.Ready(ctx); err != nil {
		s.log.WarnContext(ctx, "not ready", "request_id", requestID(c), "error", err.Error())
		p := problem(fiber.StatusServiceUnavailable, "not-ready", "Service unavailable", "the store is not reachable")
		p.Instance, p.RequestID = c.Path(), requestID(c)
		return writeProblem(c, p)
	}
	return c.JSON(rest.Status{Status: "ready"})
}
