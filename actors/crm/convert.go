package crm

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Convert turns a qualified lead into a deal and returns the deal. cmd may carry a create_deal
// with the deal's fields. The deal always takes the lead's ID, company and email; its owner,
// title (DefaultTitle of the lead's company and source) and autonomy level come from the lead
// where cmd leaves them empty. Its probability is the reference's for a converted lead
// (deal.ConvertedProbability of lead.DealSignals), recorded as a second event.
//
// The lead records the deal's ID first (convert_lead), then the deal is created under that ID.
// Converting a converted lead again returns its deal, so a retry completes a convert the process
// left half done:
//
//	the process dies                      | the store holds                  | a retry
//	before the lead's append committed    | the lead, not converted          | converts it under a new deal ID
//	after the lead's append               | the converted lead with deal_id  | finds no deal at deal_id and creates it there
//	after the deal's append               | the lead and its deal            | finds the deal and returns it
func (g *Gateway) Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error) {
	lr, err := g.Get(ctx, lead.Kind, leadID)
	if err != nil {
		return nil, err
	}
	l := lr.GetLead()
	dealID := l.GetDealId()
	if dealID == "" {
		dealID = g.newID()
		_, err := g.Send(ctx, lead.Kind, leadID, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
			Body: &aidapb.Command_ConvertLead{ConvertLead: &aidapb.ConvertLead{DealId: dealID}}})
		if err != nil {
			return nil, err
		}
	} else if dr, err := g.Get(ctx, deal.Kind, dealID); err == nil {
		return g.convertedProbability(ctx, dr.GetDeal(), l, cmd)
	} else if fault.CodeOf(err) != fault.NotFound {
		return nil, err
	}
	c := &aidapb.CreateDeal{}
	if cmd.GetCreateDeal() != nil {
		c = proto.Clone(cmd.GetCreateDeal()).(*aidapb.CreateDeal)
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
	reply, err := g.Send(ctx, deal.Kind, dealID, &aidapb.Command{Actor: cmd.GetActor(), RequestId: cmd.GetRequestId(),
		Body: &aidapb.Command_CreateDeal{CreateDeal: c}})
	if err != nil {
		return nil, err
	}
	return g.convertedProbability(ctx, reply.GetDeal(), l, cmd)
}

// convertedProbability gives deal d, just converted from lead l, the reference's probability
// (deal.ConvertedProbability of lead.DealSignals) in place of its stage's, as an update by
// cmd's actor. Only a deal untouched since its creation (version 1) gets it, so a retry
// completes it and a probability someone set since is kept.
func (g *Gateway) convertedProbability(ctx context.Context, d *aidapb.Deal, l *aidapb.Lead, cmd *aidapb.Command) (*aidapb.Deal, error) {
	intent, urgency, fit := lead.DealSignals(l)
	p := deal.ConvertedProbability(deal.Signals{Intent: intent, Urgency: urgency, Fit: fit})
	if d.GetVersion() != 1 || d.GetProbability() == p {
		return d, nil
	}
	reply, err := g.Send(ctx, deal.Kind, d.GetId(), &aidapb.Command{Actor: cmd.GetActor(),
		Body: &aidapb.Command_UpdateDeal{UpdateDeal: &aidapb.UpdateDeal{Probability: &p}}})
	if err != nil {
		return nil, err
	}
	return reply.GetDeal(), nil
}
