package sqlite

import (
	"database/sql"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// null stores an empty string as NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// score stores a negative score (none) as NULL.
func score(v int32) any {
	if v < 0 {
		return nil
	}
	return int64(v)
}

// stamp returns t in unix microseconds, or now when t is zero.
func stamp(t, now time.Time) int64 {
	if t.IsZero() {
		t = now
	}
	return t.UnixMicro()
}

// fromMicros turns stored unix microseconds back into a UTC time.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// jsonText stores empty JSON as {}.
func jsonText(b []byte) string {
	if len(b) == 0 {
		return "{}"
	}
	return string(b)
}

// nullable holds the nullable columns of a snapshot row while scanning.
type nullable struct {
	status, source, owner, key, amount sql.NullString
	score                              sql.NullInt64
	level                              int32
}

func (n nullable) index() persistence.Index {
	ix := persistence.Index{
		Status: n.status.String, Source: n.source.String, Owner: n.owner.String,
		UniqueKey: n.key.String, Amount: n.amount.String, Score: -1, Level: n.level,
	}
	if n.score.Valid {
		ix.Score = int32(n.score.Int64)
	}
	return ix
}
