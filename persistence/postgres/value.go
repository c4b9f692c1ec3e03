package postgres

import (
	"time"

	"github.com/aidacrm/aida/persistence"
)

// stamp returns t in UTC cut to microseconds (PostgreSQL's precision), or now when t is zero.
func stamp(t, now time.Time) time.Time {
	if t.IsZero() {
		t = now
	}
	return t.UTC().Truncate(time.Microsecond)
}

// jsonText stores empty JSON as {}.
func jsonText(b []byte) string {
	if len(b) == 0 {
		return "{}"
	}
	return string(b)
}

// nullable holds the nullable columns of a snapshot row while scanning.
type nullable struct {
	status, source, owner, key, amount *string
	score                              *int32
	level                              int32
}

func (n nullable) index() persistence.Index {
	ix := persistence.Index{
		Status: deref(n.status), Source: deref(n.source), Owner: deref(n.owner),
		UniqueKey: deref(n.key), Amount: deref(n.amount), Score: -1, Level: n.level,
	}
	if n.score != nil {
		ix.Score = *n.score
	}
	return ix
}

// deref reads a nullable string column; NULL is "".
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
