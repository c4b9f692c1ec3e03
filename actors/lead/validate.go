package lead

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/fault"
	"google.golang.org/protobuf/types/known/structpb"
)

// Field limits, in characters (runes).
const (
	maxEmail       = 254
	maxName        = 100
	maxCompany     = 200
	maxPhone       = 32
	maxSource      = 100
	maxCampaign    = 100
	maxOwner       = 100
	maxUTMValue    = 200
	maxCustomKeys  = 50
	maxCustomKey   = 100
	maxReason      = 500
	maxNote        = 5000
	maxNoteAuthor  = 100
	maxDealID      = 100
	minPhoneDigits = 7
	maxPhoneDigits = 15 // E.164
	defaultSource  = "web"
)

// utmKeys are the UTM parameters a lead may carry.
func utmKeys() []string {
	return []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}
}

func isUTMKey(k string) bool {
	for _, u := range utmKeys() {
		if k == u {
			return true
		}
	}
	return false
}

// NormalizeEmail trims and lower-cases an address and checks it is one bare address
// (net/mail.ParseAddress accepts it and it has no display name), at most 254 characters.
// Otherwise it returns a fault.Invalid error on field "email".
func NormalizeEmail(raw string) (string, error) {
	var fs fault.Fields
	e := normalizeEmail(raw, &fs)
	return e, fs.Err()
}

func normalizeEmail(raw string, fs *fault.Fields) string {
	e := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case e == "":
		fs.Add("email", "is required")
		return ""
	case utf8.RuneCountInString(e) > maxEmail:
		fs.Add("email", "must be at most %d characters", maxEmail)
		return ""
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		fs.Add("email", "must be an email address like ada@example.com")
		return ""
	}
	return e
}

// phone trims a phone number and checks it is plausible: 7 to 15 digits, an optional leading
// +, and only spaces, dots, dashes, slashes and parentheses between them. Empty is allowed.
func phone(fs *fault.Fields, raw string) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return v
	}
	if utf8.RuneCountInString(v) > maxPhone {
		fs.Add("phone", "must be at most %d characters", maxPhone)
		return v
	}
	digits := 0
	for i, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case strings.ContainsRune(" .-/()", r):
		default:
			fs.Add("phone", "may hold only digits, a leading +, spaces and . - / ( )")
			return v
		}
	}
	if digits < minPhoneDigits || digits > maxPhoneDigits {
		fs.Add("phone", "must have %d to %d digits", minPhoneDigits, maxPhoneDigits)
	}
	return v
}

// source trims and lower-cases a source; empty becomes "web".
func source(fs *fault.Fields, raw string) string {
	v := strings.ToLower(record.Line(fs, "source", raw, maxSource))
	if v == "" {
		return defaultSource
	}
	return v
}

// utmValue checks one UTM entry; it returns the trimmed value.
func utmValue(fs *fault.Fields, k, v string) string {
	if !isUTMKey(k) {
		fs.Add("utm."+k, "is not a UTM parameter; use %s", strings.Join(utmKeys(), ", "))
		return ""
	}
	return record.Line(fs, "utm."+k, v, maxUTMValue)
}

// customFields checks the size of a custom_fields struct.
func customFields(fs *fault.Fields, s *structpb.Struct) {
	if len(s.GetFields()) > maxCustomKeys {
		fs.Add("custom_fields", "must have at most %d keys", maxCustomKeys)
	}
	for k := range s.GetFields() {
		if k == "" || utf8.RuneCountInString(k) > maxCustomKey {
			fs.Add("custom_fields", "keys must be 1 to %d characters", maxCustomKey)
			return
		}
	}
}

// reason checks a free-text reason.
func reason(fs *fault.Fields, field, raw string) string {
	return record.Text(fs, field, raw, maxReason)
}

// limits are the lead's limits on the commands every kind takes.
func limits() record.Limits {
	return record.Limits{Note: maxNote, Author: maxNoteAuthor, Reason: maxReason}
}
