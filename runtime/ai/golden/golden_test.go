package golden

import (
	"testing"
	"time"

	"github.com/aidacrm/aida/runtime/ai/offline"
)

func TestCases(t *testing.T) {
	s, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what    string
		got, at int
	}{
		{"cases", s.Len(), 60},
		{"replies", len(s.Replies), 40},
		{"leads", len(s.Leads), 10},
		{"deals", len(s.Deals), 10},
	} {
		if c.got < c.at {
			t.Errorf("%s = %d, want at least %d", c.what, c.got, c.at)
		}
	}
	for _, c := range s.Replies {
		if c.Now.IsZero() || c.Text == "" && c.Expect.Kind != offline.Unknown {
			t.Errorf("reply %s: no time or no text", c.ID)
		}
		if c.Expect.Until != "" {
			if _, err := time.Parse(time.DateOnly, c.Expect.Until); err != nil {
				t.Errorf("reply %s: until %q is not YYYY-MM-DD", c.ID, c.Expect.Until)
			}
		}
	}
	for _, c := range s.Leads {
		switch c.Expect.Decision {
		case "qualified", "pending", "unqualified":
		default:
			t.Errorf("lead %s: decision %q", c.ID, c.Expect.Decision)
		}
		if c.Now.IsZero() || c.Level < 1 || c.Level > 5 {
			t.Errorf("lead %s: no time or level %d", c.ID, c.Level)
		}
	}
	if s.DealsEvaluated || s.DealsWhy == "" {
		t.Errorf("deals: evaluated %v, why %q; no offline function proposes a deal's next action yet", s.DealsEvaluated, s.DealsWhy)
	}
}

func TestCheckRejects(t *testing.T) {
	twice := Set{Leads: []LeadCase{{ID: "a"}, {ID: "a"}}}
	if twice.check() == nil {
		t.Error("a repeated ID passed")
	}
	odd := Set{Replies: []ReplyCase{{ID: "r", Expect: ReplyExpect{Kind: "maybe"}}}}
	if odd.check() == nil {
		t.Error("an unknown kind passed")
	}
}

func TestEvaluate(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	s := Set{
		Replies: []ReplyCase{
			{ID: "r1", Expect: ReplyExpect{Kind: offline.NotNow, Until: "2026-03-02"}},
			{ID: "r2", Expect: ReplyExpect{Kind: offline.Interested}},
		},
		Leads:    []LeadCase{{ID: "l1"}},
		Deals:    []DealCase{{ID: "d1"}},
		DealsWhy: "not yet",
	}
	s.Leads[0].Expect.Decision = "qualified"
	b := Brain{
		Reply: func(string, time.Time) offline.Intent { return offline.Intent{Kind: offline.NotNow, Until: day} },
		Lead:  func(LeadCase) string { return "qualified" },
		Deal:  func(DealCase) DealExpect { return DealExpect{Action: "engage"} },
	}
	var calls int
	rs := Evaluate(s, b, "", func(Purpose, int, int) { calls++ })
	if len(rs) != 3 || calls != 3 {
		t.Fatalf("results %d, progress calls %d; want 3 and 3", len(rs), calls)
	}
	if r := rs[0]; r.Passes != 1 || r.Cases != 2 || r.Rate() != 0.5 || len(r.Failures) != 1 ||
		r.Failures[0] != (Failure{ID: "r2", Expected: "interested", Got: "not_now until 2026-03-02"}) {
		t.Errorf("replies: %+v", r)
	}
	if r := rs[1]; r.Passes != 1 || r.Rate() != 1 {
		t.Errorf("leads: %+v", r)
	}
	if r := rs[2]; r.Evaluated || r.Why != "not yet" || r.Rate() != 0 {
		t.Errorf("deals: %+v, want not evaluated", r)
	}
	if rs := Evaluate(s, Brain{}, LeadQualification, nil); len(rs) != 1 || rs[0].Evaluated {
		t.Errorf("only leads, no qualifier: %+v", rs)
	}
}
