package rest

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/fault"
)

// Limits on the strings a request may carry.
const (
	maxShort  = 200    // names, titles, owners, sources
	maxReason = 1000   // why a command was given
	maxName   = 100    // the names and IDs a path carries: task_id, draft_id, a flag's name
	maxEmail  = 254    // RFC 5321 path limit
	maxText   = 10_000 // notes, descriptions, message bodies
)

// The values a request may name.
var (
	// LeadStatuses are the statuses a lead can be moved to with POST /leads/:id/status.
	leadStatuses = []string{"new", "contacted", "qualified", "unqualified"}
	// leadFilterStatuses are the statuses a lead list can be filtered by.
	leadFilterStatuses  = []string{"new", "contacted", "qualified", "unqualified", "converted", "archived"}
	dealStages          = []string{"prospect", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"}
	lifecycles          = []string{"onboarding", "active", "at_risk", "churned", "expansion_ready"}
	draftChannels       = []string{"email", "sms"}
	sequenceTypes       = []string{"welcome", "nurture", "re_engagement"}
	onboardingTemplates = []string{"standard", "enterprise", "self_service"}
)

// LeadStatuses returns the statuses a lead list can be filtered by.
func LeadStatuses() []string { return slices.Clone(leadFilterStatuses) }

// DealStages returns the stages of a deal.
func DealStages() []string { return slices.Clone(dealStages) }

// Lifecycles returns the lifecycle stages of an account.
func Lifecycles() []string { return slices.Clone(lifecycles) }

var (
	moneyPattern    = regexp.MustCompile(`^[0-9]{1,15}(\.[0-9]{1,4})?$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Money is an amount in a request: a JSON string or number holding a non-negative decimal with
// at most 15 integer digits and 4 decimals ("12500.00", 12500). Exponents are refused.
type Money string

// UnmarshalJSON accepts a decimal as a string or as a number.
func (m *Money) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return &valueError{msg: "must be a decimal"}
		}
	} else {
		s = string(b)
	}
	s = strings.TrimSpace(s)
	if !moneyPattern.MatchString(s) {
		return &valueError{msg: `must be a non-negative decimal like "12500.00"`}
	}
	*m = Money(s)
	return nil
}

// text trims *p, checks it is at most max characters and valid UTF-8, and stores it back.
func text(fs *fault.Fields, field string, p *string, max int) {
	if p == nil {
		return
	}
	*p = strings.TrimSpace(*p)
	if !utf8.ValidString(*p) {
		fs.Add(field, "must be valid UTF-8")
		return
	}
	if n := utf8.RuneCountInString(*p); n > max {
		fs.Add(field, "must be at most %d characters, not %d", max, n)
	}
}

// required records that field is missing when v is empty.
func required(fs *fault.Fields, field, v string) bool {
	if v == "" {
		fs.Add(field, "is required")
		return false
	}
	return true
}

// email checks that *p is a plain address (name@domain.tld) and stores it lower-cased.
func email(fs *fault.Fields, field string, p *string) {
	if p == nil {
		return
	}
	*p = strings.ToLower(strings.TrimSpace(*p))
	if *p == "" {
		return
	}
	if len(*p) > maxEmail {
		fs.Add(field, "must be at most %d characters", maxEmail)
		return
	}
	a, err := mail.ParseAddress(*p)
	_, domain, _ := strings.Cut(*p, "@")
	if err != nil || a.Address != *p || !strings.Contains(domain, ".") {
		fs.Add(field, "must be an email address like name@example.com")
	}
}

// oneOf checks that *p, when not empty, is one of allowed.
func oneOf(fs *fault.Fields, field string, p *string, allowed []string) {
	if p == nil {
		return
	}
	*p = strings.ToLower(strings.TrimSpace(*p))
	if *p != "" && !slices.Contains(allowed, *p) {
		fs.Add(field, "must be one of %s", strings.Join(allowed, ", "))
	}
}

// level checks an autonomy level: 1..5, or 0 (absent) when optional.
func level(fs *fault.Fields, field string, v int32, optional bool) {
	if v == 0 && optional {
		return
	}
	if v < 1 || v > 5 {
		fs.Add(field, "must be an autonomy level from 1 to 5")
	}
}

// uuidField checks that *p, when not empty, is a UUID and stores its canonical form.
func uuidField(fs *fault.Fields, field string, p *string) {
	if p == nil {
		return
	}
	*p = strings.TrimSpace(*p)
	if *p == "" {
		return
	}
	id, ok := ParseID(*p)
	if !ok {
		fs.Add(field, "must be a UUID")
		return
	}
	*p = id
}

// ParseID returns the canonical (lower-case, hyphenated) form of a UUID in its 36-character
// textual form, and whether s was one.
func ParseID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// instant checks that *p, when not empty, is an RFC 3339 time, and returns it; nil when empty
// or invalid.
func instant(fs *fault.Fields, field string, p *DateTime) *timestamppb.Timestamp {
	s := strings.TrimSpace(string(*p))
	*p = DateTime(s)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	ts := timestamppb.New(t)
	if err != nil || ts.CheckValid() != nil {
		fs.Add(field, "must be an RFC 3339 time like 2025-12-31T09:00:00Z")
		return nil
	}
	return ts
}

// pathName checks a name or ID taken from the path (or, over NATS, from the data): trimmed,
// required, at most maxName characters.
func pathName(fs *fault.Fields, field string, p *string) {
	text(fs, field, p, maxName)
	required(fs, field, *p)
}

// date checks that *p, when not empty, is a calendar date YYYY-MM-DD.
func date(fs *fault.Fields, field string, p *string) {
	if p == nil {
		return
	}
	*p = strings.TrimSpace(*p)
	if *p == "" {
		return
	}
	if _, err := time.Parse(time.DateOnly, *p); err != nil {
		fs.Add(field, "must be a date like 2025-12-31")
	}
}

// currency checks that *p, when not empty, is an ISO 4217 code, and upper-cases it.
func currency(fs *fault.Fields, field string, p *string) {
	if p == nil {
		return
	}
	*p = strings.ToUpper(strings.TrimSpace(*p))
	if *p != "" && !currencyPattern.MatchString(*p) {
		fs.Add(field, "must be a three-letter ISO 4217 code like USD")
	}
}

// named is a string field and its JSON name.
type named struct {
	name string
	p    *string
}

// texts applies text to each field, in order.
func texts(fs *fault.Fields, max int, fields ...named) {
	for _, f := range fields {
		text(fs, f.name, f.p, max)
	}
}

// names is texts for what people read as a name (a person's, a company's, an account's, a
// title): it also refuses the bidirectional controls that make a name display as another
// ("Trojan Source"): the embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069.
func names(fs *fault.Fields, max int, fields ...named) {
	for _, f := range fields {
		text(fs, f.name, f.p, max)
		if f.p != nil && strings.ContainsFunc(*f.p, isBidiControl) {
			fs.Add(f.name, "must not hold bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)")
		}
	}
}

// isBidiControl tells whether r is an explicit bidirectional embedding, override or isolate.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// noneSet tells whether every pointer is nil.
func noneSet[T any](ps ...*T) bool {
	for _, p := range ps {
		if p != nil {
			return false
		}
	}
	return true
}

// trimSpace returns b without leading and trailing white space.
func trimSpace(b []byte) []byte { return bytes.TrimSpace(b) }

// report returns the Invalid error listing fs, keeping the first problem of each field (a
// value of the wrong type is not also reported as missing), or nil.
func report(fs fault.Fields) error {
	var out fault.Fields
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.Name] {
			seen[f.Name] = true
			out = append(out, f)
		}
	}
	return out.Err()
}
