package edge

import (
	"context"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence"
)

// Entities is what the edge needs from the actor layer. Errors are *fault.Error (api/fault) or wrap one;
// anything else is a 500 (log it with the request id, never leak it).
type Entities interface {
	// Capture creates a lead from cmd (body capture_lead) or returns the existing lead with that email (duplicate true).
	Capture(ctx context.Context, cmd *aidapb.Command) (lead *aidapb.Lead, duplicate bool, err error)
	// Create creates a deal (create_deal) or an account (create_account) with a fresh ID.
	Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Send delivers cmd to the entity (kind, id) and returns its reply view (get, update, status, autonomy, note…).
	Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Convert turns a qualified lead into a deal; cmd's body is create_deal with optional title/value/close date/owner.
	Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error)
	// StartOnboarding starts the onboarding of the account accountID; cmd's body is
	// start_onboarding whose plan holds only deal_id and requested (the template asked for): the
	// gateway fills in the rest of the plan and returns the account's reply.
	StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// List reads a page of snapshots from the store (q.Kind is "lead", "deal" or "account").
	List(ctx context.Context, q persistence.Query) (persistence.Page, error)
	// Aggregate reads the store's tallies of kind: counts and amounts per (status, autonomy level).
	Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error)
	// Timeline reads the journal of one entity.
	Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
	// Ready reports whether the store is reachable.
	Ready(ctx context.Context) error
}
