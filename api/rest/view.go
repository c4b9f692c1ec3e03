package rest

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/aidacrm/aida/api/aidapb"
)

// Lead is the JSON view of a lead.
type Lead struct {
	ID            string            `json:"id"`
	Email         string            `json:"email"`
	FirstName     string            `json:"first_name"`
	LastName      string            `json:"last_name"`
	FullName      string            `json:"full_name"`
	Company       string            `json:"company"`
	Phone         string            `json:"phone"`
	Source        string            `json:"source"`
	Campaign      string            `json:"campaign"`
	UTM           map[string]string `json:"utm"`
	CustomFields  map[string]any    `json:"custom_fields"`
	Owner         string            `json:"owner"`
	Status        string            `json:"status"`
	Qualification *Qualification    `json:"qualification"`
	NextActions   []NextAction      `json:"next_actions"`
	AutonomyLevel int32             `json:"autonomy_level"`
	Notes         []Note            `json:"notes"`
	DealID        string            `json:"deal_id"`
	Tasks         []Task            `json:"tasks" doc:"open tasks, then the last done ones"`
	Flags         []Flag            `json:"flags" doc:"the flags set"`
	Drafts        []Draft           `json:"drafts" doc:"pending drafts, then the last decided ones"`
	Engagement    Engagement        `json:"engagement"`
	Sequence      *Sequence         `json:"sequence" doc:"the lead's current or last sequence"`
	Reminders     []Reminder        `json:"reminders" doc:"the reminders pending"`
	Version       int64             `json:"version"`
	CreatedAt     *DateTime         `json:"created_at"`
	UpdatedAt     *DateTime         `json:"updated_at"`
}

// CapturedLead is the reply to a capture: the lead, and whether it already existed.
type CapturedLead struct {
	Lead
	Duplicate bool `json:"duplicate" doc:"true when a lead with this email already existed"`
}

// Qualification is a lead's score; score, confidence and dimension scores run from 0 to 1.
type Qualification struct {
	Score      Fraction    `json:"score"`
	Confidence Fraction    `json:"confidence"`
	Decision   string      `json:"decision"`
	Model      string      `json:"model"`
	Dimensions []Dimension `json:"dimensions"`
}

// Dimension is one scored dimension: score from 0 to 1, weight its share of the composite.
type Dimension struct {
	Name   string     `json:"name"`
	Score  Fraction   `json:"score"`
	Weight Hundredths `json:"weight"`
	Reason string     `json:"reason"`
}

// NextAction is a suggested action and the mode the autonomy level allows for it.
type NextAction struct {
	Action string `json:"action"`
	Mode   string `json:"mode" doc:"run, draft or approve"`
	Reason string `json:"reason"`
}

// Note is a note on an entity.
type Note struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	Author    string    `json:"author"`
	CreatedAt *DateTime `json:"created_at"`
}

// ViewLead returns the JSON view of l.
func ViewLead(l *aidapb.Lead) Lead {
	v := Lead{
		ID: l.GetId(), Email: l.GetEmail(), FirstName: l.GetFirstName(), LastName: l.GetLastName(),
		FullName: strings.TrimSpace(l.GetFirstName() + " " + l.GetLastName()),
		Company:  l.GetCompany(), Phone: l.GetPhone(), Source: l.GetSource(),
		Campaign: l.GetCampaign(), UTM: map[string]string{}, CustomFields: map[string]any{},
		Owner: l.GetOwner(), Status: l.GetStatus(), NextActions: []NextAction{},
		AutonomyLevel: l.GetAutonomyLevel(), Notes: notes(l.GetNotes()), DealID: l.GetDealId(),
		Version: l.GetVersion(), CreatedAt: timeOf(l.GetCreatedAt()), UpdatedAt: timeOf(l.GetUpdatedAt()),
	}
	w := viewWork(l.GetWork(), l.GetEngagement(), l.GetReminders())
	v.Tasks, v.Flags, v.Drafts, v.Engagement, v.Reminders = w.tasks, w.flags, w.drafts, w.engagement, w.reminders
	v.Sequence = viewSequence(l.GetSequence())
	for k, val := range l.GetUtm() {
		v.UTM[k] = val
	}
	if cf := l.GetCustomFields(); cf != nil {
		v.CustomFields = cf.AsMap()
	}
	if q := l.GetQualification(); q != nil {
		v.Qualification = &Qualification{
			Score: Fraction(q.GetScore()), Confidence: Fraction(q.GetConfidence()),
			Decision: q.GetDecision(), Model: q.GetModel(), Dimensions: dimensions(q.GetDimensions()),
		}
	}
	for _, a := range l.GetNextActions() {
		v.NextActions = append(v.NextActions, NextAction{Action: a.GetAction(), Mode: a.GetMode(), Reason: a.GetReason()})
	}
	return v
}

func dimensions(ds []*aidapb.Dimension) []Dimension {
	out := make([]Dimension, 0, len(ds))
	for _, d := range ds {
		out = append(out, Dimension{Name: d.GetName(), Score: Fraction(d.GetScore()),
			Weight: Hundredths(d.GetWeight()), Reason: d.GetReason()})
	}
	return out
}

func notes(ns []*aidapb.Note) []Note {
	out := make([]Note, 0, len(ns))
	for _, n := range ns {
		out = append(out, Note{ID: n.GetId(), Text: n.GetText(), Author: n.GetAuthor(), CreatedAt: timeOf(n.GetCreatedAt())})
	}
	return out
}

// Deal is the JSON view of a deal. Money is an exact decimal string; weighted_value is value ×
// probability / 100 rounded to 2 places.
type Deal struct {
	ID                string        `json:"id"`
	Title             string        `json:"title"`
	LeadID            string        `json:"lead_id"`
	AccountID         string        `json:"account_id"`
	Company           string        `json:"company"`
	ContactEmail      string        `json:"contact_email"`
	Stage             string        `json:"stage"`
	Probability       int32         `json:"probability" doc:"percent 0..100"`
	Value             string        `json:"value" doc:"decimal"`
	WeightedValue     string        `json:"weighted_value" doc:"decimal, value × probability / 100, 2 places"`
	Currency          string        `json:"currency"`
	ForecastCategory  string        `json:"forecast_category"`
	ExpectedCloseDate string        `json:"expected_close_date"`
	Owner             string        `json:"owner"`
	StageHistory      []StageChange `json:"stage_history"`
	Notes             []Note        `json:"notes"`
	AutonomyLevel     int32         `json:"autonomy_level"`
	Description       string        `json:"description"`
	Tasks             []Task        `json:"tasks" doc:"open tasks, then the last done ones"`
	Flags             []Flag        `json:"flags" doc:"the flags set"`
	Drafts            []Draft       `json:"drafts" doc:"pending drafts, then the last decided ones"`
	Engagement        Engagement    `json:"engagement"`
	Reminders         []Reminder    `json:"reminders" doc:"the reminders pending"`
	LastActivityAt    *DateTime     `json:"last_activity_at" doc:"the last change a person or a signal made"`
	Version           int64         `json:"version"`
	CreatedAt         *DateTime     `json:"created_at"`
	UpdatedAt         *DateTime     `json:"updated_at"`
	ClosedAt          *DateTime     `json:"closed_at"`
}

// StageChange is one move of a deal's stage.
type StageChange struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
	Actor  string    `json:"actor"`
	At     *DateTime `json:"at"`
}

// ViewDeal returns the JSON view of d.
func ViewDeal(d *aidapb.Deal) Deal {
	v := Deal{
		ID: d.GetId(), Title: d.GetTitle(), LeadID: d.GetLeadId(), AccountID: d.GetAccountId(),
		Company: d.GetCompany(), ContactEmail: d.GetContactEmail(), Stage: d.GetStage(),
		Probability: d.GetProbability(), Value: d.GetValue(),
		WeightedValue: WeightedValue(d.GetValue(), d.GetProbability()), Currency: d.GetCurrency(),
		ForecastCategory: d.GetForecastCategory(), ExpectedCloseDate: d.GetExpectedCloseDate(),
		Owner: d.GetOwner(), StageHistory: []StageChange{}, Notes: notes(d.GetNotes()),
		AutonomyLevel: d.GetAutonomyLevel(), Description: d.GetDescription(), Version: d.GetVersion(),
		CreatedAt: timeOf(d.GetCreatedAt()), UpdatedAt: timeOf(d.GetUpdatedAt()), ClosedAt: timeOf(d.GetClosedAt()),
		LastActivityAt: timeOf(d.GetLastActivityAt()),
	}
	w := viewWork(d.GetWork(), d.GetEngagement(), d.GetReminders())
	v.Tasks, v.Flags, v.Drafts, v.Engagement, v.Reminders = w.tasks, w.flags, w.drafts, w.engagement, w.reminders
	if v.Value == "" {
		v.Value = "0"
	}
	for _, s := range d.GetStageHistory() {
		v.StageHistory = append(v.StageHistory, StageChange{From: s.GetFrom(), To: s.GetTo(),
			Reason: s.GetReason(), Actor: s.GetActor(), At: timeOf(s.GetAt())})
	}
	return v
}

// WeightedValue returns value × probability / 100 with exactly 2 decimals, computed exactly;
// "0.00" when value is not a decimal.
func WeightedValue(value string, probability int32) string {
	d, err := decimal.NewFromString(value)
	if err != nil || len(value) > 64 || d.Exponent() < -32 || d.Exponent() > 32 {
		return "0.00"
	}
	return d.Mul(decimal.NewFromInt32(probability)).Shift(-2).StringFixed(2)
}

// Account is the JSON view of an account.
type Account struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Domain        string        `json:"domain"`
	Owner         string        `json:"owner"`
	Lifecycle     string        `json:"lifecycle"`
	Health        *Health       `json:"health"`
	Deals         []AccountDeal `json:"deals"`
	AutonomyLevel int32         `json:"autonomy_level"`
	Notes         []Note        `json:"notes"`
	Tasks         []Task        `json:"tasks" doc:"open tasks, then the last done ones"`
	Flags         []Flag        `json:"flags" doc:"the flags set"`
	Drafts        []Draft       `json:"drafts" doc:"pending drafts, then the last decided ones"`
	Engagement    Engagement    `json:"engagement"`
	Onboarding    *Onboarding   `json:"onboarding" doc:"the account's onboarding plan"`
	Reminders     []Reminder    `json:"reminders" doc:"the reminders pending"`
	Version       int64         `json:"version"`
	CreatedAt     *DateTime     `json:"created_at"`
	UpdatedAt     *DateTime     `json:"updated_at"`
}

// Health is an account's health: score from 0 to 100, churn probability and dimension scores
// from 0 to 1.
type Health struct {
	Score            Tenths      `json:"score"`
	Category         string      `json:"category"`
	ChurnProbability Fraction    `json:"churn_probability"`
	RiskLevel        string      `json:"risk_level"`
	Dimensions       []Dimension `json:"dimensions"`
	CalculatedAt     *DateTime   `json:"calculated_at"`
}

// AccountDeal is what an account knows of one of its deals.
type AccountDeal struct {
	DealID   string `json:"deal_id"`
	Title    string `json:"title"`
	Value    string `json:"value"`
	Currency string `json:"currency"`
	Stage    string `json:"stage"`
}

// ViewAccount returns the JSON view of a.
func ViewAccount(a *aidapb.Account) Account {
	v := Account{
		ID: a.GetId(), Name: a.GetName(), Domain: a.GetDomain(), Owner: a.GetOwner(),
		Lifecycle: a.GetLifecycle(), Deals: []AccountDeal{}, AutonomyLevel: a.GetAutonomyLevel(),
		Notes: notes(a.GetNotes()), Version: a.GetVersion(),
		CreatedAt: timeOf(a.GetCreatedAt()), UpdatedAt: timeOf(a.GetUpdatedAt()),
	}
	w := viewWork(a.GetWork(), a.GetEngagement(), a.GetReminders())
	v.Tasks, v.Flags, v.Drafts, v.Engagement, v.Reminders = w.tasks, w.flags, w.drafts, w.engagement, w.reminders
	v.Onboarding = viewOnboarding(a.GetOnboarding())
	if h := a.GetHealth(); h != nil {
		v.Health = &Health{Score: Tenths(h.GetScore()), Category: h.GetCategory(),
			ChurnProbability: Fraction(h.GetChurnProbability()), RiskLevel: h.GetRiskLevel(),
			Dimensions: dimensions(h.GetDimensions()), CalculatedAt: timeOf(h.GetCalculatedAt())}
	}
	for _, d := range a.GetDeals() {
		v.Deals = append(v.Deals, AccountDeal{DealID: d.GetDealId(), Title: d.GetTitle(),
			Value: d.GetValue(), Currency: d.GetCurrency(), Stage: d.GetStage()})
	}
	return v
}

// LeadPage is one page of leads; next_cursor is empty on the last page.
type LeadPage struct {
	Items      []Lead `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// DealPage is one page of deals.
type DealPage struct {
	Items      []Deal `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// AccountPage is one page of accounts.
type AccountPage struct {
	Items      []Account `json:"items"`
	NextCursor string    `json:"next_cursor"`
}
