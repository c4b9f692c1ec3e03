package lead

import (
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// maxAssessmentReason bounds the model's reason kept beside the ai_semantic dimension.
const maxAssessmentReason = 500

// assess takes a language model's reading of lead s (assess_lead, from the AI workers): it
// journals the call, records the assessment and re-qualifies the lead with it, unless the lead
// is converted or archived (then only the call is journaled: the score no longer decides
// anything). The model proposes a score for one dimension; the six others, the thresholds and
// what may run stay the rules'.
func assess(s *aidapb.Lead, a *aidapb.AssessLead, now time.Time) ([]*aidapb.Event, error) {
	var fs fault.Fields
	as := a.GetAssessment()
	switch {
	case as == nil:
		fs.Add("assessment", "is required")
	case as.GetScore() < 0 || as.GetScore() > maxScore:
		fs.Add("assessment.score", "must be 0 to %d (thousandths)", maxScore)
	case as.GetModel() == "":
		fs.Add("assessment.model", "is required")
	}
	reason := record.Text(&fs, "assessment.reason", as.GetReason(), maxAssessmentReason)
	if err := record.CheckAICall(a.GetCall()); err != nil {
		return nil, err
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	events := []*aidapb.Event{record.AICalled(Kind, a.GetCall())}
	if s.GetStatus() == StatusConverted || s.GetStatus() == StatusArchived {
		return events, nil
	}
	kept := &aidapb.Assessment{Score: as.GetScore(), Model: as.GetModel(), Reason: reason}
	next := clone(s)
	next.AiAssessment = kept
	return append(events,
		&aidapb.Event{Type: TypeAssessed, Data: &aidapb.Event_LeadAssessed{LeadAssessed: &aidapb.LeadAssessed{Assessment: kept}}},
		qualified(next, now)), nil
}
