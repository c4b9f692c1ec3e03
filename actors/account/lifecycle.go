package account

import "slices"

// The lifecycle stages of an account.
const (
	Onboarding     = "onboarding"
	Active         = "active"
	AtRisk         = "at_risk"
	ExpansionReady = "expansion_ready"
	Churned        = "churned"
)

type lifecycleInfo struct {
	name string
	next []string
}

// lifecycleTable lists, for each lifecycle stage, the stages an account may move to (a fresh
// copy: no package state). A churned account can only be won back into onboarding.
func lifecycleTable() []lifecycleInfo {
	return []lifecycleInfo{
		{Onboarding, []string{Active, AtRisk, Churned}},
		{Active, []string{AtRisk, ExpansionReady, Churned}},
		{AtRisk, []string{Active, Churned}},
		{ExpansionReady, []string{Active, AtRisk, Churned}},
		{Churned, []string{Onboarding}},
	}
}

// Lifecycles returns every lifecycle stage.
func Lifecycles() []string {
	table := lifecycleTable()
	out := make([]string, len(table))
	for i, l := range table {
		out[i] = l.name
	}
	return out
}

// ValidLifecycle reports whether l is a lifecycle stage.
func ValidLifecycle(l string) bool { return slices.Contains(Lifecycles(), l) }

// NextLifecycles returns the stages an account in lifecycle l may move to.
func NextLifecycles(l string) []string {
	for _, row := range lifecycleTable() {
		if row.name == l {
			return row.next
		}
	}
	return nil
}

// CanMove reports whether an account may move from one lifecycle stage to another.
func CanMove(from, to string) bool { return slices.Contains(NextLifecycles(from), to) }
