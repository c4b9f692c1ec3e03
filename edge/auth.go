package edge

import (
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"

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
)

// guard authenticates the request for op and authorizes it from the table. /readyz and
// /metrics are also open to loopback clients and to the metrics token.
func (s *Server) guard(op operation.Operation) fiber.Handler {
	probe := op.Doc.ID == "readyz" || op.Doc.ID == "metrics"
	return func(c *fiber.Ctx) error {
		if op.Role == access.Public {
			return c.Next()
		}
		if probe && (loopbackPeer(c) || s.metricsToken(c)) {
			return c.Next()
		}
		p, viaCookie, err := s.authenticate(c)
		if err == nil {
			err = operation.Authorize(&op, p)
		}
		if err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) && fe.Code == fault.Unauthenticated {
				c.Set(headerWWWAuth, wwwAuthBearer)
			}
			return err
		}
		if viaCookie && op.Method != fiber.MethodGet && !s.sameOrigin(c) {
			return fault.New(fault.Forbidden, "a signed-in browser may change things only from this server's own pages "+
				"(the request's Origin is not this server's); an API client sends Authorization: Bearer <key> instead")
		}
		c.Locals(localPrincipal, p)
		c.Locals(localViaCookie, viaCookie)
		return c.Next()
	}
}

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
	p, _, err = s.deps.Keys.Session(ctx, value)
	if err != nil {
		if errors.Is(err, access.ErrInvalidSession) {
			s.clearSession(c)
			return p, true, fault.Wrap(fault.Unauthenticated, err, "your session has ended (expired, signed out or its key revoked); sign in again")
		}
		return p, true, operation.AuthFault(err)
	}
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
