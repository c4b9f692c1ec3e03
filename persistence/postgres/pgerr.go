package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aidacrm/aida/persistence"
)

// statementError tells whether err is the server refusing a statement (a constraint, a deadlock,
// bad input): the transaction failed but the server is there, so items may be retried alone.
// Anything else — no connection, an ended context, an operator shutdown — is unavailability.
func statementError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return errors.Is(err, errLostRow)
	}
	switch {
	case strings.HasPrefix(pe.Code, "08"), // connection exception
		strings.HasPrefix(pe.Code, "53"), // insufficient resources
		strings.HasPrefix(pe.Code, "57"): // operator intervention: shutdown, query cancelled
		return false
	}
	return true
}

// classify wraps errors that are not statement errors with persistence.ErrUnavailable.
func classify(err error) error {
	if statementError(err) {
		return err
	}
	return persistence.Unavailable(err)
}

// violated returns the constraint a unique violation names, or "".
func violated(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName
	}
	return ""
}

// retryable tells whether a statement error is a transient one (deadlock, serialization).
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "40")
}
