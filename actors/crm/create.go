package crm

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Create creates a deal (create_deal) or an account (create_account) under a fresh ID; one
// without an autonomy level gets the gateway's default. An account whose only given deal has
// just an ID is created from that won deal (accountFromDeal).
//
// A create is one durable step. Accounts are unique by company, so a retry after a lost reply
// answers Duplicate and names the account; deals have no natural key, so a retry after a lost
// reply creates a second deal:
//
//	the process dies                      | the store holds | a retry
//	before the append committed           | nothing         | creates the entity
//	after the append, before the reply    | the entity      | account: Duplicate naming it; deal: a second deal
func (g *Gateway) Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	switch kind {
	case deal.Kind:
		if cmd.GetCreateDeal() == nil {
			return nil, fault.New(fault.Invalid, "creating a deal needs a create_deal command")
		}
		cmd = proto.Clone(cmd).(*aidapb.Command)
		if c := cmd.GetCreateDeal(); c.AutonomyLevel == 0 {
			c.AutonomyLevel = g.defaultAutonomy
		}
		return g.create(ctx, deal.Kind, cmd)
	case account.Kind:
		if cmd.GetCreateAccount() == nil {
			return nil, fault.New(fault.Invalid, "creating an account needs a create_account command")
		}
		cmd = proto.Clone(cmd).(*aidapb.Command)
		c := cmd.GetCreateAccount()
		if c.AutonomyLevel == 0 {
			c.AutonomyLevel = g.defaultAutonomy
		}
		if len(c.Deals) == 1 && c.Deals[0].GetDealId() != "" && c.Name == "" {
			return g.accountFromDeal(ctx, cmd, c.Deals[0].GetDealId())
		}
		reply, err := g.create(ctx, account.Kind, cmd)
		if fault.CodeOf(err) == fault.Duplicate {
			if id, ferr := g.FindUnique(ctx, account.Kind, account.NormalizeCompany(c.GetName())); ferr == nil {
				return nil, fault.New(fault.Duplicate, "an account for %q already exists: %s", c.GetName(), id)
			}
		}
		return reply, err
	}
	return nil, fault.New(fault.Invalid, "cannot create a %q", kind)
}

// create sends cmd, which the caller owns, to a fresh actor of kind.
func (g *Gateway) create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	cmd.Fresh = true
	return g.Send(ctx, kind, g.newID(), cmd)
}

// accountFromDeal creates the account of a won deal's company, or attaches the deal to the
// account the company already has, then records the account on the deal. cmd is the caller's
// create_account, copied: the account takes the deal's company as its name, the deal as its only
// deal, and the deal's owner unless cmd names one. Asking again for a deal already attached
// returns its account:
//
//	the process dies                      | the store holds                       | a retry
//	before the account's append committed | the won deal                          | creates the account (or attaches the deal)
//	after the account's append            | the account with the deal; the deal   | finds the company's account (Duplicate),
//	                                      | without account_id                    | attaches the deal again (no change), records it on the deal
//	after the deal's append               | both, linked                          | finds account_id on the deal and returns that account
func (g *Gateway) accountFromDeal(ctx context.Context, cmd *aidapb.Command, dealID string) (*aidapb.Reply, error) {
	dr, err := g.Get(ctx, deal.Kind, dealID)
	if err != nil {
		return nil, err
	}
	d := dr.GetDeal()
	if d.GetAccountId() != "" {
		return g.Get(ctx, account.Kind, d.GetAccountId())
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
	reply, err := g.create(ctx, account.Kind, cmd)
	if fault.CodeOf(err) == fault.Duplicate {
		id, ferr := g.FindUnique(ctx, account.Kind, account.NormalizeCompany(c.Name))
		if ferr != nil {
			return nil, ferr
		}
		reply, err = g.Send(ctx, account.Kind, id, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
			Body: &aidapb.Command_AttachDeal{AttachDeal: &aidapb.AttachDeal{Deal: ad}}})
	}
	if err != nil {
		return nil, err
	}
	accountID := reply.GetAccount().GetId()
	_, err = g.Send(ctx, deal.Kind, dealID, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
		Body: &aidapb.Command_UpdateDeal{UpdateDeal: &aidapb.UpdateDeal{AccountId: &accountID}}})
	if err != nil {
		return nil, err
	}
	return reply, nil
}
