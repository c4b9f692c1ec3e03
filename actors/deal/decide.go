package deal

import (
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Decide returns the events one of a deal's own commands produces for deal s (nil: it does not
// exist yet) at time now, with the flags they make obsolete cleared (see Follow). It is pure.
// Events have Type and data set; the shell fills Id, Actor, Time and Version, then calls Apply.
// The created deal takes its ID from cmd.Id. A command that changes nothing (an update to the
// same values) returns no events and no error. The commands every kind takes (notes, autonomy,
// work, signals, reminders) are the shell's (record.Decide); Follow adds what they mean for a
// deal.
//
// Errors are *fault.Error: NotFound when s is nil for anything but create_deal, Duplicate for
// create_deal on an existing deal, Transition for a forbidden stage move, Invalid with the bad
// fields named, and Invalid for commands of other kinds.
func Decide(s *aidapb.Deal, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	events, err := decide(s, cmd, now)
	if err != nil || s == nil {
		return events, err
	}
	return Follow(s, cmd, events, now), nil
}

func decide(s *aidapb.Deal, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	switch body := cmd.GetBody().(type) {
	case *aidapb.Command_CreateDeal:
		if s != nil {
			return nil, fault.New(fault.Duplicate, "deal %s already exists", s.GetId())
		}
		return decideCreate(cmd.GetId(), body.CreateDeal, now)
	case *aidapb.Command_UpdateDeal, *aidapb.Command_ChangeDealStage:
		if s == nil {
			return nil, fault.New(fault.NotFound, "deal not found")
		}
	default:
		return nil, fault.New(fault.Invalid, "a deal does not take the command %q", record.CommandName(cmd))
	}
	switch body := cmd.GetBody().(type) {
	case *aidapb.Command_UpdateDeal:
		return decideUpdate(s, body.UpdateDeal)
	case *aidapb.Command_ChangeDealStage:
		return decideStage(s, body.ChangeDealStage)
	}
	return nil, fault.New(fault.Internal, "unhandled deal command %s", record.CommandName(cmd))
}

func decideCreate(id string, c *aidapb.CreateDeal, now time.Time) ([]*aidapb.Event, error) {
	var bad fault.Fields
	d := &aidapb.Deal{
		Id:           id,
		LeadId:       strings.TrimSpace(c.GetLeadId()),
		Company:      strings.TrimSpace(c.GetCompany()),
		ContactEmail: strings.ToLower(strings.TrimSpace(c.GetContactEmail())),
		Owner:        strings.TrimSpace(c.GetOwner()),
		Description:  strings.TrimSpace(c.GetDescription()),
		Title:        strings.TrimSpace(c.GetTitle()),
	}
	if d.Title == "" {
		if d.LeadId == "" {
			bad.Add("title", "is required unless lead_id is set")
		} else {
			d.Title = DefaultTitle(d.Company, "")
		}
	}
	record.CheckLen(&bad, "title", d.Title, MaxTitle)
	record.CheckLen(&bad, "lead_id", d.LeadId, MaxText)
	record.CheckLen(&bad, "company", d.Company, MaxText)
	record.CheckLen(&bad, "owner", d.Owner, MaxText)
	record.CheckLen(&bad, "description", d.Description, MaxDescription)
	if d.ContactEmail != "" && !validEmail(d.ContactEmail) {
		bad.Add("contact_email", "must be an email address")
	}

	d.Stage = strings.TrimSpace(c.GetStage())
	switch {
	case d.Stage == "" && d.LeadId != "":
		d.Stage = Qualified
	case d.Stage == "":
		d.Stage = Prospect
	case !ValidStage(d.Stage) || IsClosed(d.Stage):
		bad.Add("stage", "a deal starts in an open stage: %s", strings.Join(openStages(), ", "))
	}
	d.Probability = Probability(d.Stage)
	d.ForecastCategory = Forecast(d.Stage)

	d.Value = DefaultValue
	if v := strings.TrimSpace(c.GetValue()); v != "" {
		money, err := ParseMoney(v)
		if err != nil {
			bad.Add("value", "%v", err)
		}
		d.Value = money
	}
	d.Currency = DefaultCurrency
	if c.GetCurrency() != "" {
		cur, ok := NormalizeCurrency(c.GetCurrency())
		if !ok {
			bad.Add("currency", "must be a 3-letter ISO 4217 code like USD")
		}
		d.Currency = cur
	}
	d.ExpectedCloseDate = now.UTC().AddDate(0, 0, DefaultCloseIn).Format(DateLayout)
	if c.GetExpectedCloseDate() != "" {
		date, ok := normalizeDate(c.GetExpectedCloseDate())
		if !ok {
			bad.Add("expected_close_date", "must be a date like 2025-01-31")
		}
		d.ExpectedCloseDate = date
	}
	d.AutonomyLevel = c.GetAutonomyLevel()
	if d.AutonomyLevel == 0 {
		d.AutonomyLevel = DefaultAutonomy
	}
	record.CheckLevel(&bad, "autonomy_level", d.AutonomyLevel)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return []*aidapb.Event{{
		Type: TypeCreated,
		Data: &aidapb.Event_DealCreated{DealCreated: &aidapb.DealCreated{Deal: d}},
	}}, nil
}

func decideUpdate(s *aidapb.Deal, u *aidapb.UpdateDeal) ([]*aidapb.Event, error) {
	var bad fault.Fields
	ev := &aidapb.DealUpdated{}
	changed := false
	// set records v as the new value of a field when it differs from the current one.
	set := func(dst **string, v, cur string) {
		if v != cur {
			*dst = &v
			changed = true
		}
	}
	if u.Title != nil {
		t := strings.TrimSpace(u.GetTitle())
		if t == "" {
			bad.Add("title", "must not be empty")
		}
		record.CheckLen(&bad, "title", t, MaxTitle)
		set(&ev.Title, t, s.GetTitle())
	}
	if u.Value != nil {
		v, err := ParseMoney(u.GetValue())
		if err != nil {
			bad.Add("value", "%v", err)
		}
		set(&ev.Value, v, s.GetValue())
	}
	if u.Currency != nil {
		c, ok := NormalizeCurrency(u.GetCurrency())
		if !ok {
			bad.Add("currency", "must be a 3-letter ISO 4217 code like USD")
		}
		set(&ev.Currency, c, s.GetCurrency())
	}
	if u.ExpectedCloseDate != nil {
		d, ok := normalizeDate(u.GetExpectedCloseDate())
		if !ok {
			bad.Add("expected_close_date", "must be a date like 2025-01-31")
		}
		set(&ev.ExpectedCloseDate, d, s.GetExpectedCloseDate())
	}
	if u.Owner != nil {
		o := record.Text(&bad, "owner", u.GetOwner(), MaxText)
		set(&ev.Owner, o, s.GetOwner())
	}
	if u.Description != nil {
		d := record.Text(&bad, "description", u.GetDescription(), MaxDescription)
		set(&ev.Description, d, s.GetDescription())
	}
	if u.AccountId != nil {
		a := record.Text(&bad, "account_id", u.GetAccountId(), MaxText)
		set(&ev.AccountId, a, s.GetAccountId())
	}
	probChanged := false
	if u.Probability != nil {
		p := u.GetProbability()
		if p < 0 || p > 100 {
			bad.Add("probability", "must be 0..100")
		}
		if p != s.GetProbability() {
			ev.Probability = &p
			changed, probChanged = true, true
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if probChanged && IsClosed(s.GetStage()) {
		return nil, fault.New(fault.Transition,
			"deal is %s: its probability stays %d; reopen it to change the probability",
			s.GetStage(), s.GetProbability())
	}
	if !changed {
		return nil, nil
	}
	return []*aidapb.Event{{
		Type: TypeUpdated,
		Data: &aidapb.Event_DealUpdated{DealUpdated: ev},
	}}, nil
}

func decideStage(s *aidapb.Deal, c *aidapb.ChangeDealStage) ([]*aidapb.Event, error) {
	var bad fault.Fields
	to := strings.TrimSpace(c.GetStage())
	if !ValidStage(to) {
		bad.Add("stage", "must be one of %s", strings.Join(Stages(), ", "))
	}
	reason := record.Text(&bad, "reason", c.GetReason(), MaxReason)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	from := s.GetStage()
	if to == from {
		return nil, fault.New(fault.Transition, "deal is already %s", from)
	}
	if !CanMove(from, to) {
		next := Next(from)
		if len(next) == 0 {
			return nil, fault.New(fault.Transition, "deal is %s: no stage change is allowed", from)
		}
		return nil, fault.New(fault.Transition, "deal is %s: it cannot move to %s; allowed: %s",
			from, to, strings.Join(next, ", "))
	}
	return []*aidapb.Event{{
		Type: stageEventType(to),
		Data: &aidapb.Event_DealStageChanged{DealStageChanged: &aidapb.DealStageChanged{
			From:             from,
			To:               to,
			Reason:           reason,
			Probability:      Probability(to),
			ForecastCategory: Forecast(to),
		}},
	}}, nil
}
