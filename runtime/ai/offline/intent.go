package offline

import "time"

// Kind is what a reply means for the conversation.
type Kind string

// The kinds of reply, in the order of precedence ReadReply applies when a reply reads as
// several: a bounce notice first, then unsubscribe, out of office, referral, not now,
// objection, question and interested.
const (
	Bounce      Kind = "bounce"        // a mail server's delivery failure notice
	Unsubscribe Kind = "unsubscribe"   // the person asks to hear no more
	OutOfOffice Kind = "out_of_office" // an automatic away message
	Referral    Kind = "referral"      // wrong person: another contact is named, or the person left
	NotNow      Kind = "not_now"       // a later time may be better
	Objection   Kind = "objection"     // not interested, too expensive, already served
	Question    Kind = "question"      // asks for information
	Interested  Kind = "interested"    // wants to go on: a call, a demo, more
	Unknown     Kind = "unknown"       // none of the above, or text that reads as instructions
)

// Kinds lists every kind in order of precedence, Unknown last.
func Kinds() []Kind {
	return []Kind{Bounce, Unsubscribe, OutOfOffice, Referral, NotNow, Objection, Question, Interested, Unknown}
}

// Contact is a person a reply names as the one to talk to instead.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// IsZero reports whether c names nobody.
func (c Contact) IsZero() bool { return c.Name == "" && c.Email == "" }

// Intent is the reading of one reply.
type Intent struct {
	Kind       Kind
	Confidence float64   // 0..1: how sure the rules are of Kind
	Until      time.Time // not_now and out_of_office: the day from which to write again (midnight, now's location); zero when no date is given
	Referral   Contact   // the contact a reply names (also on an out-of-office message that names a stand-in)
	Reasons    []string  // what the rules matched, for a person to read
}

func (i Intent) String() string {
	s := string(i.Kind)
	if !i.Until.IsZero() {
		s += " until " + i.Until.Format(time.DateOnly)
	}
	if !i.Referral.IsZero() {
		s += " naming " + describe(i.Referral)
	}
	return s
}
