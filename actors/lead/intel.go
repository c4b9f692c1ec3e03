package lead

import "github.com/aidacrm/aida/api/aidapb"

// DealSignals returns what the offline brain reads of lead l for the deal it converts into
// (reference §4.5, "Create from lead"), each in thousandths:
//
//   - intent: the reference asks a model for an intent score; offline it is the lead's
//     behavioral_intent dimension, 500 (the reference's answer when the model fails) without one;
//   - urgency: the reference maps the model's urgency level to 0.3, 0.6 or 0.9; offline it is
//     the lead's urgency dimension, 500 (the reference's "else") without one;
//   - fit: 500, +200 with a company, +200 for source demo_request, enterprise_form or referral,
//     +100 for a qualification score above 700; capped at 1000.
//
// deal.ConvertedProbability turns them into the deal's probability.
func DealSignals(l *aidapb.Lead) (intent, urgency, fit int32) {
	intent, urgency = 500, 500
	for _, d := range l.GetQualification().GetDimensions() {
		switch d.GetName() {
		case DimBehavioralIntent:
			intent = d.GetScore()
		case DimUrgency:
			urgency = d.GetScore()
		}
	}
	fit = 500
	if l.GetCompany() != "" {
		fit += 200
	}
	switch l.GetSource() {
	case "demo_request", "enterprise_form", "referral":
		fit += 200
	}
	if l.GetQualification().GetScore() > 700 {
		fit += 100
	}
	return intent, urgency, min(fit, maxScore)
}
