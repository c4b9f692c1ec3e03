package deal

import (
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// Apply folds one of a deal's own events into s and returns the new state; s is nil for the
// creating event. It may mutate s. It sets UpdatedAt (and CreatedAt on create) from e.Time,
// Version from e.Version, and last_activity_at as Touch says. The created deal keeps the Id its
// DealCreated carries (Decide copies it from the command's id). The events every kind shares
// are the shell's to apply (record.Apply over Traits, then Touch); they, events of other kinds,
// and any event but DealCreated on a nil state leave the state unchanged.
func Apply(s *aidapb.Deal, e *aidapb.Event) *aidapb.Deal {
	switch data := e.GetData().(type) {
	case *aidapb.Event_DealCreated:
		s = proto.Clone(data.DealCreated.GetDeal()).(*aidapb.Deal)
		s.CreatedAt = record.Stamp(e)
		s.StageHistory = append(s.StageHistory, &aidapb.StageChange{
			To: s.GetStage(), Reason: "created", Actor: e.GetActor(), At: record.Stamp(e),
		})
	case *aidapb.Event_DealUpdated:
		if s == nil {
			return nil
		}
		applyUpdate(s, data.DealUpdated)
	case *aidapb.Event_DealStageChanged:
		if s == nil {
			return nil
		}
		applyStage(s, data.DealStageChanged, e)
	default:
		return s
	}
	Touch(s, e)
	s.UpdatedAt = record.Stamp(e)
	s.Version = e.GetVersion()
	return s
}

func applyUpdate(s *aidapb.Deal, u *aidapb.DealUpdated) {
	if u.Title != nil {
		s.Title = u.GetTitle()
	}
	if u.Value != nil {
		s.Value = u.GetValue()
	}
	if u.Currency != nil {
		s.Currency = u.GetCurrency()
	}
	if u.ExpectedCloseDate != nil {
		s.ExpectedCloseDate = u.GetExpectedCloseDate()
	}
	if u.Owner != nil {
		s.Owner = u.GetOwner()
	}
	if u.Probability != nil {
		s.Probability = u.GetProbability()
	}
	if u.Description != nil {
		s.Description = u.GetDescription()
	}
	if u.AccountId != nil {
		s.AccountId = u.GetAccountId()
	}
	if u.ForecastCategory != nil {
		s.ForecastCategory = u.GetForecastCategory()
	}
}

// applyStage moves the deal, records the move in its history, and sets or clears closed_at.
func applyStage(s *aidapb.Deal, c *aidapb.DealStageChanged, e *aidapb.Event) {
	s.StageHistory = append(s.StageHistory, &aidapb.StageChange{
		From: c.GetFrom(), To: c.GetTo(), Reason: c.GetReason(), Actor: e.GetActor(), At: record.Stamp(e),
	})
	s.Stage = c.GetTo()
	s.Probability = c.GetProbability()
	s.ForecastCategory = c.GetForecastCategory()
	if IsClosed(c.GetTo()) {
		s.ClosedAt = record.Stamp(e)
		if s.ExpectedCloseDate == "" && e.GetTime() != nil {
			s.ExpectedCloseDate = e.GetTime().AsTime().UTC().Format(DateLayout)
		}
	} else {
		s.ClosedAt = nil
	}
}

// Index returns the columns the deal is listed by: its stage, owner, probability, value and
// autonomy level.
func Index(s *aidapb.Deal) record.Index {
	return record.Index{
		Status: s.GetStage(),
		Owner:  s.GetOwner(),
		Score:  s.GetProbability(),
		Amount: s.GetValue(),
		Level:  s.GetAutonomyLevel(),
	}
}
