package account

import (
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// Apply folds one of an account's own events into s and returns the new state; s is nil for the
// creating event. It may mutate s. It sets UpdatedAt (and CreatedAt on create) from e.Time and
// Version from e.Version. The created account keeps the Id its AccountCreated carries (Decide
// copies it from the command's id). The events every kind shares are the shell's to apply
// (record.Apply over Traits); they, events of other kinds, and any event but AccountCreated on
// a nil state leave the state unchanged.
func Apply(s *aidapb.Account, e *aidapb.Event) *aidapb.Account {
	if _, ok := e.GetData().(*aidapb.Event_AccountCreated); !ok && s == nil {
		return nil
	}
	switch data := e.GetData().(type) {
	case *aidapb.Event_AccountCreated:
		s = proto.Clone(data.AccountCreated.GetAccount()).(*aidapb.Account)
		s.CreatedAt = record.Stamp(e)
	case *aidapb.Event_AccountUpdated:
		u := data.AccountUpdated
		if u.Name != nil {
			s.Name = u.GetName()
		}
		if u.Domain != nil {
			s.Domain = u.GetDomain()
		}
		if u.Owner != nil {
			s.Owner = u.GetOwner()
		}
	case *aidapb.Event_AccountDealAttached:
		attach(s, proto.Clone(data.AccountDealAttached.GetDeal()).(*aidapb.AccountDeal))
	case *aidapb.Event_AccountHealthChanged:
		s.Health = proto.Clone(data.AccountHealthChanged.GetHealth()).(*aidapb.Health)
	case *aidapb.Event_AccountLifecycleChanged:
		s.Lifecycle = data.AccountLifecycleChanged.GetTo()
	case *aidapb.Event_OnboardingStarted, *aidapb.Event_MilestoneCompleted, *aidapb.Event_OnboardingCompleted:
		applyOnboarding(s, e)
	default:
		return s
	}
	s.UpdatedAt = record.Stamp(e)
	s.Version = e.GetVersion()
	return s
}

// attach puts d into the account's deals, replacing the deal with the same ID.
func attach(s *aidapb.Account, d *aidapb.AccountDeal) {
	for i, old := range s.Deals {
		if old.GetDealId() == d.GetDealId() {
			s.Deals[i] = d
			return
		}
	}
	s.Deals = append(s.Deals, d)
}

// Index returns the columns the account is listed by: its lifecycle, owner, normalised
// company name (unique per account), health score (-1 before any) and autonomy level.
func Index(s *aidapb.Account) record.Index {
	score := int32(-1)
	if s.GetHealth() != nil {
		score = s.GetHealth().GetScore()
	}
	return record.Index{
		Status:    s.GetLifecycle(),
		Owner:     s.GetOwner(),
		UniqueKey: NormalizeCompany(s.GetName()),
		Score:     score,
		Level:     s.GetAutonomyLevel(),
	}
}
