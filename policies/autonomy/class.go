package autonomy

import "strings"

// ClassOf returns the class of a named action: the next actions lead, deal and account
// suggest, and the effects agents run.
//
// Known names are listed below. An unknown name is classified by how it starts (delete, merge,
// disqualify, purge → Destructive; apply_discount, offer_discount, close_won, close_lost →
// Commitment; send_, email_, sms_, call_ → ExternalComm; draft_, note_, tag_, flag_, notify_,
// create_task, review_ → InternalNote), and otherwise as RecordChange: treating every unknown
// name as Destructive would hold harmless suggestions (a new task type) for approval at every
// level, while RecordChange is still drafted at L1, approved at L2 and notified at L3. Add a
// name here when an actor starts suggesting it.
func ClassOf(action string) Class {
	switch action {
	// read / research
	case "score_monitoring", "rescore", "enrich", "recall", "research_company",
		"calculate_health", "analyze_intent":
		return Read

	// internal notes, tasks, tags and notifications to our own people
	case "notify_sales_team", "draft_welcome_email", "flag_for_immediate_review",
		"flag_for_manual_review", "queue_for_qualification_call", "schedule_follow_up_task",
		"create_follow_up_task", "add_to_hot_leads_list", "tag_as_future_opportunity",
		"review_disqualification", "consider_nurture_campaign", "add_note", "create_task",
		"notify_owner", "notify_account_manager", "flag_at_risk", "review_deal":
		return InternalNote

	// reversible record changes
	case "assign_to_sales", "auto_assign_to_sales", "create_deal", "advance_stage",
		"update_probability", "update_forecast", "assign_owner", "convert_lead",
		"change_status", "attach_deal", "set_lifecycle":
		return RecordChange

	// anything a person outside the company sees
	case "send_welcome_email", "add_to_nurture_sequence", "request_additional_info",
		"request_more_info", "add_to_newsletter", "add_to_general_newsletter",
		"send_premium_content", "send_related_content", "schedule_demo",
		"priority_sales_contact", "send_email", "send_sms", "send_proposal",
		"schedule_check_in", "send_onboarding_email", "send_expansion_offer",
		"start_retention_campaign", "follow_up_email":
		return ExternalComm

	// commercial commitments
	case "apply_discount", "offer_discount", "close_won", "close_lost", "send_contract",
		"offer_retention_discount":
		return Commitment

	// destructive
	case "merge", "delete", "disqualify", "archive", "merge_duplicates", "delete_lead":
		return Destructive
	}
	return classByVerb(action)
}

func classByVerb(action string) Class {
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(action, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("delete", "merge", "disqualify", "purge"):
		return Destructive
	case has("apply_discount", "offer_discount", "close_won", "close_lost"):
		return Commitment
	case has("send_", "email_", "sms_", "call_"):
		return ExternalComm
	case has("draft_", "note_", "tag_", "flag_", "notify_", "create_task", "review_"):
		return InternalNote
	}
	return RecordChange
}
