package rest

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

func TestViewRecentLead(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	l := &aidapb.Lead{
		Id: "0198f3c2-7c1e-7000-8000-000000000001", FirstName: "Ada", LastName: "Lovelace",
		Email: "ada@example.com", Company: "Analytical Engines", Status: "qualified", AutonomyLevel: 2,
		Qualification: &aidapb.Qualification{Score: 620},
		NextActions:   []*aidapb.NextAction{{Action: "send_welcome_email"}, {Action: "schedule_demo"}},
		CreatedAt:     timestamppb.New(at),
	}
	got := marshal(t, ViewRecentLead(l))
	want := `{"id":"0198f3c2-7c1e-7000-8000-000000000001","full_name":"Ada Lovelace","email":"ada@example.com",` +
		`"company":"Analytical Engines","status":"qualified","score":0.620,"next_action":"send_welcome_email",` +
		`"autonomy_level":2,"created_at":"2025-03-01T09:30:00Z"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	bare := marshal(t, ViewRecentLead(&aidapb.Lead{Id: "x", FirstName: "Solo"}))
	for _, part := range []string{`"full_name":"Solo"`, `"score":null`, `"next_action":""`, `"created_at":null`} {
		if !strings.Contains(bare, part) {
			t.Errorf("unscored lead %s lacks %s", bare, part)
		}
	}
}
