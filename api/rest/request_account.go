package rest

import (
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// CreateAccountRequest is the body of POST /api/v1/accounts: either name (with domain, owner,
// autonomy_level) or from_deal_id alone, in which case the account is made from that deal.
type CreateAccountRequest struct {
	Name          string `json:"name" doc:"required unless from_deal_id is set"`
	Domain        string `json:"domain"`
	Owner         string `json:"owner"`
	AutonomyLevel int32  `json:"autonomy_level" doc:"1..5; absent or 0: the configured default"`
	FromDealID    string `json:"from_deal_id" doc:"UUID of a won deal; excludes every other field"`
}

// DecodeCreateAccount decodes a new account; the body is create_account. With from_deal_id,
// the command holds only deals[0].deal_id and the actor layer fills the rest.
func DecodeCreateAccount(body []byte) (*aidapb.Command, error) {
	var r CreateAccountRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	names(&fs, maxShort, named{"name", &r.Name})
	texts(&fs, maxShort, named{"domain", &r.Domain}, named{"owner", &r.Owner})
	uuidField(&fs, "from_deal_id", &r.FromDealID)
	if r.FromDealID != "" {
		for _, f := range []named{{"name", &r.Name}, {"domain", &r.Domain}, {"owner", &r.Owner}} {
			if *f.p != "" {
				fs.Add(f.name, "must not be set with from_deal_id")
			}
		}
		if r.AutonomyLevel != 0 {
			fs.Add("autonomy_level", "must not be set with from_deal_id")
		}
	} else {
		required(&fs, "name", r.Name)
		level(&fs, "autonomy_level", r.AutonomyLevel, true)
	}
	if err := report(fs); err != nil {
		return nil, err
	}
	if r.FromDealID != "" {
		return &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
			Deals: []*aidapb.AccountDeal{{DealId: r.FromDealID}},
		}}}, nil
	}
	return &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
		Name: r.Name, Domain: r.Domain, Owner: r.Owner, AutonomyLevel: r.AutonomyLevel,
	}}}, nil
}

// UpdateAccountRequest is the body of PATCH /api/v1/accounts/:id; absent fields stay unchanged.
type UpdateAccountRequest struct {
	Name      *string `json:"name"`
	Domain    *string `json:"domain"`
	Owner     *string `json:"owner"`
	Lifecycle *string `json:"lifecycle" doc:"onboarding, active, at_risk, churned or expansion_ready"`
}

// DecodeUpdateAccount decodes an account patch; the body is update_account.
func DecodeUpdateAccount(body []byte) (*aidapb.Command, error) {
	var r UpdateAccountRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	names(&fs, maxShort, named{"name", r.Name})
	texts(&fs, maxShort, named{"domain", r.Domain}, named{"owner", r.Owner})
	if r.Name != nil && *r.Name == "" {
		fs.Add("name", "must not be empty")
	}
	oneOf(&fs, "lifecycle", r.Lifecycle, lifecycles)
	if r.Lifecycle != nil && *r.Lifecycle == "" {
		fs.Add("lifecycle", "must not be empty")
	}
	if len(fs) == 0 && noneSet(r.Name, r.Domain, r.Owner, r.Lifecycle) {
		fs.Add("body", "must set at least one field")
	}
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_UpdateAccount{UpdateAccount: &aidapb.UpdateAccount{
		Name: r.Name, Domain: r.Domain, Owner: r.Owner, Lifecycle: r.Lifecycle,
	}}}, nil
}

// OnboardingRequest is the body of POST /api/v1/accounts/:id/onboarding.
type OnboardingRequest struct {
	DealID   string `json:"deal_id" doc:"required: UUID of the won deal the onboarding follows"`
	Template string `json:"template" doc:"standard, enterprise or self_service; default standard. The account's profile may choose another; the view's requested keeps this one"`
	Reason   string `json:"reason"`
}

// DecodeStartOnboarding decodes starting an account's onboarding; the body is
// start_onboarding whose plan holds only deal_id and requested (the template asked for): the
// actor layer fills in the rest of the plan.
func DecodeStartOnboarding(body []byte) (*aidapb.Command, error) {
	var r OnboardingRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	uuidField(&fs, "deal_id", &r.DealID)
	required(&fs, "deal_id", r.DealID)
	oneOf(&fs, "template", &r.Template, onboardingTemplates)
	if r.Template == "" {
		r.Template = "standard"
	}
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_StartOnboarding{StartOnboarding: &aidapb.StartOnboarding{
		Plan: &aidapb.Onboarding{DealId: r.DealID, Requested: r.Template}, Reason: r.Reason,
	}}}, nil
}

// DecodeCompleteMilestone decodes completing the onboarding milestone name (a path
// parameter); the body is complete_milestone. An empty body is allowed.
func DecodeCompleteMilestone(name string, body []byte) (*aidapb.Command, error) {
	return decodeNamed("name", name, body, func(name, reason string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CompleteMilestone{CompleteMilestone: &aidapb.CompleteMilestone{
			Name: name, Reason: reason,
		}}}
	})
}

// DecodeRecomputeHealth decodes a health recomputation; the body is recompute_health. An empty
// body is allowed.
func DecodeRecomputeHealth(body []byte) (*aidapb.Command, error) {
	var fs fault.Fields
	reason, err := decodeReason(body, &fs)
	if err != nil {
		return nil, err
	}
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_RecomputeHealth{RecomputeHealth: &aidapb.RecomputeHealth{Reason: reason}}}, nil
}
