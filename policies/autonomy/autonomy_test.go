package autonomy

import "testing"

func TestModeOfTable(t *testing.T) {
	// The DESIGN §6 table, row by row, L1..L5.
	table := []struct {
		class Class
		modes [5]Mode
	}{
		{Read, [5]Mode{Run, Run, Run, Run, Run}},
		{InternalNote, [5]Mode{Draft, Run, Run, Run, Run}},
		{RecordChange, [5]Mode{Draft, Approve, RunNotify, Run, Run}},
		{ExternalComm, [5]Mode{Draft, Approve, Approve, Run, Run}},
		{Commitment, [5]Mode{Draft, Approve, Approve, Approve, RunNotify}},
		{Destructive, [5]Mode{Draft, Approve, Approve, Approve, Approve}},
	}
	for _, row := range table {
		for i, want := range row.modes {
			level := Level(i + 1)
			if got := ModeOf(level, row.class); got != want {
				t.Errorf("ModeOf(%s, %s) = %s, want %s", level, row.class, got, want)
			}
		}
	}
}

func TestModeOfStrictOnMistakes(t *testing.T) {
	tests := []struct {
		name  string
		level Level
		class Class
		want  Mode
	}{
		{"level 0 acts as L1", 0, RecordChange, Draft},
		{"level 6 acts as L1", 6, ExternalComm, Draft},
		{"reading runs even at an invalid level", 0, Read, Run},
		{"negative level acts as L1", -3, InternalNote, Draft},
		{"unknown class at L5 needs approval", L5, Class(42), Approve},
		{"unknown class at L1 is drafted", L1, Class(42), Draft},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ModeOf(tt.level, tt.class); got != tt.want {
				t.Errorf("ModeOf(%d, %d) = %s, want %s", tt.level, tt.class, got, tt.want)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		level Level
		valid bool
		str   string
	}{
		{0, false, "L0 invalid"},
		{L1, true, "L1 draft only"},
		{L2, true, "L2 assisted"},
		{L3, true, "L3 supervised"},
		{L4, true, "L4 delegated"},
		{L5, true, "L5 autonomous"},
		{6, false, "L6 invalid"},
	}
	for _, tt := range tests {
		if got := tt.level.Valid(); got != tt.valid {
			t.Errorf("Level(%d).Valid() = %v, want %v", tt.level, got, tt.valid)
		}
		if got := tt.level.String(); got != tt.str {
			t.Errorf("Level(%d).String() = %q, want %q", tt.level, got, tt.str)
		}
	}
}

func TestModeString(t *testing.T) {
	tests := []struct {
		mode Mode
		want string
	}{
		{Run, "run"},
		{Draft, "draft"},
		{Approve, "approve"},
		{RunNotify, "run_notify"},
		{Mode(9), "mode(9)"},
	}
	for _, tt := range tests {
		if got := tt.mode.String(); got != tt.want {
			t.Errorf("Mode(%d).String() = %q, want %q", int(tt.mode), got, tt.want)
		}
	}
	var zero Mode
	if zero != Draft {
		t.Errorf("zero Mode = %s, want draft", zero)
	}
}

func TestClassOf(t *testing.T) {
	tests := []struct {
		action string
		want   Class
	}{
		// lead next actions (reference §4.3)
		{"auto_assign_to_sales", RecordChange},
		{"assign_to_sales", RecordChange},
		{"send_welcome_email", ExternalComm},
		{"schedule_follow_up_task", InternalNote},
		{"add_to_hot_leads_list", InternalNote},
		{"create_follow_up_task", InternalNote},
		{"notify_sales_team", InternalNote},
		{"draft_welcome_email", InternalNote},
		{"flag_for_immediate_review", InternalNote},
		{"add_to_nurture_sequence", ExternalComm},
		{"request_additional_info", ExternalComm},
		{"score_monitoring", Read},
		{"flag_for_manual_review", InternalNote},
		{"queue_for_qualification_call", InternalNote},
		{"add_to_newsletter", ExternalComm},
		{"tag_as_future_opportunity", InternalNote},
		{"review_disqualification", InternalNote},
		{"consider_nurture_campaign", InternalNote},
		{"schedule_demo", ExternalComm},
		{"priority_sales_contact", ExternalComm},
		// deal and account actions
		{"advance_stage", RecordChange},
		{"apply_discount", Commitment},
		{"close_won", Commitment},
		{"close_lost", Commitment},
		{"merge", Destructive},
		{"delete", Destructive},
		{"disqualify", Destructive},
		{"enrich", Read},
		// unknown names, by verb
		{"send_birthday_card", ExternalComm},
		{"draft_proposal", InternalNote},
		{"delete_notes", Destructive},
		{"merge_accounts", Destructive},
		{"apply_discount_20", Commitment},
		{"tag_vip", InternalNote},
		{"recalculate_territory", RecordChange},
		{"", RecordChange},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			if got := ClassOf(tt.action); got != tt.want {
				t.Errorf("ClassOf(%q) = %s, want %s", tt.action, got, tt.want)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	tests := []struct {
		level Level
		class Class
		want  string
	}{
		{L3, ExternalComm, "external communication needs approval at L3 supervised"},
		{L1, Read, "read runs at L1 draft only"},
		{L1, Commitment, "commercial commitment is drafted for a person at L1 draft only"},
		{L3, RecordChange, "record change runs and notifies the owner at L3 supervised"},
		{L4, ExternalComm, "external communication runs at L4 delegated"},
		{0, InternalNote, "internal note is drafted for a person at L1 draft only"},
	}
	for _, tt := range tests {
		if got := Explain(tt.level, tt.class); got != tt.want {
			t.Errorf("Explain(%d, %s) = %q, want %q", tt.level, tt.class, got, tt.want)
		}
	}
}
