package rest

import (
	"slices"
	"strings"

	"github.com/aidacrm/aida/api/fault"
)

// Sorts returns the values the sort parameter of the list of kind (lead, deal or account)
// takes, the default first: -created_at (newest first), created_at, -updated_at (most recently
// changed first), updated_at, -score (a lead's score, a deal's probability, an account's
// health; unscored last) and, for deals, -amount (largest value first; none last).
func Sorts(kind string) []string {
	s := []string{"-created_at", "created_at", "-updated_at", "updated_at", "-score"}
	if kind == "deal" {
		s = append(s, "-amount")
	}
	return s
}

// DecodeSort reads the sort parameter of the list of kind, ignoring case and surrounding
// spaces: "" (newest first) or one of Sorts(kind). Anything else records in fs that sort must
// be one of them, and returns "".
func DecodeSort(kind, raw string, fs *fault.Fields) string {
	v := strings.ToLower(strings.TrimSpace(raw))
	if v == "" {
		return ""
	}
	allowed := Sorts(kind)
	if !slices.Contains(allowed, v) {
		fs.Add("sort", "must be one of %s", strings.Join(allowed, ", "))
		return ""
	}
	return v
}
