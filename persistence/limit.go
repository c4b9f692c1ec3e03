package persistence

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
