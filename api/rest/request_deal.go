package rest

import (
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// CreateDealRequest is the body of POST /api/v1/deals.
type CreateDealRequest struct {
	Title             string `json:"title" doc:"required"`
	LeadID            string `json:"lead_id" doc:"UUID of the lead the deal comes from"`
	Company           string `json:"company"`
	ContactEmail      string `json:"contact_email"`
	Stage             string `json:"stage" doc:"default prospect"`
	Value             Money  `json:"value"`
	Currency          string `json:"currency" doc:"ISO 4217; default USD"`
	ExpectedCloseDate string `json:"expected_close_date" doc:"YYYY-MM-DD"`
	Owner             string `json:"owner"`
	AutonomyLevel     int32  `json:"autonomy_level" doc:"1..5; absent or 0: the configured default"`
	Description       string `json:"description"`
}

// DecodeCreateDeal decodes and validates a new deal; the body is create_deal.
func DecodeCreateDeal(body []byte) (*aidapb.Command, error) {
	var r CreateDealRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	names(&fs, maxShort, named{"title", &r.Title}, named{"company", &r.Company})
	required(&fs, "title", r.Title)
	uuidField(&fs, "lead_id", &r.LeadID)
	texts(&fs, maxShort, named{"owner", &r.Owner})
	email(&fs, "contact_email", &r.ContactEmail)
	oneOf(&fs, "stage", &r.Stage, dealStages)
	currency(&fs, "currency", &r.Currency)
	date(&fs, "expected_close_date", &r.ExpectedCloseDate)
	level(&fs, "autonomy_level", r.AutonomyLevel, true)
	text(&fs, "description", &r.Description, maxText)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{
		Title: r.Title, LeadId: r.LeadID, Company: r.Company, ContactEmail: r.ContactEmail,
		Stage: r.Stage, Value: string(r.Value), Currency: r.Currency,
		ExpectedCloseDate: r.ExpectedCloseDate, Owner: r.Owner, AutonomyLevel: r.AutonomyLevel,
		Description: r.Description,
	}}}, nil
}

// UpdateDealRequest is the body of PATCH /api/v1/deals/:id; absent fields stay unchanged.
type UpdateDealRequest struct {
	Title             *string `json:"title"`
	Value             *Money  `json:"value"`
	Currency          *string `json:"currency"`
	ExpectedCloseDate *string `json:"expected_close_date" doc:"YYYY-MM-DD"`
	Owner             *string `json:"owner"`
	Probability       *int32  `json:"probability" doc:"percent 0..100"`
	Description       *string `json:"description"`
	AccountID         *string `json:"account_id" doc:"UUID"`
}

// DecodeUpdateDeal decodes and validates a deal patch; the body is update_deal.
func DecodeUpdateDeal(body []byte) (*aidapb.Command, error) {
	var r UpdateDealRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	names(&fs, maxShort, named{"title", r.Title})
	texts(&fs, maxShort, named{"owner", r.Owner})
	if r.Title != nil && *r.Title == "" {
		fs.Add("title", "must not be empty")
	}
	currency(&fs, "currency", r.Currency)
	date(&fs, "expected_close_date", r.ExpectedCloseDate)
	if r.Probability != nil && (*r.Probability < 0 || *r.Probability > 100) {
		fs.Add("probability", "must be a percentage from 0 to 100")
	}
	text(&fs, "description", r.Description, maxText)
	uuidField(&fs, "account_id", r.AccountID)
	var value *string
	if r.Value != nil {
		v := string(*r.Value)
		value = &v
	}
	if len(fs) == 0 && value == nil && noneSet(r.Title, r.Currency, r.ExpectedCloseDate, r.Owner,
		r.Description, r.AccountID) && r.Probability == nil {
		fs.Add("body", "must set at least one field")
	}
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_UpdateDeal{UpdateDeal: &aidapb.UpdateDeal{
		Title: r.Title, Value: value, Currency: r.Currency, ExpectedCloseDate: r.ExpectedCloseDate,
		Owner: r.Owner, Probability: r.Probability, Description: r.Description, AccountId: r.AccountID,
	}}}, nil
}

// DealStageRequest is the body of POST /api/v1/deals/:id/stage.
type DealStageRequest struct {
	Stage  string `json:"stage" doc:"prospect, qualified, proposal, negotiation, closed_won or closed_lost"`
	Reason string `json:"reason"`
}

// DecodeDealStage decodes a stage change; the body is change_deal_stage.
func DecodeDealStage(body []byte) (*aidapb.Command, error) {
	var r DealStageRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	if required(&fs, "stage", r.Stage) {
		oneOf(&fs, "stage", &r.Stage, dealStages)
	}
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_ChangeDealStage{ChangeDealStage: &aidapb.ChangeDealStage{
		Stage: r.Stage, Reason: r.Reason,
	}}}, nil
}
