package edge

import (
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/policies/access"
)

// Who may call what (docs/security.md): every route but the public ones needs a principal,
// from an Authorization header (an API key, AIDA_ADMIN_KEY or, with OIDC, an identity
// provider's token) or from the browser session cookie; its role must allow the route's
// (operation.Authorize). A write authenticated by the cookie must come from a page of this
// server (its Origin), since the browser sends the cookie with any site's request.

const (
	sessionCookie  = "aida_session"
	headerWWWAuth  = "WWW-Authenticate"
	wwwAuthBearer  = `Bearer realm="aida"`
	localViaCookie = "aida.via_cookie"
	localAuthErr   = "aida.auth_error"
	localOpen      = "aida.open"
	localExpires   = "aida.session_expires" // when the request's session ends; unset for bearer credentials
)

// identify authenticates the request for op and keeps who it is (or why not) for the rate
// limit and authorize, which follow it on every route. Public routes need nobody; /readyz and
// /metrics are also open to loopback clients and to the metrics token.
func (s *Server) identify(op operation.Operation) fiber.Handler {
	probe := op.Doc.ID == "readyz" || op.Doc.ID == "metrics"
	return func(c *fiber.Ctx) error {
		if op.Role == access.Public || (probe && (loopbackPeer(c) || s.metricsToken(c))) {
			c.Locals(localOpen, true)
			return c.Next()
		}
		p, viaCookie, err := s.authenticate(c)
		if err != nil {
			c.Locals(localAuthErr, err)
			return c.Next()
		}
		c.Locals(localPrincipal, p)
		c.Locals(localViaCookie, viaCookie)
		return c.Next()
	}
}

// authorize refuses what identify found wanting: credentials that failed (401), none for a
// route that needs them (401), a role below the route's (403), or a cookie-authenticated write
// from a page of another origin (403).
func (s *Server) authorize(op operation.Operation) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if open, _ := c.Locals(localOpen).(bool); open {
			return c.Next()
		}
		err, _ := c.Locals(localAuthErr).(error)
		if err == nil {
			err = operation.Authorize(&op, principal(c))
		}
		if err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) && fe.Code == fault.Unauthenticated {
				c.Set(headerWWWAuth, wwwAuthBearer)
			}
			return err
		}
		if via, _ := c.Locals(localViaCookie).(bool); via && op.Method != fiber.MethodGet && !s.sameOrigin(c) {
			return fault.New(fault.Forbidden, "a signed-in browser may change things only from this server's own pages "+
				"(the request's Origin is not this server's); an API client sends Authorization: Bearer <key> instead")
		}
		return c.Next()
	}
}

// ratePick names the bucket a request draws from: its key's (the key's own rate_limit, else
// AIDA_RATE_LIMIT) when it has a principal, else its client address's (AIDA_ANON_RATE_LIMIT),
// failed credentials included. /healthz is never limited.
func (s *Server) ratePick(c *fiber.Ctx) (string, float64, int, bool) {
	if c.Path() == pathHealthz {
		return "", 0, 0, false
	}
	if p := principal(c); p.Valid() {
		rate := p.RateLimit
		if rate == 0 {
			rate = s.cfg.RateLimit
		}
		burst := s.cfg.RateBurst
		if burst == 0 {
			burst = max(2*rate, 1)
		}
		return "p:" + p.Actor() + ":" + p.KeyID, float64(rate), burst, rate > 0
	}
	return "ip:" + c.IP(), float64(s.cfg.AnonRateLimit), anonBurst, s.cfg.AnonRateLimit > 0
}

// anonBurst lets a browser load the sign-in page and its assets at once.
const anonBurst = 20

// authenticate returns the request's principal: from Authorization when it is there, else from
// the session cookie; the zero Principal when neither is. viaCookie tells which.
func (s *Server) authenticate(c *fiber.Ctx) (p access.Principal, viaCookie bool, err error) {
	ctx, cancel := s.requestContext(c)
	defer cancel()
	if header := c.Get(fiber.HeaderAuthorization); header != "" {
		p, err = operation.Authenticate(ctx, s.deps.Auth, header)
		return p, false, err
	}
	value := c.Cookies(sessionCookie)
	if value == "" || s.deps.Keys == nil {
		return access.Principal{}, false, nil
	}
	var expires time.Time
	p, expires, err = s.deps.Keys.Session(ctx, value)
	if err != nil {
		if errors.Is(err, access.ErrInvalidSession) {
			s.clearSession(c)
			return p, true, fault.Wrap(fault.Unauthenticated, err, "your session has ended (expired, signed out or its key revoked); sign in again")
		}
		return p, true, operation.AuthFault(err)
	}
	c.Locals(localExpires, expires)
	return p, true, nil
}

// metricsToken reports whether the request presents AIDA_METRICS_TOKEN as its bearer token.
func (s *Server) metricsToken(c *fiber.Ctx) bool {
	if s.cfg.MetricsToken == "" {
		return false
	}
	cred, err := access.Bearer(c.Get(fiber.HeaderAuthorization))
	return err == nil && subtle.ConstantTimeCompare([]byte(cred), []byte(s.cfg.MetricsToken)) == 1
}

// loopbackPeer reports whether the client connected from a loopback address. A reverse proxy
// on the same machine is loopback too: put /readyz and /metrics behind the token there.
func loopbackPeer(c *fiber.Ctx) bool {
	ip := c.Context().RemoteIP()
	return ip != nil && ip.IsLoopback()
}

// sameOrigin reports whether the request's Origin is this server (its Host) or one of the
// configured CORS origins. Browsers send Origin with every write; a write without it is not
// from a page of this server.
func (s *Server) sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || origin == "null" {
		return false
	}
	if s.originAllowed(origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, string(c.Request().Header.Host()))
}

// idempotencyScope is whose Idempotency-Keys a request's belong to: its principal's; "" (no
// replay) without one.
func idempotencyScope(c *fiber.Ctx) string {
	if p := principal(c); p.Valid() {
		return p.Actor() + ":" + p.KeyID
	}
	return ""
}
