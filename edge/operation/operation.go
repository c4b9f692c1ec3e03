package operation

import (
	"context"
	"strings"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/policies/access"
)

// Entities is the actor layer as the doors see it. Errors are *fault.Error (api/fault) or wrap
// one; persistence's sentinels map to statuses in the doors; anything else is a 500.
type Entities interface {
	// Capture creates a lead (capture_lead) or returns the existing lead with that email.
	Capture(ctx context.Context, cmd *aidapb.Command) (lead *aidapb.Lead, duplicate bool, err error)
	// Create creates a deal (create_deal) or an account (create_account) with a fresh ID.
	Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Send delivers cmd to the entity (kind, id) and returns its reply view.
	Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// Convert turns a qualified lead into a deal; cmd's body is create_deal.
	Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error)
	// StartOnboarding starts an account's onboarding (start_onboarding naming the won deal).
	StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error)
	// List reads a page of snapshots from the store (q.Kind is "lead", "deal" or "account").
	List(ctx context.Context, q persistence.Query) (persistence.Page, error)
	// Aggregate reads the store's tallies of kind: counts and amounts per status and level.
	Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error)
	// Timeline reads the journal of one entity.
	Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
	// Ready reports whether the store is reachable.
	Ready(ctx context.Context) error
}

// Input is one request as a door hands it over.
type Input struct {
	ID        string            // the entity's canonical ID; "" for a create
	Param     string            // the value of the path parameter Operation.Param
	Query     map[string]string // the documented query parameters that were given, trimmed
	Body      []byte            // the JSON body; nil when absent
	Principal access.Principal  // who asks, as the door authenticated them; the journal's actor
	// ScopeOwner, when set, limits the call to entities owned by this name or by nobody
	// (ScopeOf: a rep's own work).
	ScopeOwner string
	RequestID  string
}

// Result is a success: the status, the JSON body and, for a create, the new entity's URL.
type Result struct {
	Status   int
	Body     any
	Location string
}

// Decode turns an input into the command for the entity.
type Decode func(in Input) (*aidapb.Command, error)

// Call runs an operation against the entities; cmd is what Decode made (nil without Decode).
type Call func(ctx context.Context, e Entities, op *Operation, in Input, cmd *aidapb.Command) (Result, error)

// Operation is one row of the table.
type Operation struct {
	Kind   string // lead, deal or account; "" for operations on no entity
	Name   string // the NATS command name; "" when NATS does not serve it
	Method string
	Path   string      // in OpenAPI's form: /api/v1/leads/{id}/tasks/{task_id}/complete
	Param  string      // the path parameter besides {id}, if any: task_id, draft_id, name
	Decode Decode      // nil: the operation takes no command (reads, timelines)
	Call   Call        // nil: the door serves it itself (lists, stats, the stream, operations)
	Status int         // the success status
	Role   access.Role // the least role that may call it (policies/access)
	// Doc is the rest of what the OpenAPI document says of it; Docs fills in method, path,
	// summary and role.
	Summary string
	Doc     rest.Op
}

// Creates reports whether the operation makes a new entity (its NATS subject's id is "new").
func (op *Operation) Creates() bool { return op.Call != nil && !strings.Contains(op.Path, "{id}") }

// Run authorizes the input's principal (Authorize), decodes the input, checks the autonomy
// level it asks for against the principal's role, and runs the call with the principal as the
// journal's actor.
func (op *Operation) Run(ctx context.Context, e Entities, in Input) (Result, error) {
	if op.Call == nil {
		return Result{}, fault.New(fault.Internal, "%s %s has no entity call", op.Method, op.Path)
	}
	if err := Authorize(op, in.Principal); err != nil {
		return Result{}, err
	}
	var cmd *aidapb.Command
	if op.Decode != nil {
		var err error
		if cmd, err = op.Decode(in); err != nil {
			return Result{}, err
		}
		if err := checkLevel(cmd, in.Principal); err != nil {
			return Result{}, err
		}
		cmd.Actor, cmd.RequestId, cmd.ScopeOwner = in.Principal.Actor(), in.RequestID, in.ScopeOwner
		if note := cmd.GetAddNote(); note != nil {
			note.Author = cmd.Actor
		}
	} else if err := inScope(ctx, e, op, in); err != nil {
		return Result{}, err
	}
	return op.Call(ctx, e, op, in, cmd)
}

// Location returns the URL of an entity of kind.
func Location(kind, id string) string { return "/api/v1/" + kind + "s/" + id }

// Docs returns the OpenAPI description of every operation of the table.
func Docs() []rest.Op {
	table := Table()
	docs := make([]rest.Op, len(table))
	for i, op := range table {
		d := op.Doc
		d.Method, d.Path, d.Summary, d.Role = op.Method, op.Path, op.Summary, string(op.Role)
		docs[i] = d
	}
	return docs
}

// OpenAPI returns the OpenAPI 3.1 document of the table.
func OpenAPI() ([]byte, error) { return rest.OpenAPI(Docs()) }

// View turns an actor's reply into its JSON view, or its error.
func View(reply *aidapb.Reply) (any, error) {
	if e := reply.GetError(); e != nil {
		return nil, fault.FromProto(e)
	}
	switch v := reply.GetView().(type) {
	case *aidapb.Reply_Lead:
		return rest.ViewLead(v.Lead), nil
	case *aidapb.Reply_Deal:
		return rest.ViewDeal(v.Deal), nil
	case *aidapb.Reply_Account:
		return rest.ViewAccount(v.Account), nil
	}
	return nil, fault.New(fault.Internal, "the reply holds no view")
}

// viewID returns the ID of the entity in a reply.
func viewID(reply *aidapb.Reply) string {
	switch {
	case reply.GetLead() != nil:
		return reply.GetLead().GetId()
	case reply.GetDeal() != nil:
		return reply.GetDeal().GetId()
	default:
		return reply.GetAccount().GetId()
	}
}
