package lead_test

import (
	"fmt"
	"time"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
)

func ExampleQualify() {
	ada := &aidapb.Lead{
		Email:     "ada@analytical-engines.co.uk",
		FirstName: "Ada",
		LastName:  "Lovelace",
		Company:   "Analytical Engines Ltd",
		Source:    "demo_request",
	}
	now := time.Date(2025, 3, 4, 10, 30, 0, 0, time.UTC)
	q := lead.Qualify(ada, 3, nil, now) // L3 supervised, offline brain
	fmt.Printf("score %d, confidence %d: %s (%s)\n", q.Score, q.Confidence, q.Decision, q.Model)
	for _, d := range q.Dimensions {
		fmt.Printf("%-17s %4d ×%2d  %s\n", d.Name, d.Score, d.Weight, d.Reason)
	}
	for _, a := range lead.NextActions(q, ada.Source, 3) {
		fmt.Printf("%s: %s\n", a.Action, a.Mode)
	}
	// Output:
	// score 848, confidence 740: qualified (offline)
	// ai_semantic        800 ×25  offline brain: base 250; work address +150; full name +100; company +100; buying signal (source demo_request) +200
	// data_completeness  750 ×15  email, first name, last name, company present; no phone, campaign, utm
	// source_quality    1000 ×15  demo_request: direct source, base 800; +300 for first name, last name, company; capped at 1000
	// demographic_fit   1000 ×15  base 500; company domain analytical-engines.co.uk +200; full name +100; company +200
	// behavioral_intent  800 ×15  base 500; source demo_request +300
	// firmographic       700 ×10  company, base 500; name of 3+ characters +100; "ltd" is a company form +100
	// urgency            900 × 5  base 500; business hours (10 h UTC) +100; source demo_request +300
	// schedule_demo: approve
	// assign_to_sales: run_notify
	// send_welcome_email: approve
	// create_follow_up_task: run
}
