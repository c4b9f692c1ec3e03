package entity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/cluster"
)

// Requester delivers a message to the actor (kind, id); *cluster.Member is one.
type Requester interface {
	Request(ctx context.Context, kind, id string, msg any) (any, error)
}

// Reader is the part of the store the gateway reads directly.
type Reader interface {
	Load(ctx context.Context, kind, id string) (persistence.Record, error)
	FindUnique(ctx context.Context, kind, key string) (string, error)
	List(ctx context.Context, q persistence.Query) (persistence.Page, error)
	Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error)
	Journal(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
	Ping(ctx context.Context) error
}

// Gateway is the actor layer as the edge sees it: it routes commands to entity actors and
// runs the few flows that span entities (capture with deduplication, convert, account from a
// won deal). Errors are *fault.Error.
type Gateway struct {
	actors          Requester
	store           Reader
	newID           func() string
	clock           func() time.Time
	defaultAutonomy int32
}

// GatewayOption configures NewGateway.
type GatewayOption func(*Gateway)

// WithGatewayClock sets the clock plans are dated by (default time.Now); the entity actors'
// clock (Deps.Clock) should be the same.
func WithGatewayClock(now func() time.Time) GatewayOption {
	return func(g *Gateway) {
		if now != nil {
			g.clock = now
		}
	}
}

// NewGateway returns a gateway over actors and store. New entities get defaultAutonomy (1..5)
// unless the command names a level.
func NewGateway(actors Requester, store Reader, defaultAutonomy int32, opts ...GatewayOption) *Gateway {
	g := &Gateway{actors: actors, store: store, newID: NewID, clock: time.Now, defaultAutonomy: defaultAutonomy}
	for _, opt := range opts {
		opt(g)
	}
	return g
}

// Capture creates a lead, or returns the lead that already has its email (duplicate true). The
// store's unique index on the normalised email decides: the capture goes straight to a fresh
// actor, and when its append finds the email taken, the lead holding it is the answer. New leads,
// the common case, cost no lookup; concurrent captures of one email make exactly one lead.
func (g *Gateway) Capture(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
	c := cmd.GetCaptureLead()
	if c == nil {
		return nil, false, fault.New(fault.Invalid, "capture needs a capture_lead command")
	}
	email, err := lead.NormalizeEmail(c.GetEmail())
	if err != nil {
		return nil, false, err
	}
	c.Email = email
	if c.AutonomyLevel == 0 {
		c.AutonomyLevel = g.defaultAutonomy
	}
	cmd.Fresh = true
	reply, err := g.send(ctx, KindLead, g.newID(), cmd)
	if fault.CodeOf(err) == fault.Duplicate {
		l, err := g.leadByEmail(ctx, email)
		return l, err == nil, err
	}
	if err != nil {
		return nil, false, err
	}
	return reply.GetLead(), false, nil
}

func (g *Gateway) leadByEmail(ctx context.Context, email string) (*aidapb.Lead, error) {
	id, err := g.store.FindUnique(ctx, KindLead, email)
	if err != nil {
		if errors.Is(err, persistence.ErrNotFound) {
			return nil, fault.New(fault.NotFound, "no lead with email %s", email)
		}
		return nil, storeFault(KindLead, email, err)
	}
	reply, err := g.get(ctx, KindLead, id)
	if err != nil {
		return nil, err
	}
	return reply.GetLead(), nil
}

// Create creates a deal (create_deal) or an account (create_account) under a fresh ID. An
// account whose only given deal has just an ID is created from that won deal.
func (g *Gateway) Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	switch kind {
	case KindDeal:
		c := cmd.GetCreateDeal()
		if c == nil {
			return nil, fault.New(fault.Invalid, "creating a deal needs a create_deal command")
		}
		if c.AutonomyLevel == 0 {
			c.AutonomyLevel = g.defaultAutonomy
		}
	case KindAccount:
		c := cmd.GetCreateAccount()
		if c == nil {
			return nil, fault.New(fault.Invalid, "creating an account needs a create_account command")
		}
		if c.AutonomyLevel == 0 {
			c.AutonomyLevel = g.defaultAutonomy
		}
		if len(c.Deals) == 1 && c.Deals[0].GetDealId() != "" && c.Name == "" {
			return g.accountFromDeal(ctx, cmd, c.Deals[0].GetDealId())
		}
		reply, err := g.create(ctx, KindAccount, cmd)
		if fault.CodeOf(err) == fault.Duplicate {
			if id, ferr := g.store.FindUnique(ctx, KindAccount, account.NormalizeCompany(c.GetName())); ferr == nil {
				return nil, fault.New(fault.Duplicate, "an account for %q already exists: %s", c.GetName(), id)
			}
		}
		return reply, err
	default:
		return nil, fault.New(fault.Invalid, "cannot create a %q", kind)
	}
	return g.create(ctx, kind, cmd)
}

func (g *Gateway) create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	cmd.Fresh = true
	return g.send(ctx, kind, g.newID(), cmd)
}

// accountFromDeal creates the account of a won deal's company, or attaches the deal to the
// account the company already has. Asking again for a deal already attached returns its account.
func (g *Gateway) accountFromDeal(ctx context.Context, cmd *aidapb.Command, dealID string) (*aidapb.Reply, error) {
	dr, err := g.get(ctx, KindDeal, dealID)
	if err != nil {
		return nil, err
	}
	d := dr.GetDeal()
	if d.GetAccountId() != "" {
		return g.get(ctx, KindAccount, d.GetAccountId())
	}
	if d.GetStage() != deal.ClosedWon {
		return nil, &fault.Error{Code: fault.Transition,
			Message: fmt.Sprintf("deal %s is %s; an account starts from a won deal (closed_won)", dealID, d.GetStage())}
	}
	if d.GetCompany() == "" {
		return nil, &fault.Error{Code: fault.Invalid, Message: "the deal names no company",
			Fields: []fault.Field{{Name: "from_deal_id", Message: "set the deal's company first"}}}
	}
	ad := &aidapb.AccountDeal{DealId: d.GetId(), Title: d.GetTitle(), Value: d.GetValue(),
		Currency: d.GetCurrency(), Stage: d.GetStage()}
	c := cmd.GetCreateAccount()
	c.Name, c.Deals = d.GetCompany(), []*aidapb.AccountDeal{ad}
	if c.Owner == "" {
		c.Owner = d.GetOwner()
	}
	reply, err := g.create(ctx, KindAccount, cmd)
	if fault.CodeOf(err) == fault.Duplicate {
		id, ferr := g.store.FindUnique(ctx, KindAccount, account.NormalizeCompany(c.Name))
		if ferr != nil {
			return nil, storeFault(KindAccount, c.Name, ferr)
		}
		reply, err = g.send(ctx, KindAccount, id, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
			Body: &aidapb.Command_AttachDeal{AttachDeal: &aidapb.AttachDeal{Deal: ad}}})
	}
	if err != nil {
		return nil, err
	}
	accountID := reply.GetAccount().GetId()
	_, err = g.send(ctx, KindDeal, dealID, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
		Body: &aidapb.Command_UpdateDeal{UpdateDeal: &aidapb.UpdateDeal{AccountId: &accountID}}})
	if err != nil {
		return nil, err
	}
	return reply, nil
}

// Convert turns a qualified lead into a deal. The lead records the deal's ID first, so a
// retry after a crash between the two steps finds it and completes the deal; converting a
// converted lead again returns its deal.
func (g *Gateway) Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error) {
	lr, err := g.get(ctx, KindLead, leadID)
	if err != nil {
		return nil, err
	}
	l := lr.GetLead()
	dealID := l.GetDealId()
	if dealID == "" {
		dealID = g.newID()
		_, err := g.send(ctx, KindLead, leadID, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
			Body: &aidapb.Command_ConvertLead{ConvertLead: &aidapb.ConvertLead{DealId: dealID}}})
		if err != nil {
			return nil, err
		}
	} else if dr, err := g.get(ctx, KindDeal, dealID); err == nil {
		return dr.GetDeal(), nil
	} else if fault.CodeOf(err) != fault.NotFound {
		return nil, err
	}
	c := proto.Clone(cmd.GetCreateDeal()).(*aidapb.CreateDeal)
	if c == nil {
		c = &aidapb.CreateDeal{}
	}
	c.LeadId, c.Company, c.ContactEmail = leadID, l.GetCompany(), l.GetEmail()
	if c.Owner == "" {
		c.Owner = l.GetOwner()
	}
	if c.Title == "" {
		c.Title = deal.DefaultTitle(l.GetCompany(), l.GetSource())
	}
	if c.AutonomyLevel == 0 {
		c.AutonomyLevel = l.GetAutonomyLevel()
	}
	reply, err := g.send(ctx, KindDeal, dealID, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
		Body: &aidapb.Command_CreateDeal{CreateDeal: c}})
	if err != nil {
		return nil, err
	}
	return reply.GetDeal(), nil
}

// StartOnboarding starts the onboarding plan of account accountID from the won deal that cmd's
// start_onboarding names (plan.deal_id; plan.requested is the template asked for, standard when
// empty). The plan follows the deal's value and, when the deal came from a lead, the lead's
// company and source (account.Plan). Starting again from the same deal changes nothing.
func (g *Gateway) StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	so := cmd.GetStartOnboarding()
	if so == nil {
		return nil, fault.New(fault.Invalid, "starting an onboarding needs a start_onboarding command")
	}
	dealID := so.GetPlan().GetDealId()
	if dealID == "" {
		return nil, &fault.Error{Code: fault.Invalid, Message: "the onboarding names no deal",
			Fields: []fault.Field{{Name: "deal_id", Message: "is required: the won deal the onboarding starts from"}}}
	}
	dr, err := g.get(ctx, KindDeal, dealID)
	if err != nil {
		return nil, err
	}
	d := dr.GetDeal()
	if d.GetStage() != deal.ClosedWon {
		return nil, fault.New(fault.Transition, "deal %s is %s; onboarding starts from a won deal (closed_won)", dealID, d.GetStage())
	}
	if d.GetAccountId() != "" && d.GetAccountId() != accountID {
		return nil, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("deal %s belongs to account %s", dealID, d.GetAccountId()),
			Fields: []fault.Field{{Name: "deal_id", Message: "name a deal of this account"}}}
	}
	p := account.Profile{DealID: dealID, DealValue: d.GetValue()}
	if d.GetLeadId() != "" {
		if lr, err := g.get(ctx, KindLead, d.GetLeadId()); err == nil {
			p.HasLead, p.Company, p.Source = true, lr.GetLead().GetCompany(), lr.GetLead().GetSource()
		} else if fault.CodeOf(err) != fault.NotFound {
			return nil, err
		}
	}
	plan, err := account.Plan(p, so.GetPlan().GetRequested(), g.clock())
	if err != nil {
		return nil, err
	}
	so.Plan = plan
	return g.send(ctx, KindAccount, accountID, cmd)
}

// Send delivers cmd to the entity (kind, id) and returns its reply.
func (g *Gateway) Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	return g.send(ctx, kind, id, cmd)
}

func (g *Gateway) get(ctx context.Context, kind, id string) (*aidapb.Reply, error) {
	return g.send(ctx, kind, id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
}

func (g *Gateway) send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	cmd.Id = id
	if dl, ok := ctx.Deadline(); ok {
		cmd.Deadline = timestamppb.New(dl)
	}
	res, err := g.actors.Request(ctx, kind, id, cmd)
	switch {
	case errors.Is(err, cluster.ErrTimeout), errors.Is(err, cluster.ErrStopped):
		return nil, fault.Wrap(fault.Unavailable, err, "the %s actor did not answer in time; retry", kind)
	case errors.Is(err, cluster.ErrUnknownKind):
		return nil, fault.Wrap(fault.NotFound, err, "no entity kind %q", kind)
	case err != nil:
		return nil, fault.Wrap(fault.Internal, err, "request %s %s", kind, id)
	}
	reply, ok := res.(*aidapb.Reply)
	if !ok {
		return nil, fault.New(fault.Internal, "the %s actor answered %T", kind, res)
	}
	if reply.GetError() != nil {
		return nil, fault.FromProto(reply.GetError())
	}
	return reply, nil
}

// List reads a page of snapshots from the store.
func (g *Gateway) List(ctx context.Context, q persistence.Query) (persistence.Page, error) {
	p, err := g.store.List(ctx, q)
	if errors.Is(err, persistence.ErrBadCursor) {
		return p, &fault.Error{Code: fault.Invalid, Message: "the cursor is not one this server gave out",
			Fields: []fault.Field{{Name: "cursor", Message: "use next_cursor from a previous page, or omit it"}}, Err: err}
	}
	if err != nil {
		return p, storeFault(q.Kind, "list", err)
	}
	return p, nil
}

// Aggregate reads the store's tallies of kind: counts and amounts per status and autonomy level.
func (g *Gateway) Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error) {
	ts, err := g.store.Aggregate(ctx, kind)
	if err != nil {
		return nil, storeFault(kind, "aggregate", err)
	}
	return ts, nil
}

// Timeline reads the journal of (kind, id); an entity with no journal is not found.
func (g *Gateway) Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
	es, err := g.store.Journal(ctx, kind, id, after, limit)
	if err != nil {
		return nil, storeFault(kind, id, err)
	}
	if len(es) == 0 && after == 0 {
		return nil, fault.New(fault.NotFound, "no %s with id %s", kind, id)
	}
	return es, nil
}

// Ready reports whether the store answers.
func (g *Gateway) Ready(ctx context.Context) error {
	if err := g.store.Ping(ctx); err != nil {
		return fault.Wrap(fault.Unavailable, err, "the store does not answer")
	}
	return nil
}

// Fire delivers a due reminder to its entity's actor (activating it if it is passivated). stale
// is true when the entity no longer has that reminder (it was replaced, cancelled or already
// fired): nothing was applied, and the reminder may be deleted.
func (g *Gateway) Fire(ctx context.Context, r persistence.Reminder) (stale bool, err error) {
	fr := &aidapb.FireReminder{Name: r.Name, Token: r.Token, DueAt: timestamppb.New(r.DueAt)}
	if len(r.Payload) > 0 {
		fr.Payload = &structpb.Struct{}
		if err := protojson.Unmarshal(r.Payload, fr.Payload); err != nil {
			return false, fault.Wrap(fault.Internal, err, "decode reminder %s of %s %s", r.Name, r.Kind, r.ID)
		}
	}
	reply, err := g.send(ctx, r.Kind, r.ID, &aidapb.Command{Actor: "reminder:" + r.Name,
		Body: &aidapb.Command_FireReminder{FireReminder: fr}})
	if err != nil {
		return false, err
	}
	return reply.GetStale(), nil
}
