package lead

import (
	"fmt"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/policies/autonomy"
)

// NextActions returns the actions a qualification suggests for a lead from source at autonomy
// level (reference §4.3), each with the mode the level allows (policies/autonomy) and a reason:
//
//	qualified    L4–5 auto_assign_to_sales, send_welcome_email, schedule_follow_up_task, add_to_hot_leads_list
//	             L3   assign_to_sales, send_welcome_email, create_follow_up_task
//	             L1–2 notify_sales_team, draft_welcome_email, flag_for_immediate_review
//	pending      L3+  add_to_nurture_sequence, request_additional_info, score_monitoring
//	             L1–2 flag_for_manual_review, queue_for_qualification_call
//	unqualified  L4+  add_to_newsletter, tag_as_future_opportunity
//	             L1–3 review_disqualification, consider_nurture_campaign
//
// preceded by schedule_demo for source demo_request, or priority_sales_contact for
// pricing_page and contact_sales.
func NextActions(q *aidapb.Qualification, source string, level int32) []*aidapb.NextAction {
	lv := levelOf(level)
	t := threshold(lv)
	var why string
	var names []string
	switch q.GetDecision() {
	case DecisionQualified:
		why = fmt.Sprintf("qualified: score %d and confidence %d reach %d", q.GetScore(), q.GetConfidence(), t)
		switch {
		case lv >= autonomy.L4:
			names = []string{"auto_assign_to_sales", "send_welcome_email", "schedule_follow_up_task", "add_to_hot_leads_list"}
		case lv == autonomy.L3:
			names = []string{"assign_to_sales", "send_welcome_email", "create_follow_up_task"}
		default:
			names = []string{"notify_sales_team", "draft_welcome_email", "flag_for_immediate_review"}
		}
	case DecisionUnqualified:
		why = fmt.Sprintf("unqualified: score %d is under %d", q.GetScore(), unqualifiedBelow)
		if lv >= autonomy.L4 {
			names = []string{"add_to_newsletter", "tag_as_future_opportunity"}
		} else {
			names = []string{"review_disqualification", "consider_nurture_campaign"}
		}
	default:
		why = fmt.Sprintf("pending: score %d and confidence %d do not both reach %d", q.GetScore(), q.GetConfidence(), t)
		if lv >= autonomy.L3 {
			names = []string{"add_to_nurture_sequence", "request_additional_info", "score_monitoring"}
		} else {
			names = []string{"flag_for_manual_review", "queue_for_qualification_call"}
		}
	}
	var out []*aidapb.NextAction
	switch source {
	case "demo_request":
		out = append(out, action("schedule_demo", lv, "the lead asked for a demo"))
	case "pricing_page", "contact_sales":
		out = append(out, action("priority_sales_contact", lv, "the lead came from "+source))
	}
	for _, n := range names {
		out = append(out, action(n, lv, why))
	}
	return out
}

func action(name string, level autonomy.Level, why string) *aidapb.NextAction {
	class := autonomy.ClassOf(name)
	return &aidapb.NextAction{
		Action: name,
		Mode:   autonomy.ModeOf(level, class).String(),
		Reason: why + "; " + autonomy.Explain(level, class),
	}
}
