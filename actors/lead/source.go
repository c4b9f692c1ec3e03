package lead

import "strings"

// Source categories (reference §4.3, source attribution).
const (
	catPaid     = "paid"
	catOrganic  = "organic"
	catReferral = "referral"
	catEmail    = "email"
	catSocial   = "social"
	catDirect   = "direct"
	catContent  = "content"
	catEvent    = "event"
	catForm     = "form"
	catUnknown  = "unknown"
)

// sourceCategory categorises a lead's source: first by a fixed map, then by utm_medium.
//
// The map is the reference's, plus the sources of AIDA's own capture paths, which the
// reference left "unknown": web, demo_request, contact_sales, pricing_page, chat and phone are
// direct (the person came to us), content_download is content.
func sourceCategory(src string, utm map[string]string) string {
	switch src {
	case "google_ads", "facebook", "linkedin", "bing_ads", "twitter_ads":
		return catPaid
	case "google", "bing", "yahoo":
		return catOrganic
	case "twitter", "instagram", "tiktok":
		return catSocial
	case "email", "newsletter":
		return catEmail
	case "referral", "affiliate":
		return catReferral
	case "direct", "website", "web", "demo_request", "contact_sales", "pricing_page", "chat", "phone":
		return catDirect
	case "blog", "ebook", "content_download":
		return catContent
	case "event", "tradeshow", "webinar":
		return catEvent
	case "hubspot", "typeform", "calendly", "webflow":
		return catForm
	}
	switch strings.ToLower(utm["utm_medium"]) {
	case "cpc", "ppc", "paid":
		return catPaid
	case "social", "social-media":
		switch strings.ToLower(utm["utm_source"]) {
		case "facebook", "linkedin", "twitter", "instagram":
			return catPaid
		}
		return catSocial
	case "email":
		return catEmail
	case "referral":
		return catReferral
	case "organic":
		return catOrganic
	}
	return catUnknown
}

// categoryBase is the source_quality base of a category.
func categoryBase(cat string) int32 {
	switch cat {
	case catPaid, catContent:
		return 700
	case catOrganic, catDirect:
		return 800
	case catReferral, catEvent:
		return 900
	case catEmail, catForm:
		return 600
	case catSocial:
		return 500
	case catUnknown:
		return 300
	}
	return 500
}
