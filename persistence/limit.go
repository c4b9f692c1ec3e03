package persistence

import "fmt"

// Limits of the contract's reads; see Query.Limit, Store.Journal, Store.Unpublished and
// Store.DueReminders.
const (
	defaultPageSize   = 50
	maxPageSize       = 500
	defaultEntryLimit = 500
)

// PageSize applies the contract's List limit: 0 means 50; others are clamped to 1..500.
func PageSize(n int) int {
	if n == 0 {
		return defaultPageSize
	}
	return min(max(n, 1), maxPageSize)
}

// EntryLimit applies the limit of Journal, Unpublished and DueReminders: a non-positive limit
// means 500.
func EntryLimit(n int) int {
	if n <= 0 {
		return defaultEntryLimit
	}
	return n
}

// First returns the one row a lookup by key read: rows[0], or an error wrapping ErrNotFound
// when it read none. A read error is classified by classify and wrapped with what.
func First[T any](rows []T, err error, what string, classify func(error) error) (T, error) {
	var zero T
	switch {
	case err != nil:
		return zero, fmt.Errorf("%s: %w", what, classify(err))
	case len(rows) == 0:
		return zero, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return rows[0], nil
}
