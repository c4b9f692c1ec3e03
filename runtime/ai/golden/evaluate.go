package golden

import (
	"fmt"
	"time"

	"github.com/aidacrm/aida/runtime/ai/offline"
)

// Brain is what Evaluate runs over the set: one function per purpose. A nil function leaves its
// purpose not evaluated.
type Brain struct {
	Reply func(text string, now time.Time) offline.Intent
	Lead  func(c LeadCase) string // the qualification decision
	Deal  func(c DealCase) DealExpect
}

// Result is one purpose's tally.
type Result struct {
	Purpose   Purpose
	Cases     int
	Passes    int
	Evaluated bool
	Why       string // why a purpose was not evaluated
	Failures  []Failure
}

// Rate is the share of cases that passed (pass^1), 0 when none were run.
func (r Result) Rate() float64 {
	if !r.Evaluated || r.Cases == 0 {
		return 0
	}
	return float64(r.Passes) / float64(r.Cases)
}

// Failure is a case whose answer differed from the expected one.
type Failure struct {
	ID       string
	Expected string
	Got      string
}

// Evaluate runs b over the cases of s, for every purpose or only the one named by only (empty
// for all), and reports progress (may be nil) after each case.
func Evaluate(s Set, b Brain, only Purpose, progress func(p Purpose, done, total int)) []Result {
	if progress == nil {
		progress = func(Purpose, int, int) {}
	}
	var out []Result
	for _, p := range Purposes() {
		if only != "" && p != only {
			continue
		}
		r := Result{Purpose: p, Evaluated: true}
		switch p {
		case ReplyIntent:
			r.Cases = len(s.Replies)
			if b.Reply == nil {
				r.Evaluated, r.Why = false, "no reply reader"
				break
			}
			for i, c := range s.Replies {
				r.tally(c.ID, describeReply(c.Expect), describeReply(reading(b.Reply(c.Text, c.Now))))
				progress(p, i+1, r.Cases)
			}
		case LeadQualification:
			r.Cases = len(s.Leads)
			if b.Lead == nil {
				r.Evaluated, r.Why = false, "no lead qualifier"
				break
			}
			for i, c := range s.Leads {
				r.tally(c.ID, c.Expect.Decision, b.Lead(c))
				progress(p, i+1, r.Cases)
			}
		case DealNextAction:
			r.Cases = len(s.Deals)
			if b.Deal == nil || !s.DealsEvaluated {
				r.Evaluated, r.Why = false, s.DealsWhy
				break
			}
			for i, c := range s.Deals {
				r.tally(c.ID, describeDeal(c.Expect), describeDeal(b.Deal(c)))
				progress(p, i+1, r.Cases)
			}
		}
		out = append(out, r)
	}
	return out
}

func (r *Result) tally(id, want, got string) {
	if want == got {
		r.Passes++
		return
	}
	r.Failures = append(r.Failures, Failure{ID: id, Expected: want, Got: got})
}

// reading is the part of an intent the golden set pins.
func reading(in offline.Intent) ReplyExpect {
	e := ReplyExpect{Kind: in.Kind, Referral: in.Referral}
	if !in.Until.IsZero() {
		e.Until = in.Until.Format(time.DateOnly)
	}
	return e
}

func describeReply(e ReplyExpect) string {
	s := string(e.Kind)
	if e.Until != "" {
		s += " until " + e.Until
	}
	if !e.Referral.IsZero() {
		s += fmt.Sprintf(" referral %q <%s>", e.Referral.Name, e.Referral.Email)
	}
	return s
}

func describeDeal(e DealExpect) string {
	if e.To != "" {
		return e.Action + " to " + e.To
	}
	return e.Action
}
