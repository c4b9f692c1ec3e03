package edge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/edge/idempotency"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/edge/ratelimit"
)

// Server is the HTTP edge: a fiber app over Entities.
type Server struct {
	cfg      Config
	entities Entities
	log      *slog.Logger
	deps     Deps
	metrics  *metrics
	openapi  []byte
	app      *fiber.App
	allow    allowIndex // the methods of each route, for Allow

	limiter    *ratelimit.Limiter
	limit      fiber.Handler // the rate limit of every route (ratePick)
	signins    *ratelimit.Limiter
	idempotent fiber.Handler // Idempotency-Key on POST; nil without Deps.Idempotency
}

// New builds the server and its routes. It fails when deps lack Entities, when cfg is invalid
// or when an operation of the table has no handler; a metric that cannot be registered is
// logged and left out, as in every component.
func New(cfg Config, deps Deps) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if deps, err = deps.withDefaults(); err != nil {
		return nil, err
	}
	m := newMetrics(deps.Registerer, deps.Logger)
	doc, err := operation.OpenAPI()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, entities: deps.Entities, log: deps.Logger, deps: deps, metrics: m, openapi: doc,
		limiter: ratelimit.New(ratelimit.WithClock(deps.Now)), signins: ratelimit.New(ratelimit.WithClock(deps.Now))}
	s.limit = ratelimit.Middleware(s.limiter, s.ratePick)
	if deps.Idempotency != nil {
		s.idempotent = idempotency.Middleware(deps.Idempotency, idempotencyScope, deps.Now, idempotency.WithLogger(deps.Logger))
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "aida",
		BodyLimit:             cfg.BodyLimit,
		DisableStartupMessage: true,
		Immutable:             true, // strings from requests outlive handlers (IDs kept by actors)
		ReadTimeout:           cfg.RequestTimeout + 5*time.Second,
		WriteTimeout:          cfg.RequestTimeout + 5*time.Second,
		IdleTimeout:           2 * time.Minute,
		ErrorHandler:          s.errorHandler,
		// X-Forwarded-* count only from the proxies the operator names.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableIPValidation:      true,
	})
	s.app.Server().SecureErrorLogMessage = true // parse errors in logs do not quote the request
	if err := s.routes(); err != nil {
		return nil, err
	}
	s.allow = newAllowIndex(s.app.GetRoutes(true))
	s.refuseUnknownMethods()
	return s, nil
}

// App returns the fiber app, for tests (app.Test) and for mounting more routes.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until ctx is done, then shuts down gracefully.
func (s *Server) Listen(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done or serving fails; then it waits up to
// Config.ShutdownTimeout for open requests and returns. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	done := make(chan error, 1)
	go func() { done <- s.app.Listener(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.app.ShutdownWithContext(sctx)
	_ = ln.Close() // in case serving had not started when shutdown ran
	if serr := <-done; serr != nil && !errors.Is(serr, net.ErrClosed) && err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Shutdown stops serving and waits for open requests until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// errorHandler answers the errors fiber raises outside the middleware chain (a body over the
// limit) and any the chain did not handle.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	if requestID(c) == "" {
		c.Locals(localRequestID, s.deps.NewID())
		c.Set(headerRequestID, requestID(c))
	}
	c.Set(fiber.HeaderXContentTypeOptions, headerNoSniff)
	return s.writeError(c, err)
}

// proxyHeader is the header that names the client behind a trusted proxy; none without one.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
