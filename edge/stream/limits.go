package stream

import (
	"fmt"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/problemjson"
)

// Default connection limits of WithConnectionLimits.
const (
	DefaultMaxConnections     = 1000 // open websockets on one server
	DefaultMaxPerPrincipal    = 20   // open websockets of one principal (a browser opens one per tab)
	localConnectionsPrincipal = "aida.stream.who"
)

// connLimits counts the open connections, in total and per principal.
type connLimits struct {
	total, perWho int
	who           func(*fiber.Ctx) string

	mu   sync.Mutex
	open int
	by   map[string]int
}

// WithConnectionLimits bounds the open connections: total on this server and perPrincipal for
// one principal, which who names from the upgrade request (the authenticated principal). An
// upgrade over a limit gets 429 with a problem+json body and Retry-After. Zero or less takes
// the default.
func WithConnectionLimits(total, perPrincipal int, who func(*fiber.Ctx) string) HandlerOption {
	if total <= 0 {
		total = DefaultMaxConnections
	}
	if perPrincipal <= 0 {
		perPrincipal = DefaultMaxPerPrincipal
	}
	return func(o *handlerOptions) {
		o.limits = &connLimits{total: total, perWho: perPrincipal, who: who, by: map[string]int{}}
	}
}

// acquire counts one more connection of who, unless a limit is reached; it says which.
func (l *connLimits) acquire(who string) (ok bool, why string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.open >= l.total:
		return false, fmt.Sprintf("the server holds its most live connections (%d); retry later", l.total)
	case l.by[who] >= l.perWho:
		return false, fmt.Sprintf("you hold %d live connections already, the most one principal may; close a tab", l.perWho)
	}
	l.open++
	l.by[who]++
	return true, ""
}

// release counts one connection of who less.
func (l *connLimits) release(who string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.by[who]--; l.by[who] <= 0 {
		delete(l.by, who)
	}
}

// Counts returns the open connections, in total and of who (for tests and metrics).
func (l *connLimits) counts(who string) (int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, l.by[who]
}

// tooMany answers an upgrade over a connection limit.
func tooMany(c *fiber.Ctx, why string) error {
	c.Set(fiber.HeaderRetryAfter, "5")
	return problemjson.Write(c, rest.Problem{Type: "/problems/too-many-connections", Title: "Too many live connections",
		Status: fiber.StatusTooManyRequests, Detail: why})
}
