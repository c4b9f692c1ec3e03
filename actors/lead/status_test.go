package lead

import (
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// TestChangeStatusEveryPair tries change_lead_status for every (from, to) pair of statuses.
// The allowed moves are written out here, independently of the table in status.go.
func TestChangeStatusEveryPair(t *testing.T) {
	allowed := map[[2]string]bool{
		{"new", "contacted"}:         true,
		{"new", "qualified"}:         true,
		{"new", "unqualified"}:       true,
		{"contacted", "qualified"}:   true,
		{"contacted", "unqualified"}: true,
		{"qualified", "contacted"}:   true,
		{"qualified", "unqualified"}: true,
		{"unqualified", "qualified"}: true,
		{"unqualified", "contacted"}: true,
	}
	all := []string{"new", "contacted", "qualified", "unqualified", "converted", "archived"}
	if got := Statuses(); strings.Join(got, ",") != strings.Join(all, ",") {
		t.Fatalf("Statuses() = %v, want %v", got, all)
	}
	for _, from := range all {
		for _, to := range all {
			t.Run(from+"→"+to, func(t *testing.T) {
				s := &aidapb.Lead{Email: "a@b.org", Status: from, AutonomyLevel: 3, Version: 4}
				if from == StatusArchived {
					s.ArchivedFrom = StatusContacted
				}
				next, events, err := run(s, statusCmd(to), morning)
				if allowed[[2]string{from, to}] {
					if err != nil {
						t.Fatalf("want allowed, got %v", err)
					}
					if len(events) != 1 || events[0].Type != TypeStatusChanged {
						t.Fatalf("events = %v, want one %s", types(events), TypeStatusChanged)
					}
					ch := events[0].GetLeadStatusChanged()
					if ch.From != from || ch.To != to || ch.Reason != "called" {
						t.Errorf("event = %v", ch)
					}
					if next.Status != to || next.Version != 5 {
						t.Errorf("state status %s version %d, want %s 5", next.Status, next.Version, to)
					}
					return
				}
				fe := faultOf(t, err)
				if fe.Code != fault.Transition {
					t.Fatalf("code = %v, want Transition (%v)", fe.Code, err)
				}
				if !strings.Contains(fe.Message, from) {
					t.Errorf("message %q does not name the current status %s", fe.Message, from)
				}
				_, tail, _ := strings.Cut(fe.Message, "allowed from "+from+": ")
				for _, ok := range all {
					if allowed[[2]string{from, ok}] && !strings.Contains(tail, ok) {
						t.Errorf("message %q does not name the allowed status %s", fe.Message, ok)
					}
				}
			})
		}
	}
}

func TestChangeStatusMessages(t *testing.T) {
	tests := []struct {
		from, to string
		want     string
	}{
		{"qualified", "qualified", "lead is already qualified; allowed from qualified: contacted, unqualified"},
		{"contacted", "new", "cannot move lead from contacted to new; allowed from contacted: qualified, unqualified"},
		{"new", "converted", "cannot move lead from new to converted (use convert_lead, from qualified); allowed from new: contacted, qualified, unqualified"},
		{"qualified", "archived", "cannot move lead from qualified to archived (use archive_lead); allowed from qualified: contacted, unqualified"},
		{"archived", "new", "lead is archived; restore it first (restore_lead)"},
		{"converted", "qualified", "lead is converted, which is final; no status change is allowed"},
	}
	for _, tt := range tests {
		_, err := Decide(&aidapb.Lead{Status: tt.from}, statusCmd(tt.to), morning)
		if err == nil || faultOf(t, err).Message != tt.want {
			t.Errorf("%s→%s: error %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
}

func TestChangeStatusInvalid(t *testing.T) {
	tests := []struct {
		status string
		reason string
		fields []string
	}{
		{"won", "", []string{"status"}},
		{"", "", []string{"status"}},
		{"qualified", strings.Repeat("x", 501), []string{"reason"}},
	}
	for _, tt := range tests {
		cmd := statusCmd(tt.status)
		cmd.GetChangeLeadStatus().Reason = tt.reason
		_, err := Decide(&aidapb.Lead{Status: StatusNew}, cmd, morning)
		if fault.CodeOf(err) != fault.Invalid || strings.Join(fieldNames(err), ",") != strings.Join(tt.fields, ",") {
			t.Errorf("status %q: error %v, want Invalid on %v", tt.status, err, tt.fields)
		}
	}
	// Status names are case- and space-insensitive.
	events, err := Decide(&aidapb.Lead{Status: StatusNew}, statusCmd(" Contacted "), morning)
	if err != nil || events[0].GetLeadStatusChanged().To != StatusContacted {
		t.Errorf("\" Contacted \": %v %v", events, err)
	}
}
