package lead

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
)

func TestNextActions(t *testing.T) {
	q := func(decision string) *aidapb.Qualification {
		return &aidapb.Qualification{Score: 750, Confidence: 720, Decision: decision}
	}
	tests := []struct {
		decision string
		source   string
		level    int32
		want     []string // action:mode
	}{
		{DecisionQualified, "web", 5, []string{"auto_assign_to_sales:run", "send_welcome_email:run", "schedule_follow_up_task:run", "add_to_hot_leads_list:run"}},
		{DecisionQualified, "web", 4, []string{"auto_assign_to_sales:run", "send_welcome_email:run", "schedule_follow_up_task:run", "add_to_hot_leads_list:run"}},
		{DecisionQualified, "web", 3, []string{"assign_to_sales:run_notify", "send_welcome_email:approve", "create_follow_up_task:run"}},
		{DecisionQualified, "web", 2, []string{"notify_sales_team:run", "draft_welcome_email:run", "flag_for_immediate_review:run"}},
		{DecisionQualified, "web", 1, []string{"notify_sales_team:draft", "draft_welcome_email:draft", "flag_for_immediate_review:draft"}},
		{DecisionPending, "web", 5, []string{"add_to_nurture_sequence:run", "request_additional_info:run", "score_monitoring:run"}},
		{DecisionPending, "web", 3, []string{"add_to_nurture_sequence:approve", "request_additional_info:approve", "score_monitoring:run"}},
		{DecisionPending, "web", 2, []string{"flag_for_manual_review:run", "queue_for_qualification_call:run"}},
		{DecisionPending, "web", 1, []string{"flag_for_manual_review:draft", "queue_for_qualification_call:draft"}},
		{DecisionUnqualified, "web", 5, []string{"add_to_newsletter:run", "tag_as_future_opportunity:run"}},
		{DecisionUnqualified, "web", 4, []string{"add_to_newsletter:run", "tag_as_future_opportunity:run"}},
		{DecisionUnqualified, "web", 3, []string{"review_disqualification:run", "consider_nurture_campaign:run"}},
		{DecisionUnqualified, "web", 1, []string{"review_disqualification:draft", "consider_nurture_campaign:draft"}},
		{DecisionPending, "demo_request", 2, []string{"schedule_demo:approve", "flag_for_manual_review:run", "queue_for_qualification_call:run"}},
		{DecisionQualified, "pricing_page", 4, []string{"priority_sales_contact:run", "auto_assign_to_sales:run", "send_welcome_email:run", "schedule_follow_up_task:run", "add_to_hot_leads_list:run"}},
		{DecisionUnqualified, "contact_sales", 3, []string{"priority_sales_contact:approve", "review_disqualification:run", "consider_nurture_campaign:run"}},
		// an out-of-range level counts as the nearest valid one
		{DecisionPending, "web", 0, []string{"flag_for_manual_review:draft", "queue_for_qualification_call:draft"}},
		{DecisionPending, "web", 9, []string{"add_to_nurture_sequence:run", "request_additional_info:run", "score_monitoring:run"}},
	}
	for _, tt := range tests {
		t.Run(tt.decision+"/"+tt.source+"/L"+fmt.Sprint(tt.level), func(t *testing.T) {
			var got []string
			for _, a := range NextActions(q(tt.decision), tt.source, tt.level) {
				got = append(got, a.Action+":"+a.Mode)
				if a.Reason == "" {
					t.Errorf("%s has no reason", a.Action)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestNextActionReasons(t *testing.T) {
	q := &aidapb.Qualification{Score: 812, Confidence: 705, Decision: DecisionQualified}
	got := NextActions(q, "demo_request", 3)
	want := []string{
		"the lead asked for a demo; external communication needs approval at L3 supervised",
		"qualified: score 812 and confidence 705 reach 700; record change runs and notifies the owner at L3 supervised",
	}
	for i, w := range want {
		if got[i].Reason != w {
			t.Errorf("reason %d = %q, want %q", i, got[i].Reason, w)
		}
	}
	p := NextActions(&aidapb.Qualification{Score: 650, Confidence: 300, Decision: DecisionPending}, "web", 3)
	if !strings.HasPrefix(p[0].Reason, "pending: score 650 and confidence 300 do not both reach 700") {
		t.Errorf("pending reason %q", p[0].Reason)
	}
}
