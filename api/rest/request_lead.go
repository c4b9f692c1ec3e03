package rest

import (
	"maps"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// utmKeys are the UTM parameters a capture also accepts at the top level.
var utmKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

// CaptureRequest is the body of POST /api/v1/leads. UTM parameters may come in utm or at the
// top level; utm wins when both name the same key. The body of the system AIDA replaces is
// accepted as it is: its names (utm_params, user_id, ip_address, user_agent, referer) are
// read beside AIDA's own (see ReferenceCapture).
type CaptureRequest struct {
	Email         string            `json:"email" doc:"required; stored lower case"`
	FirstName     string            `json:"first_name"`
	LastName      string            `json:"last_name"`
	Company       string            `json:"company"`
	Phone         string            `json:"phone"`
	Source        string            `json:"source"`
	Campaign      string            `json:"campaign"`
	UTM           map[string]string `json:"utm"`
	UTMSource     *string           `json:"utm_source"`
	UTMMedium     *string           `json:"utm_medium"`
	UTMCampaign   *string           `json:"utm_campaign"`
	UTMTerm       *string           `json:"utm_term"`
	UTMContent    *string           `json:"utm_content"`
	CustomFields  map[string]any    `json:"custom_fields"`
	Owner         string            `json:"owner"`
	AutonomyLevel int32             `json:"autonomy_level" doc:"1..5; absent or 0: the configured default"`
	ReferenceCapture
}

// ReferenceCapture holds the capture fields of the reference system (the Python AIDA-CRM) under
// its own names. Each maps to a field of AIDA's: utm_params to utm, user_id to owner, and the
// request's client details to custom_fields keys of the same names. A field given under both
// names with different values is refused, so nothing sent is silently dropped.
type ReferenceCapture struct {
	UTMParams map[string]string `json:"utm_params" doc:"the same as utm (the reference system's name)"`
	UserID    *string           `json:"user_id" doc:"the same as owner (the reference system's name)"`
	IPAddress *string           `json:"ip_address" doc:"kept as custom_fields.ip_address"`
	UserAgent *string           `json:"user_agent" doc:"kept as custom_fields.user_agent"`
	Referer   *string           `json:"referer" doc:"kept as custom_fields.referer"`
}

// DecodeCapture decodes and validates a capture; the command's body is capture_lead.
func DecodeCapture(body []byte) (*aidapb.Command, error) {
	var r CaptureRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	if required(&fs, "email", r.Email) {
		email(&fs, "email", &r.Email)
	}
	names(&fs, maxShort, named{"first_name", &r.FirstName}, named{"last_name", &r.LastName},
		named{"company", &r.Company})
	texts(&fs, maxShort, named{"phone", &r.Phone}, named{"source", &r.Source},
		named{"campaign", &r.Campaign}, named{"owner", &r.Owner})
	level(&fs, "autonomy_level", r.AutonomyLevel, true)
	r.UTM, r.Owner = r.ReferenceCapture.merge(&fs, r.UTM, r.Owner)
	utm := map[string]string{}
	for i, p := range []*string{r.UTMSource, r.UTMMedium, r.UTMCampaign, r.UTMTerm, r.UTMContent} {
		text(&fs, utmKeys[i], p, maxShort)
		if p != nil && *p != "" {
			utm[utmKeys[i]] = *p
		}
	}
	checkUTM(&fs, r.UTM)
	maps.Copy(utm, r.UTM)
	r.CustomFields = r.ReferenceCapture.client(&fs, r.CustomFields)
	custom := customFields(&fs, r.CustomFields)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Company: r.Company,
		Phone: r.Phone, Source: r.Source, Campaign: r.Campaign, Utm: utm, CustomFields: custom,
		Owner: r.Owner, AutonomyLevel: r.AutonomyLevel,
	}}}, nil
}

// checkUTM limits the size of a utm object.
func checkUTM(fs *fault.Fields, utm map[string]string) {
	if len(utm) > 20 {
		fs.Add("utm", "must hold at most 20 keys")
		return
	}
	for k, v := range utm {
		if len(k) > maxShort || len(v) > maxShort {
			fs.Add("utm."+k, "keys and values must be at most %d characters", maxShort)
		}
	}
}

// customFields turns a JSON object into a Struct; nil when absent.
func customFields(fs *fault.Fields, m map[string]any) *structpb.Struct {
	if m == nil {
		return nil
	}
	s, err := structpb.NewStruct(m)
	if err != nil {
		fs.Add("custom_fields", "must be a JSON object")
		return nil
	}
	return s
}

// UpdateLeadRequest is the body of PATCH /api/v1/leads/:id; absent fields stay unchanged.
type UpdateLeadRequest struct {
	Email        *string           `json:"email"`
	FirstName    *string           `json:"first_name"`
	LastName     *string           `json:"last_name"`
	Company      *string           `json:"company"`
	Phone        *string           `json:"phone"`
	Source       *string           `json:"source"`
	Campaign     *string           `json:"campaign"`
	UTM          map[string]string `json:"utm" doc:"merged; an empty value removes the key"`
	CustomFields map[string]any    `json:"custom_fields" doc:"merged; a null value removes the key"`
	Owner        *string           `json:"owner"`
}

// DecodeUpdateLead decodes and validates a lead patch; the body is update_lead.
func DecodeUpdateLead(body []byte) (*aidapb.Command, error) {
	var r UpdateLeadRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	if r.Email != nil {
		email(&fs, "email", r.Email)
		if *r.Email == "" {
			fs.Add("email", "must not be empty")
		}
	}
	names(&fs, maxShort, named{"first_name", r.FirstName}, named{"last_name", r.LastName},
		named{"company", r.Company})
	texts(&fs, maxShort, named{"phone", r.Phone}, named{"source", r.Source},
		named{"campaign", r.Campaign}, named{"owner", r.Owner})
	checkUTM(&fs, r.UTM)
	custom := customFields(&fs, r.CustomFields)
	if len(fs) == 0 && r.UTM == nil && r.CustomFields == nil && noneSet(r.Email, r.FirstName,
		r.LastName, r.Company, r.Phone, r.Source, r.Campaign, r.Owner) {
		fs.Add("body", "must set at least one field")
	}
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_UpdateLead{UpdateLead: &aidapb.UpdateLead{
		Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Company: r.Company,
		Phone: r.Phone, Source: r.Source, Campaign: r.Campaign, Utm: r.UTM,
		CustomFields: custom, Owner: r.Owner,
	}}}, nil
}

// LeadStatusRequest is the body of POST /api/v1/leads/:id/status.
type LeadStatusRequest struct {
	Status string `json:"status" doc:"new, contacted, qualified or unqualified"`
	Reason string `json:"reason"`
}

// DecodeLeadStatus decodes a status change; the body is change_lead_status.
func DecodeLeadStatus(body []byte) (*aidapb.Command, error) {
	var r LeadStatusRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	if required(&fs, "status", r.Status) {
		oneOf(&fs, "status", &r.Status, leadStatuses)
	}
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_ChangeLeadStatus{ChangeLeadStatus: &aidapb.ChangeLeadStatus{
		Status: r.Status, Reason: r.Reason,
	}}}, nil
}

// ConvertRequest is the body of POST /api/v1/leads/:id/convert; every field is optional.
type ConvertRequest struct {
	Title             string `json:"title"`
	Value             Money  `json:"value"`
	Currency          string `json:"currency" doc:"ISO 4217; default USD"`
	ExpectedCloseDate string `json:"expected_close_date" doc:"YYYY-MM-DD"`
	Owner             string `json:"owner"`
}

// DecodeConvert decodes a conversion; the body is create_deal. An empty body is allowed.
func DecodeConvert(body []byte) (*aidapb.Command, error) {
	var r ConvertRequest
	var fs fault.Fields
	if len(trimSpace(body)) > 0 {
		if err := decodeObject(body, &r, &fs); err != nil {
			return nil, err
		}
	}
	names(&fs, maxShort, named{"title", &r.Title})
	text(&fs, "owner", &r.Owner, maxShort)
	currency(&fs, "currency", &r.Currency)
	date(&fs, "expected_close_date", &r.ExpectedCloseDate)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{
		Title: r.Title, Value: string(r.Value), Currency: r.Currency,
		ExpectedCloseDate: r.ExpectedCloseDate, Owner: r.Owner,
	}}}, nil
}

// SequenceRequest is the body of POST /api/v1/leads/:id/sequence.
type SequenceRequest struct {
	Type   string `json:"type" doc:"required: welcome, nurture or re_engagement"`
	Reason string `json:"reason"`
}

// DecodeStartSequence decodes enrolling a lead in a sequence; the body is start_sequence.
func DecodeStartSequence(body []byte) (*aidapb.Command, error) {
	var r SequenceRequest
	var fs fault.Fields
	if err := decodeObject(body, &r, &fs); err != nil {
		return nil, err
	}
	if required(&fs, "type", r.Type) {
		oneOf(&fs, "type", &r.Type, sequenceTypes)
	}
	text(&fs, "reason", &r.Reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_StartSequence{StartSequence: &aidapb.StartSequence{
		Type: r.Type, Reason: r.Reason,
	}}}, nil
}

// DecodeStopSequence checks stopping a lead's sequence for reason (the query parameter
// ?reason=); the body is stop_sequence.
func DecodeStopSequence(reason string) (*aidapb.Command, error) {
	var fs fault.Fields
	text(&fs, "reason", &reason, maxReason)
	if err := report(fs); err != nil {
		return nil, err
	}
	return &aidapb.Command{Body: &aidapb.Command_StopSequence{StopSequence: &aidapb.StopSequence{Reason: reason}}}, nil
}
