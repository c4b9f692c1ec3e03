package lead

import (
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
)

// The tables here pin the reference's numbers (../shared/reference/aida-crm-python.md), written
// from the document, in thousandths; rows where AIDA departs say so and name the decision.

// dim returns the score and reason of dimension name of l's qualification (at night, UTC).
func dim(t *testing.T, l *aidapb.Lead, name string) (int32, string) {
	t.Helper()
	for _, d := range Qualify(l, 1, nil, night).GetDimensions() {
		if d.GetName() == name {
			return d.GetScore(), d.GetReason()
		}
	}
	t.Fatalf("no dimension %s", name)
	return 0, ""
}

// Reference §4.3, behavioral_intent: "0.5; +0.3 if utm campaign/term/content contains buy,
// purchase, demo, trial, pricing or quote; +0.1 for learn, guide, how, solution or product; +0.3
// for source demo_request, pricing_page or contact_sales, +0.1 for newsletter, blog or
// content_download; +0.2 if the custom_fields text mentions budget, timeline or decision". The
// two UTM bonuses are independent: a campaign with both kinds of word gets both.
func TestReferenceBehavioralIntent(t *testing.T) {
	utm := func(campaign string) map[string]string { return map[string]string{"utm_campaign": campaign} }
	tests := []struct {
		name string
		lead *aidapb.Lead
		want int32
	}{
		{"nothing", &aidapb.Lead{Source: "web"}, 500},
		{"utm buying word", &aidapb.Lead{Source: "web", Utm: utm("buy-now")}, 800},
		{"utm research word", &aidapb.Lead{Source: "web", Utm: utm("learn-more")}, 600},
		{"utm both, independently", &aidapb.Lead{Source: "web", Utm: utm("pricing-guide")}, 900},
		{"utm both, in term and content", &aidapb.Lead{Source: "web",
			Utm: map[string]string{"utm_term": "trial", "utm_content": "how-to"}}, 900},
		{"source demo_request", &aidapb.Lead{Source: "demo_request"}, 800},
		{"source pricing_page", &aidapb.Lead{Source: "pricing_page"}, 800},
		{"source contact_sales", &aidapb.Lead{Source: "contact_sales"}, 800},
		{"source newsletter", &aidapb.Lead{Source: "newsletter"}, 600},
		{"source blog", &aidapb.Lead{Source: "blog"}, 600},
		{"source content_download", &aidapb.Lead{Source: "content_download"}, 600},
		{"custom fields budget", &aidapb.Lead{Source: "web",
			CustomFields: mustStruct(t, map[string]any{"notes": "budget approved"})}, 700},
		{"utm both + source + custom, capped", &aidapb.Lead{Source: "demo_request", Utm: utm("demo-guide"),
			CustomFields: mustStruct(t, map[string]any{"timeline": "Q3"})}, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := dim(t, tt.lead, DimBehavioralIntent); got != tt.want {
				t.Errorf("behavioral_intent %d (%s), want %d", got, why, tt.want)
			}
		})
	}
}

// Reference §4.3, source categorisation ("Fixed map" and "Otherwise by utm_medium") and
// source_quality's bases ("paid 0.7, organic 0.8, referral 0.9, email 0.6, social 0.5, direct
// 0.8, content 0.7, event 0.9, form 0.6, unknown 0.3"). The rows marked §30 are AIDA's own
// capture sources, which the reference's map leaves unknown (docs/decisions.md §30).
func TestReferenceSourceBase(t *testing.T) {
	tests := []struct {
		source string
		medium string
		want   int32
	}{
		{"google_ads", "", 700}, {"facebook", "", 700}, {"linkedin", "", 700}, {"bing_ads", "", 700}, {"twitter_ads", "", 700},
		{"google", "", 800}, {"bing", "", 800}, {"yahoo", "", 800},
		{"twitter", "", 500}, {"instagram", "", 500}, {"tiktok", "", 500},
		{"email", "", 600}, {"newsletter", "", 600},
		{"referral", "", 900}, {"affiliate", "", 900},
		{"direct", "", 800}, {"website", "", 800},
		{"blog", "", 700}, {"ebook", "", 700},
		{"event", "", 900}, {"tradeshow", "", 900}, {"webinar", "", 900},
		{"hubspot", "", 600}, {"typeform", "", 600}, {"calendly", "", 600}, {"webflow", "", 600},
		{"zapier", "cpc", 700}, {"zapier", "organic", 800}, {"zapier", "", 300}, {"salesforce", "", 300},
		// §30: AIDA's capture sources are direct (the person came to us) or content.
		{"web", "", 800}, {"demo_request", "", 800}, {"contact_sales", "", 800}, {"pricing_page", "", 800},
		{"chat", "", 800}, {"phone", "", 800}, {"content_download", "", 700},
	}
	for _, tt := range tests {
		l := &aidapb.Lead{Source: tt.source}
		if tt.medium != "" {
			l.Utm = map[string]string{"utm_medium": tt.medium}
		}
		if got, why := dim(t, l, DimSourceQuality); got != tt.want {
			t.Errorf("%s (utm_medium %q): source_quality %d (%s), want %d", tt.source, tt.medium, got, why, tt.want)
		}
	}
}

// Reference §4.3, demographic_fit: "0.5; +0.1 if the email domain ends in .com/.org/.net; −0.1 if
// gmail.com, yahoo.com, hotmail.com or outlook.com, otherwise +0.2 if the domain contains a dot;
// +0.1 with both names; +0.2 if company is longer than 2 chars; clamp". The throwaway rows are
// AIDA's (docs/decisions.md §30): ai_semantic calls such an address throwaway, so it earns no
// domain points here either.
func TestReferenceDemographicFit(t *testing.T) {
	tests := []struct {
		name string
		lead *aidapb.Lead
		want int32
	}{
		{"company .com", &aidapb.Lead{Email: "ada@acme.com"}, 800},
		{"company .org", &aidapb.Lead{Email: "ada@acme.org"}, 800},
		{"company .co.uk", &aidapb.Lead{Email: "ada@acme.co.uk"}, 700},
		{"gmail", &aidapb.Lead{Email: "ada@gmail.com"}, 500},
		{"outlook", &aidapb.Lead{Email: "ada@outlook.com"}, 500},
		{"no dot", &aidapb.Lead{Email: "ada@localhost"}, 500},
		{"names and company", &aidapb.Lead{Email: "ada@acme.com", FirstName: "Ada", LastName: "L", Company: "Acme"}, 1000},
		{"company of 2 characters", &aidapb.Lead{Email: "ada@acme.net", Company: "AB"}, 800},
		{"§30 throwaway domain", &aidapb.Lead{Email: "ada@example.com"}, 500},
		{"§30 throwaway local part", &aidapb.Lead{Email: "test@acme.com", FirstName: "T", LastName: "T"}, 600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, why := dim(t, tt.lead, DimDemographicFit); got != tt.want {
				t.Errorf("demographic_fit %d (%s), want %d", got, why, tt.want)
			}
		})
	}
}

// TestReasonsAgree: the reasons of one qualification judge one email one way: a throwaway
// address is never also a company domain (the README's Ada@Example.com was both).
func TestReasonsAgree(t *testing.T) {
	l := &aidapb.Lead{Email: "ada@example.com", FirstName: "Ada", Company: "Analytical Engines Ltd", Source: "demo_request"}
	q := Qualify(l, 1, nil, night)
	var semantic, demographic string
	for _, d := range q.GetDimensions() {
		switch d.GetName() {
		case DimAISemantic:
			semantic = d.GetReason()
		case DimDemographicFit:
			demographic = d.GetReason()
		}
	}
	if !strings.Contains(semantic, "throwaway") || !strings.Contains(demographic, "throwaway") || strings.Contains(demographic, "company domain") {
		t.Errorf("ai_semantic %q and demographic_fit %q judge the address differently", semantic, demographic)
	}
}

// Reference §4.5, Create from lead: "fit = 0.5, +0.2 with a company, +0.2 if source is
// demo_request, enterprise_form or referral, +0.1 if the lead score > 0.7; cap 1". Offline,
// intent and urgency are the lead's behavioral_intent and urgency dimensions, 500 without them.
func TestDealSignals(t *testing.T) {
	scored := func(score int32, dims ...*aidapb.Dimension) *aidapb.Qualification {
		return &aidapb.Qualification{Score: score, Dimensions: dims}
	}
	tests := []struct {
		name                 string
		lead                 *aidapb.Lead
		intent, urgency, fit int32
	}{
		{"nothing known", &aidapb.Lead{}, 500, 500, 500},
		{"company", &aidapb.Lead{Company: "Acme"}, 500, 500, 700},
		{"demo_request", &aidapb.Lead{Source: "demo_request"}, 500, 500, 700},
		{"enterprise_form", &aidapb.Lead{Source: "enterprise_form"}, 500, 500, 700},
		{"referral", &aidapb.Lead{Source: "referral"}, 500, 500, 700},
		{"score 700 is not above 0.7", &aidapb.Lead{Qualification: scored(700)}, 500, 500, 500},
		{"score 701", &aidapb.Lead{Qualification: scored(701)}, 500, 500, 600},
		{"all, capped", &aidapb.Lead{Company: "Acme", Source: "referral", Qualification: scored(900,
			&aidapb.Dimension{Name: DimBehavioralIntent, Score: 800}, &aidapb.Dimension{Name: DimUrgency, Score: 900})},
			800, 900, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, u, f := DealSignals(tt.lead)
			if i != tt.intent || u != tt.urgency || f != tt.fit {
				t.Errorf("signals %d/%d/%d, want %d/%d/%d", i, u, f, tt.intent, tt.urgency, tt.fit)
			}
		})
	}
}
