package deal

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// Field limits and defaults.
const (
	MaxTitle        = 200  // characters of a title
	MaxText         = 200  // characters of company, owner, lead and account IDs
	MaxDescription  = 5000 // characters of a description
	MaxNote         = 5000 // characters of a note
	MaxReason       = 500  // characters of a stage or autonomy change reason
	DefaultCurrency = "USD"
	DefaultValue    = "0.00"
	DefaultCloseIn  = 30 // days from creation to the default expected close date
	// DefaultAutonomy is the level a deal gets when its create command gives none (0). The shell
	// may put the configured default into the command before Decide.
	DefaultAutonomy = 1
	// DateLayout is the layout of expected_close_date.
	DateLayout = "2006-01-02"
	// UnknownCompany stands in for a missing company in a default title.
	UnknownCompany = "Unknown Company"
)

// DefaultTitle is the title of a deal created from a lead without one, as in the original
// system: "Opportunity: {company} ({Source})", the source with underscores as spaces and each
// word capitalised ("demo_request" → "Demo Request"). With no source the parentheses are left
// out; with no company it reads "Unknown Company".
func DefaultTitle(company, source string) string {
	company = strings.TrimSpace(company)
	if company == "" {
		company = UnknownCompany
	}
	words := strings.Fields(strings.ReplaceAll(source, "_", " "))
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = strings.ToUpper(string(r)) + strings.ToLower(w[n:])
	}
	if len(words) == 0 {
		return "Opportunity: " + company
	}
	return fmt.Sprintf("Opportunity: %s (%s)", company, strings.Join(words, " "))
}

// limits are the deal's limits on the commands every kind takes.
func limits() record.Limits {
	return record.Limits{Note: MaxNote, Author: MaxText, Reason: MaxReason}
}

// NormalizeCurrency trims and upper-cases an ISO 4217 code and reports whether it is three
// letters A–Z.
func NormalizeCurrency(c string) (string, bool) {
	c = strings.ToUpper(strings.TrimSpace(c))
	if len(c) != 3 {
		return c, false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return c, false
		}
	}
	return c, true
}

// normalizeDate checks a YYYY-MM-DD date.
func normalizeDate(d string) (string, bool) {
	d = strings.TrimSpace(d)
	t, err := time.Parse(DateLayout, d)
	if err != nil {
		return d, false
	}
	return t.Format(DateLayout), true
}

// validEmail is a light syntax check: one @, something on each side, a dot in the domain and
// no spaces.
func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(domain, "@") &&
		!strings.ContainsAny(e, " \t\r\n") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// openStages lists the stages a deal may be created in.
func openStages() []string {
	var out []string
	for _, s := range Stages() {
		if !IsClosed(s) {
			out = append(out, s)
		}
	}
	return out
}

// Traits returns deal s (not nil) as the shared rules see it: its limits, its owner, its
// contact's email, and pointers to the fields every kind has.
func Traits(s *aidapb.Deal) record.Traits {
	return record.Traits{Kind: Kind, Limits: limits(), Owner: s.GetOwner(), Email: s.GetContactEmail(),
		Level: &s.AutonomyLevel, Notes: &s.Notes, Work: &s.Work, Engagement: &s.Engagement, Reminders: &s.Reminders,
		UpdatedAt: &s.UpdatedAt, Version: &s.Version}
}
