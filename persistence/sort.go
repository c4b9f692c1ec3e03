package persistence

import (
	"fmt"
	"slices"
	"strings"
)

// The orders of List (Query.Sort). A leading "-" is descending. Ties go by id in the same
// direction, so each order is total and a cursor is a position in it. Rows without a score or
// an amount come last in -score and -amount (their key counts as -1; real ones are ≥ 0).
const (
	SortNewest      = ""            // the default: the same order as SortCreatedDesc
	SortCreated     = "created_at"  // oldest first
	SortCreatedDesc = "-created_at" // newest first
	SortUpdated     = "updated_at"  // least recently updated first
	SortUpdatedDesc = "-updated_at" // most recently updated first
	SortScoreDesc   = "-score"      // highest score first (lead score, deal probability, account health)
	SortAmountDesc  = "-amount"     // largest amount first (deal value)
)

// Sorts returns the values Query.Sort takes.
func Sorts() []string {
	return []string{SortNewest, SortCreated, SortCreatedDesc, SortUpdated, SortUpdatedDesc, SortScoreDesc, SortAmountDesc}
}

// Order is a List order as backends need it: the key it sorts by and its direction.
type Order struct {
	Name string // the canonical Query.Sort ("-created_at" for "")
	Key  string // created_at, updated_at, score or amount
	Desc bool
}

// OrderOf returns the order of sort, or an error wrapping ErrBadSort.
func OrderOf(sort string) (Order, error) {
	if sort == SortNewest {
		sort = SortCreatedDesc
	}
	if !slices.Contains(Sorts(), sort) {
		return Order{}, fmt.Errorf("sort %q: %w", sort, ErrBadSort)
	}
	key, desc := strings.CutPrefix(sort, "-")
	return Order{Name: sort, Key: key, Desc: desc}, nil
}
