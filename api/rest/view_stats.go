package rest

import (
	"strings"

	"github.com/aidacrm/aida/api/aidapb"
)

// Overview is the body of GET /api/v1/stats/overview: counts, funnel, pipeline and autonomy
// levels of the whole store, and the latest leads. Money is a decimal string with 2 places
// that adds the amounts of every currency as they are, without conversion.
type Overview struct {
	Leads       LeadCounts     `json:"leads"`
	Deals       DealCounts     `json:"deals"`
	Accounts    AccountCounts  `json:"accounts"`
	Funnel      []FunnelStep   `json:"funnel" doc:"captured (every lead), qualified (leads qualified or converted), converted (leads converted), won (deals closed_won)"`
	Pipeline    Pipeline       `json:"pipeline"`
	Autonomy    AutonomyCounts `json:"autonomy"`
	RecentLeads []RecentLead   `json:"recent_leads" doc:"the 10 most recently captured leads, newest first"`
	GeneratedAt DateTime       `json:"generated_at" doc:"when the figures were read; the server reuses them for up to 250 ms"`
}

// LeadCounts counts the leads, in all and per status.
type LeadCounts struct {
	Total    int64            `json:"total" doc:"every lead, archived ones included"`
	ByStatus map[string]int64 `json:"by_status" doc:"one key per status: new, contacted, qualified, unqualified, converted, archived"`
}

// DealCounts counts the deals, in all and per stage.
type DealCounts struct {
	Total   int64            `json:"total"`
	ByStage map[string]int64 `json:"by_stage" doc:"one key per stage: prospect, qualified, proposal, negotiation, closed_won, closed_lost"`
}

// AccountCounts counts the accounts, in all and per lifecycle stage.
type AccountCounts struct {
	Total       int64            `json:"total"`
	ByLifecycle map[string]int64 `json:"by_lifecycle" doc:"one key per lifecycle stage: onboarding, active, at_risk, expansion_ready, churned"`
}

// FunnelStep is one step of the funnel and how many entities reached it.
type FunnelStep struct {
	Step  string `json:"step" doc:"captured, qualified, converted or won"`
	Count int64  `json:"count"`
}

// Pipeline is the money of the deals, over all currencies.
type Pipeline struct {
	OpenValue     string                   `json:"open_value" doc:"decimal, 2 places: the value of the deals not closed, all currencies added"`
	WeightedValue string                   `json:"weighted_value" doc:"decimal, 2 places: the sum of value × probability / 100 of the open deals, rounded once"`
	WonValue      string                   `json:"won_value" doc:"decimal, 2 places: the value of the deals closed_won"`
	ByForecast    map[string]ForecastTotal `json:"by_forecast" doc:"one key per forecast category (the deal's stage decides it): pipeline, best_case, commit, closed, omitted"`
}

// ForecastTotal is the deals of one forecast category.
type ForecastTotal struct {
	Count    int64  `json:"count"`
	Value    string `json:"value" doc:"decimal, 2 places"`
	Weighted string `json:"weighted" doc:"decimal, 2 places: the sum of value × probability / 100"`
}

// AutonomyCounts counts the entities of each kind per autonomy level.
type AutonomyCounts struct {
	Lead    map[string]int64 `json:"lead" doc:"leads per autonomy level, keys 1 to 5"`
	Deal    map[string]int64 `json:"deal" doc:"deals per autonomy level, keys 1 to 5"`
	Account map[string]int64 `json:"account" doc:"accounts per autonomy level, keys 1 to 5"`
}

// RecentLead is a lead as the overview lists it.
type RecentLead struct {
	ID            string    `json:"id"`
	FullName      string    `json:"full_name"`
	Email         string    `json:"email"`
	Company       string    `json:"company"`
	Status        string    `json:"status"`
	Score         *Fraction `json:"score" doc:"qualification score 0..1; null before any qualification"`
	NextAction    string    `json:"next_action" doc:"the first suggested next action; empty when there is none"`
	AutonomyLevel int32     `json:"autonomy_level"`
	CreatedAt     *DateTime `json:"created_at"`
}

// ViewRecentLead returns the overview's view of l.
func ViewRecentLead(l *aidapb.Lead) RecentLead {
	v := RecentLead{
		ID: l.GetId(), FullName: strings.TrimSpace(l.GetFirstName() + " " + l.GetLastName()),
		Email: l.GetEmail(), Company: l.GetCompany(), Status: l.GetStatus(),
		AutonomyLevel: l.GetAutonomyLevel(), CreatedAt: timeOf(l.GetCreatedAt()),
	}
	if q := l.GetQualification(); q != nil {
		s := Fraction(q.GetScore())
		v.Score = &s
	}
	if as := l.GetNextActions(); len(as) > 0 {
		v.NextAction = as[0].GetAction()
	}
	return v
}
