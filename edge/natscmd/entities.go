package natscmd

import (
	"context"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence"
)

// Entities is what the server needs from the actor layer: the methods of edge.Entities that
// carry commands. Errors are *fault.Error or wrap one; persistence's sentinels map like in
// REST; anything else is a 500.
type Entities interface {
	// Capture creates a lead (capture_lead) or returns the existing lead with that email.
	Capture(ctx context.Context, cmd *aidapb.Command) (lead *aidapb.Lead, duplicate bool, err error)
	// Create creates a deal (create_deal) or an account (create_account) with a fresh ID.
	Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Send delivers cmd to the entity (kind, id) and returns its reply view.
	Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Convert turns a qualified lead into a deal.
	Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error)
	// StartOnboarding starts an account's onboarding (start_onboarding); the gateway fills in
	// the plan.
	StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Timeline reads the journal of one entity.
	Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
}
