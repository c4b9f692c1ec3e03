package lead

import (
	"maps"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"google.golang.org/protobuf/proto"
)

// Apply folds one of a lead's own events into lead s and returns the new state. s may be nil
// only for LeadCaptured (any other event on nil returns nil); Apply may mutate s and never keeps
// a pointer into e. It sets UpdatedAt (and CreatedAt on capture) from e.Time and Version from
// e.Version. A captured lead without an ID keeps the ID s already had. The events every kind
// shares (notes, autonomy, work, signals, reminders) are the shell's to apply (record.Apply over
// Traits); they, and events of other kinds, leave s as it is.
func Apply(s *aidapb.Lead, e *aidapb.Event) *aidapb.Lead {
	if c := e.GetLeadCaptured(); c != nil {
		l := clone(c.GetLead())
		if l == nil {
			l = &aidapb.Lead{}
		}
		if l.Id == "" && s != nil {
			l.Id = s.Id
		}
		l.CreatedAt = record.Stamp(e)
		s = l
	} else if s == nil || !applyChange(s, e) {
		return s
	}
	s.UpdatedAt, s.Version = record.Stamp(e), e.GetVersion()
	return s
}

// applyChange folds one of a lead's events other than LeadCaptured into s and reports whether e
// was one.
func applyChange(s *aidapb.Lead, e *aidapb.Event) bool {
	switch d := e.GetData().(type) {
	case *aidapb.Event_LeadUpdated:
		applyUpdated(s, d.LeadUpdated)
	case *aidapb.Event_LeadStatusChanged:
		s.Status = d.LeadStatusChanged.GetTo()
	case *aidapb.Event_LeadArchived:
		s.ArchivedFrom = d.LeadArchived.GetFrom()
		s.Status = StatusArchived
	case *aidapb.Event_LeadRestored:
		s.Status = d.LeadRestored.GetTo()
		s.ArchivedFrom = ""
	case *aidapb.Event_LeadConverted:
		s.Status = StatusConverted
		s.DealId = d.LeadConverted.GetDealId()
	case *aidapb.Event_LeadAssessed:
		s.AiAssessment = clone(d.LeadAssessed.GetAssessment())
	case *aidapb.Event_LeadQualified:
		s.Qualification = clone(d.LeadQualified.GetQualification())
		s.NextActions = nil
		for _, a := range d.LeadQualified.GetNextActions() {
			s.NextActions = append(s.NextActions, clone(a))
		}
	case *aidapb.Event_SequenceStarted, *aidapb.Event_SequenceAdvanced, *aidapb.Event_SequenceStopped,
		*aidapb.Event_SequenceCompleted:
		applySequence(s, e)
	default:
		return false
	}
	return true
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
