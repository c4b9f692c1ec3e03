package record

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/policies/autonomy"
)

// Limits are the lengths, in characters (runes), a kind allows for the text of the commands
// every kind takes.
type Limits struct {
	Note   int // a note's text
	Author int // a note's author
	Reason int // the reason of an autonomy change
}

// CheckLen records field as invalid in bad when v is longer than max characters.
func CheckLen(bad *fault.Fields, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		bad.Add(field, "must be at most %d characters", max)
	}
}

// Text trims raw and records field as invalid in bad when it is longer than max characters.
// It returns the trimmed text.
func Text(bad *fault.Fields, field, raw string, max int) string {
	v := strings.TrimSpace(raw)
	CheckLen(bad, field, v, max)
	return v
}

// Line is Text for one line: it also records field as invalid when the trimmed text holds a
// control character (a newline, a tab). A text that is too long is reported for its length
// only.
func Line(bad *fault.Fields, field, raw string, max int) string {
	v := strings.TrimSpace(raw)
	if utf8.RuneCountInString(v) > max {
		bad.Add(field, "must be at most %d characters", max)
	} else if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		bad.Add(field, "must be one line of text")
	}
	return v
}

// CheckLevel records field as invalid in bad unless level is an autonomy level, 1 to 5.
func CheckLevel(bad *fault.Fields, field string, level int32) {
	if !autonomy.Level(level).Valid() {
		bad.Add(field, "must be 1 to 5")
	}
}
