package operation

import "strings"

// maxLogged is the most of a text from outside (a path, a subject, a method) that goes into a
// log line.
const maxLogged = 200

// Loggable returns s, a text from outside, fit for a log line: valid UTF-8 and at most 200
// bytes (then an ellipsis). Every door shortens what a caller chose before logging it, so that
// nobody fills the operator's logs or forges lines in them.
func Loggable(s string) string {
	if len(s) > maxLogged {
		s = s[:maxLogged] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
