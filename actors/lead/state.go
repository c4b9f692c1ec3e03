package lead

import (
	"maps"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"google.golang.org/protobuf/proto"
)

// Apply folds one event into lead s and returns the new state. s may be nil only for
// LeadCaptured (any other event on nil returns nil); Apply may mutate s and never keeps a
// pointer into e. It sets UpdatedAt (and CreatedAt on capture) from e.Time, Version from
// e.Version and a note's ID and time from e.Id and e.Time. A captured lead without an ID keeps
// the ID s already had. Events of other kinds leave s as it is.
func Apply(s *aidapb.Lead, e *aidapb.Event) *aidapb.Lead {
	switch d := e.GetData().(type) {
	case *aidapb.Event_LeadCaptured:
		l := clone(d.LeadCaptured.GetLead())
		if l == nil {
			l = &aidapb.Lead{}
		}
		if l.Id == "" && s != nil {
			l.Id = s.Id
		}
		l.CreatedAt = record.Stamp(e)
		s = l
	case *aidapb.Event_LeadUpdated:
		if s == nil {
			return nil
		}
		applyUpdated(s, d.LeadUpdated)
	case *aidapb.Event_LeadStatusChanged:
		if s == nil {
			return nil
		}
		s.Status = d.LeadStatusChanged.GetTo()
	case *aidapb.Event_LeadArchived:
		if s == nil {
			return nil
		}
		s.ArchivedFrom = d.LeadArchived.GetFrom()
		s.Status = StatusArchived
	case *aidapb.Event_LeadRestored:
		if s == nil {
			return nil
		}
		s.Status = d.LeadRestored.GetTo()
		s.ArchivedFrom = ""
	case *aidapb.Event_LeadConverted:
		if s == nil {
			return nil
		}
		s.Status = StatusConverted
		s.DealId = d.LeadConverted.GetDealId()
	case *aidapb.Event_LeadQualified:
		if s == nil {
			return nil
		}
		s.Qualification = clone(d.LeadQualified.GetQualification())
		s.NextActions = nil
		for _, a := range d.LeadQualified.GetNextActions() {
			s.NextActions = append(s.NextActions, clone(a))
		}
	case *aidapb.Event_ReminderSet, *aidapb.Event_ReminderCancelled, *aidapb.Event_ReminderFired:
		if s == nil {
			return nil
		}
		record.ApplyReminder(e, &s.Reminders)
	case *aidapb.Event_AutonomyChanged, *aidapb.Event_NoteAdded:
		if s == nil {
			return nil
		}
		record.Apply(e, &s.AutonomyLevel, &s.Notes)
	case *aidapb.Event_TaskAdded, *aidapb.Event_TaskCompleted, *aidapb.Event_FlagSet, *aidapb.Event_FlagCleared,
		*aidapb.Event_DraftCreated, *aidapb.Event_DraftDecided:
		if s == nil {
			return nil
		}
		record.ApplyWork(e, &s.Work)
	case *aidapb.Event_SignalReceived:
		if s == nil {
			return nil
		}
		record.ApplySignal(e, &s.Engagement)
	case *aidapb.Event_SequenceStarted, *aidapb.Event_SequenceAdvanced, *aidapb.Event_SequenceStopped,
		*aidapb.Event_SequenceCompleted:
		if s == nil {
			return nil
		}
		applySequence(s, e)
	default:
		return s
	}
	s.UpdatedAt = record.Stamp(e)
	s.Version = e.GetVersion()
	return s
}

// applyUpdated copies the fields an update carries into s.
func applyUpdated(s *aidapb.Lead, u *aidapb.LeadUpdated) {
	if u.Email != nil {
		s.Email = u.GetEmail()
	}
	if u.FirstName != nil {
		s.FirstName = u.GetFirstName()
	}
	if u.LastName != nil {
		s.LastName = u.GetLastName()
	}
	if u.Company != nil {
		s.Company = u.GetCompany()
	}
	if u.Phone != nil {
		s.Phone = u.GetPhone()
	}
	if u.Source != nil {
		s.Source = u.GetSource()
	}
	if u.Campaign != nil {
		s.Campaign = u.GetCampaign()
	}
	if u.Owner != nil {
		s.Owner = u.GetOwner()
	}
	if u.GetUtmChanged() {
		s.Utm = nil
		if len(u.GetUtm()) > 0 {
			s.Utm = maps.Clone(u.GetUtm())
		}
	}
	if u.GetCustomFieldsChanged() {
		s.CustomFields = nil
		if len(u.GetCustomFields().GetFields()) > 0 {
			s.CustomFields = clone(u.GetCustomFields())
		}
	}
}

// Index returns the columns a lead is listed by: status, source, owner, its normalised email
// as the unique key, its qualification score (thousandths; -1 before any qualification) and its
// autonomy level.
func Index(s *aidapb.Lead) record.Index {
	score := int32(-1)
	if q := s.GetQualification(); q != nil {
		score = q.GetScore()
	}
	return record.Index{
		Status:    s.GetStatus(),
		Source:    s.GetSource(),
		Owner:     s.GetOwner(),
		UniqueKey: s.GetEmail(),
		Score:     score,
		Level:     s.GetAutonomyLevel(),
	}
}

// clone deep-copies a message; nil stays nil.
func clone[M proto.Message](m M) M {
	if m.ProtoReflect().IsValid() {
		return proto.Clone(m).(M)
	}
	var zero M
	return zero
}
