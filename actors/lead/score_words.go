package lead

import (
	"strings"
	"unicode"

	"github.com/aidacrm/aida/api/aidapb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Keyword lists of the qualification rules (reference §4.3), as functions so nothing can
// change them.
func highIntentWords() []string {
	return []string{"buy", "purchase", "demo", "trial", "pricing", "quote"}
}
func mediumIntentWords() []string {
	return []string{"learn", "guide", "how", "solution", "product"}
}
func buyingWords() []string { return []string{"budget", "timeline", "decision"} }
func techWords() []string   { return []string{"tech", "software", "digital", "data", "analytics", "ai"} }
func urgentWords() []string { return []string{"urgent", "immediate", "now", "today", "asap"} }
func companyFormWords() []string {
	return []string{"inc", "corp", "ltd", "llc", "group", "international"}
}

// words splits s into lower-case words of letters and digits: "Spring_Pricing-2024" gives
// spring, pricing, 2024.
func words(s ...string) []string {
	var out []string
	for _, part := range s {
		out = append(out, strings.FieldsFunc(strings.ToLower(part), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})...)
	}
	return out
}

// mentions reports whether any word matches a keyword, and which keyword. A word matches a
// keyword it equals, or, for keywords of 4 letters or more, one it starts with ("demos",
// "purchasing"). Matching whole words, unlike the reference's substring test, keeps "show"
// from counting as "how", "know" as "now" and "Britain" as "ai".
func mentions(ws []string, keywords []string) (string, bool) {
	for _, k := range keywords {
		for _, w := range ws {
			if w == k || (len(k) >= 4 && strings.HasPrefix(w, k)) {
				return k, true
			}
		}
	}
	return "", false
}

// utmIntentText returns the words of the UTM values that carry intent: campaign, term, content.
func utmIntentWords(l *aidapb.Lead) []string {
	u := l.GetUtm()
	return words(u["utm_campaign"], u["utm_term"], u["utm_content"])
}

// customWords returns the words of a lead's custom fields, keys and values, recursively.
func customWords(s *structpb.Struct) []string {
	var b strings.Builder
	var walk func(v *structpb.Value)
	walk = func(v *structpb.Value) {
		switch k := v.GetKind().(type) {
		case *structpb.Value_StringValue:
			b.WriteString(k.StringValue)
			b.WriteByte(' ')
		case *structpb.Value_StructValue:
			for key, f := range k.StructValue.GetFields() {
				b.WriteString(key)
				b.WriteByte(' ')
				walk(f)
			}
		case *structpb.Value_ListValue:
			for _, f := range k.ListValue.GetValues() {
				walk(f)
			}
		}
	}
	walk(structpb.NewStructValue(s))
	return words(b.String())
}

// freeMail reports whether domain is a free personal mailbox provider. The reference lists
// gmail.com, yahoo.com, hotmail.com and outlook.com; a few more common ones are added.
func freeMail(domain string) bool {
	switch domain {
	case "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
		"icloud.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "web.de",
		"mail.ru", "yandex.ru":
		return true
	}
	return false
}

// emailParts splits a normalised address into local part and domain.
func emailParts(email string) (local, domain string) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return email, ""
	}
	return email[:at], email[at+1:]
}

// throwaway reports whether an address looks like a test or no-reply address.
func throwaway(email string) bool {
	local, domain := emailParts(email)
	switch local {
	case "test", "noreply", "no-reply", "fake", "example", "asdf":
		return true
	}
	switch domain {
	case "example.com", "example.org", "example.net", "test.com", "mailinator.com":
		return true
	}
	return strings.HasSuffix(domain, ".test") || strings.HasSuffix(domain, ".invalid") ||
		strings.HasSuffix(domain, ".example")
}
