package account

import (
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Field limits and defaults.
const (
	MaxName   = 200  // characters of an account name
	MaxDomain = 253  // characters of a domain
	MaxText   = 200  // characters of an owner, a deal ID or title
	MaxNote   = 5000 // characters of a note
	MaxReason = 500  // characters of an autonomy change reason
	// DefaultAutonomy is the level an account gets when its create command gives none (0). The
	// shell may put the configured default into the command before Decide.
	DefaultAutonomy = 1
)

// limits are the account's limits on the commands every kind takes.
func limits() record.Limits {
	return record.Limits{Note: MaxNote, Author: MaxText, Reason: MaxReason}
}

// normalizeName trims an account name and collapses its inner white space.
func normalizeName(n string) string { return strings.Join(strings.Fields(n), " ") }

// normalizeDomain trims and lower-cases d and reports whether it looks like a host name:
// labels of letters, digits and hyphens, separated by dots, at least two of them.
func normalizeDomain(d string) (string, bool) {
	d = strings.ToLower(strings.TrimSpace(d))
	if d == "" {
		return d, true
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > MaxDomain {
		return d, false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return d, false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return d, false
			}
		}
	}
	return d, true
}

// checkDeal validates and normalises what an account is told of a deal; field prefixes the
// names of its invalid fields ("deal", "deals[2]").
func checkDeal(bad *fault.Fields, field string, in *aidapb.AccountDeal) *aidapb.AccountDeal {
	if in == nil {
		bad.Add(field, "is required")
		return nil
	}
	d := &aidapb.AccountDeal{
		DealId: strings.TrimSpace(in.GetDealId()),
		Title:  strings.TrimSpace(in.GetTitle()),
		Stage:  strings.TrimSpace(in.GetStage()),
	}
	if d.DealId == "" {
		bad.Add(field+".deal_id", "is required")
	}
	record.CheckLen(bad, field+".deal_id", d.DealId, MaxText)
	record.CheckLen(bad, field+".title", d.Title, MaxText)
	d.Value = deal.DefaultValue
	if in.GetValue() != "" {
		v, err := deal.ParseMoney(in.GetValue())
		if err != nil {
			bad.Add(field+".value", "%v", err)
		}
		d.Value = v
	}
	d.Currency = deal.DefaultCurrency
	if in.GetCurrency() != "" {
		c, ok := deal.NormalizeCurrency(in.GetCurrency())
		if !ok {
			bad.Add(field+".currency", "must be a 3-letter ISO 4217 code like USD")
		}
		d.Currency = c
	}
	if d.Stage == "" {
		d.Stage = deal.Prospect
	} else if !deal.ValidStage(d.Stage) {
		bad.Add(field+".stage", "must be one of %s", strings.Join(deal.Stages(), ", "))
	}
	return d
}

// Traits returns account s (not nil) as the shared rules see it: its limits, its owner, and
// pointers to the fields every kind has.
func Traits(s *aidapb.Account) record.Traits {
	return record.Traits{Kind: Kind, Limits: limits(), Owner: s.GetOwner(),
		Level: &s.AutonomyLevel, Notes: &s.Notes, Work: &s.Work, Engagement: &s.Engagement, Reminders: &s.Reminders,
		UpdatedAt: &s.UpdatedAt, Version: &s.Version}
}

// Follow returns the events a shared command decided for account s, followed by what they mean
// for an account: a signal feeds its health (engagement and recency), so the health score is
// recomputed with it, and recorded when its category moved. Follow is pure.
func Follow(s *aidapb.Account, _ *aidapb.Command, events []*aidapb.Event, now time.Time) []*aidapb.Event {
	for _, e := range events {
		if e.GetSignalReceived() != nil {
			next := proto.Clone(s).(*aidapb.Account)
			record.ApplySignal(e, &next.Engagement)
			return append(events, recomputeHealth(next, now)...)
		}
	}
	return events
}
