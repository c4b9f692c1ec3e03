package crm

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Capture creates a lead, or returns the lead that already has its email (duplicate true). The
// store's unique index on the normalised email decides: the capture goes straight to a fresh
// actor, and when its append finds the email taken, the lead holding it is the answer. New leads,
// the common case, cost no lookup; concurrent captures of one email make exactly one lead. A lead
// without an autonomy level gets the gateway's default.
//
// Capture has one durable step, so a retry always completes it:
//
//	the process dies                      | the store holds | a retry
//	before the lead's append committed    | nothing         | captures the lead
//	after the append, before the reply    | the lead        | finds the email taken and answers that lead (duplicate)
func (g *Gateway) Capture(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
	if cmd.GetCaptureLead() == nil {
		return nil, false, fault.New(fault.Invalid, "capture needs a capture_lead command")
	}
	cmd = proto.Clone(cmd).(*aidapb.Command)
	c := cmd.GetCaptureLead()
	email, err := lead.NormalizeEmail(c.GetEmail())
	if err != nil {
		return nil, false, err
	}
	c.Email = email
	if c.AutonomyLevel == 0 {
		c.AutonomyLevel = g.defaultAutonomy
	}
	cmd.Fresh = true
	reply, err := g.Send(ctx, lead.Kind, g.newID(), cmd)
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
	id, err := g.FindUnique(ctx, lead.Kind, email)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, fault.New(fault.NotFound, "no lead with email %s", email)
	}
	if err != nil {
		return nil, err
	}
	reply, err := g.Get(ctx, lead.Kind, id)
	if err != nil {
		return nil, err
	}
	return reply.GetLead(), nil
}
