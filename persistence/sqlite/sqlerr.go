package sqlite

import (
	"context"
	"errors"
	"strings"

	"github.com/aidacrm/aida/persistence"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// isUnavailable tells whether err is a context end or an SQLite error that says the database
// cannot serve now (locked past the busy timeout, I/O, disk full), rather than a bad statement.
func isUnavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_IOERR,
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
		return true
	}
	return false
}

// unavailableIfContext wraps context and availability errors with persistence.ErrUnavailable.
func unavailableIfContext(err error) error {
	if isUnavailable(err) {
		return persistence.Unavailable(err)
	}
	return err
}

// constraint names the schema constraint an error violated.
type constraint int

const (
	constraintNone      constraint = iota
	constraintEntity               // entities primary key (kind, id): a concurrent creator
	constraintUniqueKey            // entities (kind, unique_key)
)

// constraintOf tells which of our constraints err violated, if any.
func constraintOf(err error) constraint {
	var se *msqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_CONSTRAINT {
		return constraintNone
	}
	msg := se.Error()
	switch {
	case strings.Contains(msg, "entities.unique_key"):
		return constraintUniqueKey
	case strings.Contains(msg, "entities.kind, entities.id"):
		return constraintEntity
	}
	return constraintNone
}
