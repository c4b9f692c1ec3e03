package offline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The patterns that name another contact, on the reply's original text (names are read by
// their capital letters). A handoff before the contact: "talk to Jane Doe at jane@x.com",
// "please contact jane@x.com", "reach out to Jane (jane@x.com)"; a role after it: "Jane Doe
// <jane@x.com> handles purchasing".
var (
	emailRE   = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	handoffRE = regexp.MustCompile(`(?i:\b(?:talk|speak)\s+(?:to|with)|\breach\s+out\s+to|\bget\s+in\s+touch\s+with|\bcontact|\bemail|\bwrite\s+to|\bloop(?:ing)?\s+in|\bcc'?(?:ing)?|\bcopying|\bforward(?:ed|ing)\s+(?:this|it|you|your\s+\w+)\s+to)` +
		`\s+(?i:(?:my|our|the)\s+(?:colleague|manager|boss|ceo|cto|cfo|coo|head\s+of\s+\w+|vp\s+of\s+\w+|director\s+of\s+\w+)\s*,?\s+)?` +
		`(\p{Lu}[\p{L}'-]+(?:[ \t]+\p{Lu}[\p{L}'-]+){0,2})?` +
		`[\s,(<:-]*(?i:at\s+|on\s+|via\s+)?` +
		`([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?`)
	roleRE = regexp.MustCompile(`(\p{Lu}[\p{L}'-]+(?:[ \t]+\p{Lu}[\p{L}'-]+){0,2})\s*[(<]?\s*` +
		`([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?\s*[)>]?,?\s+` +
		`(?i:handles|is\s+responsible\s+for|is\s+in\s+charge\s+of|owns|runs|manages|takes\s+care\s+of|looks\s+after|is\s+the\s+right\s+person|is\s+the\s+best\s+person|is\s+who\s+you)`)
	selfRE = regexp.MustCompile(`(?i)\b(?:i|i'll|i'm|i\s+will|we|we'll|we\s+will|let\s+me|let\s+us|me)\s+(?:\w+\s+){0,2}$`)
)

// notNames are capitalised words that start a sentence or name a team, not a person.
func notNames() []string {
	return []string{"Me", "Us", "You", "Him", "Her", "Them", "Our", "The", "Your", "My", "This",
		"That", "It", "I", "We", "Sales", "Support", "Team", "Please", "Thanks", "Thank", "Hi",
		"Hello", "Regards", "Best", "Cheers", "Procurement", "Purchasing", "Legal", "Finance",
		"Marketing", "IT", "HR", "Info"}
}

// referral finds the contact a reply hands over to. handoff is true when a handoff or role
// pattern names a person or an address; contact may still be empty of either part.
func referral(text string) (c Contact, handoff bool) {
	for _, m := range handoffRE.FindAllStringSubmatchIndex(text, -1) {
		if selfRE.MatchString(sentenceBefore(text, m[0])) {
			continue // "I'll talk to John": the writer's own plan, not a handoff
		}
		c = Contact{Name: name(group(text, m, 1)), Email: strings.ToLower(group(text, m, 2))}
		if !c.IsZero() {
			return c, true
		}
	}
	if m := roleRE.FindStringSubmatchIndex(text); m != nil {
		c = Contact{Name: name(group(text, m, 1)), Email: strings.ToLower(group(text, m, 2))}
		if !c.IsZero() {
			return c, true
		}
	}
	return Contact{}, false
}

// anyAddress returns the first address in text with the capitalised words just before it as
// the name ("Jane Doe <jane@x.com>"), for a reply that says it went to the wrong person.
func anyAddress(text string) Contact {
	m := emailRE.FindStringIndex(text)
	if m == nil {
		return Contact{}
	}
	c := Contact{Email: strings.ToLower(text[m[0]:m[1]])}
	before := strings.TrimRight(text[:m[0]], " \t(<:,-")
	before = strings.TrimSuffix(strings.TrimSuffix(before, " at"), " on")
	ws := strings.Fields(before)
	var run []string
	for i := len(ws) - 1; i >= 0 && len(run) < 3; i-- {
		w := strings.Trim(ws[i], ",;:()<>")
		if w == "" || !isCapital(w) {
			break
		}
		run = append([]string{w}, run...)
	}
	c.Name = name(strings.Join(run, " "))
	return c
}

// name drops words at the front of s that are not a person's name.
func name(s string) string {
	ws := strings.Fields(s)
	for len(ws) > 0 && isNotName(ws[0]) {
		ws = ws[1:]
	}
	return strings.Join(ws, " ")
}

func isNotName(w string) bool {
	for _, n := range notNames() {
		if strings.EqualFold(w, n) {
			return true
		}
	}
	return false
}

func isCapital(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func group(s string, m []int, g int) string {
	if 2*g+1 >= len(m) || m[2*g] < 0 {
		return ""
	}
	return strings.TrimSpace(s[m[2*g]:m[2*g+1]])
}

// sentenceBefore returns the text of the sentence that ends at i.
func sentenceBefore(text string, i int) string {
	s := text[:i]
	if j := strings.LastIndexAny(s, ".!?\n"); j >= 0 {
		s = s[j+1:]
	}
	return s
}
