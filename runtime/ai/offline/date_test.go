package offline

import (
	"testing"
	"time"
)

func TestUntil(t *testing.T) {
	tests := []struct {
		text, want string // want YYYY-MM-DD, or "" for no date
	}{
		{"next quarter", "2026-04-01"},
		{"in two weeks", "2026-03-16"},
		{"in 10 days", "2026-03-12"},
		{"in a month", "2026-04-02"},
		{"in a couple of months", "2026-05-02"},
		{"in a year", "2027-03-02"},
		{"after March 3", "2026-03-04"},
		{"after march 3rd", "2026-03-04"},
		{"until Mar. 20", "2026-03-20"},
		{"back on 12/05", "2026-12-05"},
		{"back on 25/12", "2026-12-25"},
		{"back 3/1", "2027-03-01"},
		{"on 2026-09-15", "2026-09-15"},
		{"on 2026-02-31", ""},
		{"13/13", ""},
		{"5 March 2027", "2027-03-05"},
		{"the 14th of April", "2026-04-14"},
		{"February 1", "2027-02-01"},
		{"in Q3", "2026-07-01"},
		{"Q1 2027", "2027-01-01"},
		{"in q1", "2027-01-01"},
		{"the third quarter", "2026-07-01"},
		{"next week", "2026-03-09"},
		{"next month", "2026-04-01"},
		{"next year", "2027-01-01"},
		{"next Friday", "2026-03-06"},
		{"back on Monday", "2026-03-09"},
		{"until Wednesday", "2026-03-04"},
		{"after Wednesday", "2026-03-05"},
		{"end of the month", "2026-04-01"},
		{"the first one wins: in two weeks, or after April 1", "2026-03-16"},
		{"nothing here", ""},
		{"we have 12 seats", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			d, _, ok := until(tt.text, monday)
			got := ""
			if ok {
				got = d.Format(time.DateOnly)
				if d.Hour() != 0 || d.Location() != monday.Location() {
					t.Errorf("until(%q) = %v, want midnight in now's location", tt.text, d)
				}
			}
			if got != tt.want {
				t.Errorf("until(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestUntilInNowsLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2026, 3, 2, 23, 30, 0, 0, ny) // already 3 March in UTC
	d, _, ok := until("in two days", now)
	if !ok || d.Format(time.DateOnly) != "2026-03-04" || d.Location() != ny {
		t.Errorf("until = %v, %v; want 2026-03-04 in New York", d, ok)
	}
}
