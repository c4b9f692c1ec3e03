package persistence

import (
	"errors"
	"fmt"
)

// ErrNotFound: the entity has no snapshot in the store.
var ErrNotFound = errors.New("not found")

// ErrConflict: the entity's stored version is not the version the append expected; another
// writer got there first. Reload and decide again.
var ErrConflict = errors.New("version conflict")

// ErrUnavailable: the store cannot be reached or is overloaded; the request may be retried.
var ErrUnavailable = errors.New("store unavailable")

// ErrClosed: the store or group has been closed.
var ErrClosed = errors.New("store closed")

// UniqueError: an append would give an entity a unique key (a lead's email, an account's
// company) that another entity of the same kind already holds.
type UniqueError struct {
	Kind       string
	Key        string
	ExistingID string // the entity holding the key, when the backend could tell
}

func (e *UniqueError) Error() string {
	return fmt.Sprintf("%s key %q is taken by %s", e.Kind, e.Key, e.ExistingID)
}

// Is makes errors.Is(err, ErrDuplicate) true for any *UniqueError.
func (e *UniqueError) Is(target error) bool { return target == ErrDuplicate }

// ErrDuplicate matches every *UniqueError with errors.Is.
var ErrDuplicate = errors.New("duplicate unique key")

// ErrBadCursor: a list cursor was not made by this store, or was made for another order.
var ErrBadCursor = errors.New("malformed cursor")

// ErrBadSort: a list order (Query.Sort) is none of Sorts.
var ErrBadSort = errors.New("unknown sort")

// ErrInvalid: an append is malformed (see Validate): no kind or id, no events, versions that
// are not dense after ExpectedVersion, events of another entity. Nothing of it is written;
// retrying it cannot succeed.
var ErrInvalid = errors.New("invalid append")

// Unavailable wraps err with ErrUnavailable, keeping err (a context error, a driver error) in
// the chain; an err that already wraps ErrUnavailable is returned as is.
func Unavailable(err error) error {
	if errors.Is(err, ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
