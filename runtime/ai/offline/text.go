package offline

import (
	"strings"
	"unicode"
)

// maxRead bounds how much of a reply the rules read; a reply's intent is in its first lines.
const maxRead = 16 << 10

// fresh returns the part of a reply its sender wrote: the lines before a quoted message's
// attribution ("On … wrote:", possibly wrapped over two lines, "-----Original Message-----" or
// Outlook's underscore rule), without lines quoted with ">".
func fresh(text string) string {
	if len(text) > maxRead {
		text = text[:maxRead]
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	for i, ln := range lines {
		t := strings.TrimSpace(ln)
		if strings.HasPrefix(t, ">") {
			continue
		}
		if attribution(t, lines[i+1:]) {
			break
		}
		out = append(out, ln)
	}
	return strings.Join(out, "\n")
}

func attribution(line string, rest []string) bool {
	l := strings.ToLower(line)
	switch {
	case strings.Contains(l, "original message") && strings.HasPrefix(l, "---"):
		return true
	case strings.HasPrefix(l, "________"):
		return true
	case !strings.HasPrefix(l, "on "):
		return false
	case strings.HasSuffix(l, "wrote:"):
		return true
	}
	return len(rest) > 0 && strings.HasSuffix(strings.ToLower(strings.TrimSpace(rest[0])), "wrote:")
}

// sentenceEnd is the token tokens puts between sentences, so phrases and negations never
// reach across them.
const sentenceEnd = "|"

// questionMark is the token tokens puts at the end of a sentence that ends in "?".
const questionMark = "?"

// tokens splits text into lower-case words of letters, digits and apostrophes (curly ones
// straightened), with sentenceEnd after each sentence or line and questionMark before the end
// of a question.
func tokens(text string) []string {
	var out []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			out = append(out, strings.Trim(w.String(), "'"))
			w.Reset()
		}
	}
	end := func() {
		flush()
		if len(out) > 0 && out[len(out)-1] != sentenceEnd {
			out = append(out, sentenceEnd)
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case r == '.' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]):
			flush() // 5.1.1, example.com: not a sentence's end
		case r == '’' || r == '‘' || r == '\'':
			w.WriteRune('\'')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(unicode.ToLower(r))
		case r == '?':
			flush()
			out = append(out, questionMark)
			end()
		case r == '.' || r == '!' || r == ';' || r == '\n':
			end()
		default:
			flush()
		}
	}
	end()
	return out
}

// phrase is a run of words to look for.
type phrase []string

// find returns the index in ts of each occurrence of p that does not cross a sentence end.
func (p phrase) find(ts []string) []int {
	var at []int
	for i := 0; i+len(p) <= len(ts); i++ {
		ok := true
		for j, w := range p {
			if ts[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			at = append(at, i)
		}
	}
	return at
}

func (p phrase) String() string { return strings.Join(p, " ") }

// phrases splits each of ss into a phrase.
func phrases(ss ...string) []phrase {
	out := make([]phrase, len(ss))
	for i, s := range ss {
		out[i] = strings.Fields(s)
	}
	return out
}

// negated reports whether one of the three words before ts[i], in the same sentence, negates it.
func negated(ts []string, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		switch w := ts[j]; {
		case w == sentenceEnd:
			return false
		case w == "not" || w == "no" || w == "never" || w == "longer" || w == "nor" ||
			strings.HasSuffix(w, "n't"):
			return true
		}
	}
	return false
}
