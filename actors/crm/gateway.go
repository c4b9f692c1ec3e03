package crm

import (
	"time"

	"github.com/aidacrm/aida/actors/entity"
)

// Gateway is the actor layer as the edge sees it: the shell's routing and reads (Send, Get,
// List, Aggregate, Timeline, Ready, Fire, from *entity.Gateway) and the flows that span
// entities (Capture, Create, Convert, StartOnboarding). Errors are *fault.Error.
type Gateway struct {
	*entity.Gateway
	newID           func() string
	clock           func() time.Time
	defaultAutonomy int32
}

// Option configures NewGateway.
type Option func(*Gateway)

// WithClock sets the clock onboarding plans are dated by (default time.Now); the entity actors'
// clock (entity.Deps.Clock) should be the same.
func WithClock(now func() time.Time) Option {
	return func(g *Gateway) {
		if now != nil {
			g.clock = now
		}
	}
}

// NewGateway returns a gateway over actors and store. New entities get defaultAutonomy (1..5)
// unless the command names a level.
func NewGateway(actors entity.Requester, store entity.Reader, defaultAutonomy int32, opts ...Option) *Gateway {
	g := &Gateway{Gateway: entity.NewGateway(actors, store), newID: entity.NewID, clock: time.Now,
		defaultAutonomy: defaultAutonomy}
	for _, opt := range opts {
		opt(g)
	}
	return g
}
