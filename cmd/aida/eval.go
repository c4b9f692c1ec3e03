package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/runtime/ai/golden"
	"github.com/aidacrm/aida/runtime/ai/offline"
	"google.golang.org/protobuf/types/known/structpb"
)

const evalUsage = `Usage:
  aida eval [--purpose P]   run the offline brain over the golden set and print, per purpose,
                            the cases, the passes and the pass rate (pass^1), and each failure

Purposes: reply_intent, lead_qualification, deal_next_action (all when --purpose is not given).
Progress goes to stderr; the exit code is 0 whatever the pass rates (2 for a bad argument).
`

// evalCommand runs `aida eval`: the offline brain over the golden set.
func evalCommand(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("aida eval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	purpose := fs.String("purpose", "", "evaluate only this purpose")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, evalUsage)
			return 0
		}
		fmt.Fprintf(stderr, "aida eval: %v\n%s", err, evalUsage)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "aida eval: unexpected argument %q\n%s", fs.Arg(0), evalUsage)
		return 2
	}
	only := golden.Purpose(*purpose)
	if only != "" && !slices.Contains(golden.Purposes(), only) {
		fmt.Fprintf(stderr, "aida eval: unknown purpose %q; say one of %s\n", only, purposeList())
		return 2
	}
	set, err := golden.Cases()
	if err != nil {
		fmt.Fprintf(stderr, "aida eval: %v\n", err)
		return 1
	}
	brain := golden.Brain{Reply: offline.ReadReply, Lead: qualifyCase}
	results := golden.Evaluate(set, brain, only, func(p golden.Purpose, done, total int) {
		if done == total || done%10 == 0 {
			fmt.Fprintf(stderr, "eval: %s %d/%d\n", p, done, total)
		}
	})
	printEval(stdout, set.Len(), results)
	if getenv("AIDA_AI_BASE_URL") != "" || getenv("AIDA_AI_MODEL") != "" {
		fmt.Fprintln(stdout, "\nA model is configured (AIDA_AI_BASE_URL / AIDA_AI_MODEL), but AIDA has no AI client yet:")
		fmt.Fprintln(stdout, "model evaluation (pass^1 and pass^3) comes with the AI client. Only the offline brain was evaluated.")
	}
	return 0
}

func printEval(w io.Writer, total int, results []golden.Result) {
	fmt.Fprintf(w, "AIDA eval: the offline brain over the golden set (%d cases)\n\n", total)
	fmt.Fprintf(w, "%-20s %6s %7s %8s\n", "purpose", "cases", "passes", "pass^1")
	for _, r := range results {
		if !r.Evaluated {
			fmt.Fprintf(w, "%-20s %6d %7s %8s  not evaluated: %s\n", r.Purpose, r.Cases, "-", "-", r.Why)
			continue
		}
		fmt.Fprintf(w, "%-20s %6d %7d %7.1f%%\n", r.Purpose, r.Cases, r.Passes, 100*r.Rate())
	}
	for _, r := range results {
		if len(r.Failures) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nfailures of %s:\n", r.Purpose)
		for _, f := range r.Failures {
			fmt.Fprintf(w, "  %s: expected %s, got %s\n", f.ID, f.Expected, f.Got)
		}
	}
}

// qualifyCase captures the case's lead the way the lead actor does (lead.Decide on
// capture_lead, which scores it with the offline brain) and returns the decision.
func qualifyCase(c golden.LeadCase) string {
	l := c.Lead
	cmd := &aidapb.Command{Id: c.ID, Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
		Email: l.Email, FirstName: l.FirstName, LastName: l.LastName, Company: l.Company,
		Phone: l.Phone, Source: l.Source, Campaign: l.Campaign, Utm: l.UTM, AutonomyLevel: c.Level,
	}}}
	if len(l.CustomFields) > 0 {
		fields := map[string]any{}
		for k, v := range l.CustomFields {
			fields[k] = v
		}
		cf, err := structpb.NewStruct(fields)
		if err != nil {
			return "error: " + err.Error()
		}
		cmd.GetCaptureLead().CustomFields = cf
	}
	events, err := lead.Decide(nil, cmd, c.Now)
	if err != nil {
		return "error: " + err.Error()
	}
	for _, e := range events {
		if q := e.GetLeadQualified(); q != nil {
			return q.GetQualification().GetDecision()
		}
	}
	return "error: capture gave no qualification"
}

func purposeList() string {
	var ps []string
	for _, p := range golden.Purposes() {
		ps = append(ps, string(p))
	}
	return strings.Join(ps, ", ")
}
