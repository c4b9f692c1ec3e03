package crm

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// StartOnboarding starts the onboarding plan of account accountID from the won deal that cmd's
// start_onboarding names (plan.deal_id; plan.requested is the template asked for, standard when
// empty). The plan follows the deal's value and, when the deal came from a lead, the lead's
// company and source (account.Plan), dated by the gateway's clock. It reads the deal and the
// lead, then sends the plan to the account in a copy of cmd. Starting again from the same deal
// changes nothing, so a retry completes it:
//
//	the process dies                      | the store holds      | a retry
//	before the account's append committed | the account, no plan | starts the plan
//	after the append, before the reply    | the started plan     | changes nothing and returns the account
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
	dr, err := g.Get(ctx, deal.Kind, dealID)
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
		if lr, err := g.Get(ctx, lead.Kind, d.GetLeadId()); err == nil {
			p.HasLead, p.Company, p.Source = true, lr.GetLead().GetCompany(), lr.GetLead().GetSource()
		} else if fault.CodeOf(err) != fault.NotFound {
			return nil, err
		}
	}
	plan, err := account.Plan(p, so.GetPlan().GetRequested(), g.clock())
	if err != nil {
		return nil, err
	}
	cmd = proto.Clone(cmd).(*aidapb.Command)
	cmd.GetStartOnboarding().Plan = plan
	return g.Send(ctx, account.Kind, accountID, cmd)
}
