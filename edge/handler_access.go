package edge

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/policies/access"
)

// The routes of /api/v1/session (browser sign-in) and /api/v1/keys (API keys, for admins).

// Sign-in attempts per client address: one a second, five at once, whatever AIDA_ANON_RATE_LIMIT
// says, so that keys cannot be guessed through the sign-in form.
const (
	signInRate  = 1
	signInBurst = 5
)

// noKeys answers when the server has no Keys: nothing can sign in or make keys.
func noKeys() error {
	return fault.New(fault.Unavailable, "this server keeps no API keys; configure its store")
}

// signIn trades an API key for a session cookie.
func (s *Server) signIn(c *fiber.Ctx) error {
	if s.deps.Keys == nil {
		return noKeys()
	}
	if d := s.signins.Allow("signin:"+c.IP(), signInRate, signInBurst); !d.Allowed {
		wait := max(int(d.RetryAfter.Seconds()+0.999), 1)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(wait))
		p := problem(fiber.StatusTooManyRequests, "rate-limited", "Too many requests",
			fmt.Sprintf("too many sign-in attempts from this address; try again in %d s", wait))
		p.Instance, p.RequestID = c.Path(), requestID(c)
		return writeProblem(c, p)
	}
	req, err := rest.DecodeSessionRequest(c.Body())
	if err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	value, p, expires, err := s.deps.Keys.NewSession(ctx, req.APIKey, s.cfg.SessionTTL)
	if err != nil {
		if errors.Is(err, access.ErrMalformed) || errors.Is(err, access.ErrInvalidKey) {
			c.Set(headerWWWAuth, wwwAuthBearer)
			return fault.Wrap(fault.Unauthenticated, err, "this API key is not valid (unknown, revoked or mistyped)")
		}
		return operation.AuthFault(err)
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: value, Path: "/", Expires: expires, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https"})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sessionView(p, expires))
}

// whoAmI says who the request acts for.
func (s *Server) whoAmI(c *fiber.Ctx) error {
	expires, _ := c.Locals(localExpires).(time.Time) // read once, when the cookie was checked
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sessionView(principal(c), expires))
}

// signOut drops the session cookie.
func (s *Server) signOut(c *fiber.Ctx) error {
	s.clearSession(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// clearSession tells the browser to forget its session cookie.
func (s *Server) clearSession(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https"})
}

// sessionView is the JSON of a principal; expires is zero for bearer credentials.
func sessionView(p access.Principal, expires time.Time) rest.Session {
	v := rest.Session{Kind: p.Kind, Name: p.Name, Role: string(p.Role), Actor: p.Actor()}
	if v.Kind == "" {
		v.Kind = access.KindKey
	}
	if !expires.IsZero() {
		v.ExpiresAt = &expires
	}
	return v
}

// createKey makes an API key and answers it, with its secret, once.
func (s *Server) createKey(c *fiber.Ctx) error {
	if s.deps.Keys == nil {
		return noKeys()
	}
	req, err := rest.DecodeKeyRequest(c.Body())
	if err != nil {
		return err
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	k, token, err := s.deps.Keys.Create(ctx, req.Name, access.Role(req.Role), req.RateLimit)
	if errors.Is(err, access.ErrBadRole) || errors.Is(err, access.ErrBadKeySpec) {
		var fs fault.Fields
		field := "name"
		switch {
		case errors.Is(err, access.ErrBadRole):
			field = "role"
		case req.RateLimit < 0 || req.RateLimit > access.MaxRateLimit:
			field = "rate_limit"
		}
		fs.Add(field, "%v", err)
		return fs.Err()
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "api key created", "request_id", requestID(c), "key_id", k.ID, "name", k.Name,
		"role", string(k.Role), "by", principal(c).Actor())
	c.Set(fiber.HeaderLocation, "/api/v1/keys/"+k.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(rest.NewKey{Key: keyView(k), Secret: token})
}

// listKeys lists the keys without their secrets.
func (s *Server) listKeys(c *fiber.Ctx) error {
	if s.deps.Keys == nil {
		return noKeys()
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	keys, err := s.deps.Keys.List(ctx)
	if err != nil {
		return err
	}
	out := rest.KeyList{Items: make([]rest.Key, len(keys))}
	for i, k := range keys {
		out.Items[i] = keyView(k)
	}
	return c.JSON(out)
}

// revokeKey revokes a key; it stops working at once.
func (s *Server) revokeKey(c *fiber.Ctx) error {
	if s.deps.Keys == nil {
		return noKeys()
	}
	ctx, cancel := s.requestContext(c)
	defer cancel()
	k, err := s.deps.Keys.Revoke(ctx, pathParam(c, "key_id"))
	if errors.Is(err, persistence.ErrNotFound) {
		return fault.New(fault.NotFound, "no API key with this id; `GET /api/v1/keys` lists them")
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "api key revoked", "request_id", requestID(c), "key_id", k.ID, "name", k.Name,
		"by", principal(c).Actor())
	return c.JSON(keyView(k))
}

// keyView is the JSON of a key.
func keyView(k access.Key) rest.Key {
	v := rest.Key{ID: k.ID, Name: k.Name, Role: string(k.Role), RateLimit: k.RateLimit, CreatedAt: k.CreatedAt}
	if !k.RevokedAt.IsZero() {
		v.RevokedAt = &k.RevokedAt
	}
	if !k.LastUsedAt.IsZero() {
		v.LastUsedAt = &k.LastUsedAt
	}
	return v
}
