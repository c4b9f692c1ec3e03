package edge

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/edge/web"
)

// The entity kinds, as Entities and the store name them.
const (
	kindLead    = "lead"
	kindDeal    = "deal"
	kindAccount = "account"
)

// routes registers the middleware and every route. rest's OpenAPI document lists the same
// routes; a test keeps them equal.
func (s *Server) routes() {
	app := s.app
	app.Use(s.withRequestID, s.observe, s.recoverPanic)

	app.Get("/healthz", matched, func(c *fiber.Ctx) error { return c.JSON(rest.Status{Status: "ok"}) })
	app.Get("/readyz", matched, s.readyz)
	app.Get("/openapi.json", matched, func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(s.openapi)
	})
	app.Get("/metrics", matched, adaptor.HTTPHandler(promhttp.HandlerFor(s.deps.Gatherer, promhttp.HandlerOpts{})))

	const leads, deals, accounts = "/api/v1/leads", "/api/v1/deals", "/api/v1/accounts"
	app.Post(leads, matched, s.captureLead)
	app.Get(leads, matched, s.listLeads)
	app.Get(leads+"/:id", matched, s.get(kindLead))
	app.Patch(leads+"/:id", matched, s.command(kindLead, rest.DecodeUpdateLead, fiber.StatusOK))
	app.Delete(leads+"/:id", matched, s.archiveLead)
	app.Post(leads+"/:id/restore", matched, s.restoreLead)
	app.Post(leads+"/:id/status", matched, s.command(kindLead, rest.DecodeLeadStatus, fiber.StatusOK))
	app.Post(leads+"/:id/autonomy", matched, s.command(kindLead, rest.DecodeAutonomy, fiber.StatusOK))
	app.Post(leads+"/:id/notes", matched, s.command(kindLead, rest.DecodeNote, fiber.StatusCreated))
	app.Post(leads+"/:id/convert", matched, s.convertLead)
	app.Get(leads+"/:id/timeline", matched, s.timeline(kindLead))
	app.Post(leads+"/:id/sequence", matched, s.command(kindLead, rest.DecodeStartSequence, fiber.StatusOK))
	app.Delete(leads+"/:id/sequence", matched, s.stopSequence)
	s.workRoutes(leads, kindLead)

	app.Post(deals, matched, s.create(kindDeal, rest.DecodeCreateDeal))
	app.Get(deals, matched, s.listDeals)
	app.Get(deals+"/:id", matched, s.get(kindDeal))
	app.Patch(deals+"/:id", matched, s.command(kindDeal, rest.DecodeUpdateDeal, fiber.StatusOK))
	app.Post(deals+"/:id/stage", matched, s.command(kindDeal, rest.DecodeDealStage, fiber.StatusOK))
	app.Post(deals+"/:id/autonomy", matched, s.command(kindDeal, rest.DecodeAutonomy, fiber.StatusOK))
	app.Post(deals+"/:id/notes", matched, s.command(kindDeal, rest.DecodeNote, fiber.StatusCreated))
	app.Get(deals+"/:id/timeline", matched, s.timeline(kindDeal))
	s.workRoutes(deals, kindDeal)

	app.Post(accounts, matched, s.create(kindAccount, rest.DecodeCreateAccount))
	app.Get(accounts, matched, s.listAccounts)
	app.Get(accounts+"/:id", matched, s.get(kindAccount))
	app.Patch(accounts+"/:id", matched, s.command(kindAccount, rest.DecodeUpdateAccount, fiber.StatusOK))
	app.Post(accounts+"/:id/autonomy", matched, s.command(kindAccount, rest.DecodeAutonomy, fiber.StatusOK))
	app.Get(accounts+"/:id/timeline", matched, s.timeline(kindAccount))
	app.Post(accounts+"/:id/onboarding", matched, s.startOnboarding)
	app.Post(accounts+"/:id/milestones/:name/complete", matched,
		s.commandAt(kindAccount, "name", rest.DecodeCompleteMilestone, fiber.StatusOK))
	app.Post(accounts+"/:id/health", matched, s.command(kindAccount, rest.DecodeRecomputeHealth, fiber.StatusOK))
	s.workRoutes(accounts, kindAccount)

	s.statsRoutes()

	if s.deps.Hub != nil {
		app.Get("/api/v1/stream", matched, stream.Handler(s.deps.Hub, snapshots{s.entities}))
	} else {
		app.Get("/api/v1/stream", matched, func(c *fiber.Ctx) error {
			return fault.New(fault.Unavailable, "the live stream is not running on this server")
		})
	}
	// The dashboard: "/" and "/assets/…", registered last so the API keeps its routes.
	if err := web.Register(app, matched); err != nil {
		s.log.Error("the dashboard's embedded files are broken; / is not served", "err", err)
	}
}

// workRoutes registers under base (/api/v1/leads …) the routes every kind has for its work:
// tasks, flags, drafts and inbound signals.
func (s *Server) workRoutes(base, kind string) {
	app := s.app
	app.Post(base+"/:id/tasks", matched, s.command(kind, rest.DecodeTask, fiber.StatusCreated))
	app.Post(base+"/:id/tasks/:task_id/complete", matched, s.commandAt(kind, "task_id", rest.DecodeCompleteTask, fiber.StatusOK))
	app.Put(base+"/:id/flags/:name", matched, s.commandAt(kind, "name", rest.DecodeSetFlag, fiber.StatusOK))
	app.Delete(base+"/:id/flags/:name", matched, s.clearFlag(kind))
	app.Post(base+"/:id/drafts", matched, s.command(kind, rest.DecodeDraft, fiber.StatusCreated))
	app.Post(base+"/:id/drafts/:draft_id/approve", matched, s.commandAt(kind, "draft_id", rest.DecodeApproveDraft, fiber.StatusOK))
	app.Post(base+"/:id/drafts/:draft_id/discard", matched, s.commandAt(kind, "draft_id", rest.DecodeDiscardDraft, fiber.StatusOK))
	app.Post(base+"/:id/signals", matched, s.command(kind, rest.DecodeSignal, fiber.StatusOK))
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
