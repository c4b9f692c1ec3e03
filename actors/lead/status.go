package lead

import (
	"strings"

	"github.com/aidacrm/aida/api/fault"
)

// Lead statuses.
const (
	StatusNew         = "new"
	StatusContacted   = "contacted"
	StatusQualified   = "qualified"
	StatusUnqualified = "unqualified"
	StatusConverted   = "converted"
	StatusArchived    = "archived"
)

// Statuses lists every status, in lifecycle order.
func Statuses() []string {
	return []string{StatusNew, StatusContacted, StatusQualified, StatusUnqualified,
		StatusConverted, StatusArchived}
}

// moves is the status machine of change_lead_status: from a status, the statuses it may move
// to. Converted is reached only by convert_lead (from qualified) and is final; archived is
// reached only by archive_lead (from any status but converted) and left only by restore_lead,
// back to the status it was archived from.
func moves(from string) []string {
	switch from {
	case StatusNew:
		return []string{StatusContacted, StatusQualified, StatusUnqualified}
	case StatusContacted:
		return []string{StatusQualified, StatusUnqualified}
	case StatusQualified:
		return []string{StatusContacted, StatusUnqualified}
	case StatusUnqualified:
		return []string{StatusQualified, StatusContacted}
	}
	return nil
}

func knownStatus(s string) bool {
	for _, v := range Statuses() {
		if v == s {
			return true
		}
	}
	return false
}

// checkMove returns nil when change_lead_status may move a lead from one status to another,
// or a fault.Transition error naming the current status and what is allowed from it.
func checkMove(from, to string) error {
	switch {
	case from == to:
		return fault.New(fault.Transition, "lead is already %s; allowed from %s: %s", from, from, describe(moves(from)))
	case from == StatusConverted:
		return fault.New(fault.Transition, "lead is converted, which is final; no status change is allowed")
	case from == StatusArchived:
		return fault.New(fault.Transition, "lead is archived; restore it first (restore_lead)")
	}
	allowed := moves(from)
	for _, a := range allowed {
		if a == to {
			return nil
		}
	}
	var hint string
	switch to {
	case StatusConverted:
		hint = " (use convert_lead, from qualified)"
	case StatusArchived:
		hint = " (use archive_lead)"
	}
	return fault.New(fault.Transition, "cannot move lead from %s to %s%s; allowed from %s: %s",
		from, to, hint, from, describe(allowed))
}

func describe(statuses []string) string {
	if len(statuses) == 0 {
		return "none"
	}
	return strings.Join(statuses, ", ")
}

// statusField validates the target of change_lead_status.
func statusField(to string) error {
	if !knownStatus(to) {
		var fs fault.Fields
		fs.Add("status", "must be one of %s", strings.Join(Statuses(), ", "))
		return fs.Err()
	}
	return nil
}
