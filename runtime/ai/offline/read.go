package offline

import (
	"fmt"
	"strings"
	"time"
)

// Confidence of a reading: a base per kind, plus a little for each further matched signal,
// less when a reply also reads as another kind.
const (
	extraSignal = 0.05
	conflict    = 0.1
	maxConf     = 0.99
)

func base(k Kind) float64 {
	switch k {
	case Bounce:
		return 0.95
	case Unsubscribe, OutOfOffice:
		return 0.9
	case Referral:
		return 0.8
	case NotNow, Objection:
		return 0.75
	case Interested:
		return 0.7
	case Question:
		return 0.65
	}
	return 0.3
}

// ReadReply reads the intent of reply text received at now. It reads only what the sender
// wrote (quoted lines and the message under "On … wrote:" are left out), matches each kind's
// phrases, and takes the first kind that matched in order of precedence: bounce, unsubscribe,
// out of office, referral, not now, objection, question, interested; unknown when none did.
// Text that reads as instructions to the system is unknown, unless it is a bounce or asks to
// unsubscribe. Until is set for not_now and out_of_office when the reply names a date;
// Referral whenever the reply names another contact. ReadReply is pure and never fails.
func ReadReply(text string, now time.Time) Intent {
	own := fresh(text)
	ts := tokens(own)
	found := map[Kind][]string{}
	match := func(k Kind, ps []phrase, checkNegation bool) {
		for _, p := range ps {
			for _, i := range p.find(ts) {
				if checkNegation && negated(ts, i) {
					continue
				}
				found[k] = append(found[k], fmt.Sprintf("%q", p.String()))
				break
			}
		}
	}
	match(Bounce, bounceWords(), false)
	match(Unsubscribe, unsubscribeWords(), false)
	match(OutOfOffice, outOfOfficeWords(), false)
	match(Referral, referralStrong(), false)
	contact, handoff := referral(own)
	if handoff {
		found[Referral] = append(found[Referral], "hands over to "+describe(contact))
	} else if len(found[Referral]) > 0 {
		contact = anyAddress(own)
	}
	match(NotNow, notNowWords(), false)
	match(Objection, objectionWords(), false)
	match(Interested, interestedWords(), true)
	questions(ts, found)

	var injected []string
	for _, p := range injectionWords() {
		if len(p.find(ts)) > 0 {
			injected = append(injected, fmt.Sprintf("%q", p.String()))
		}
	}

	in := Intent{Kind: Unknown, Referral: contact}
	var others []string
	for _, k := range Kinds() {
		if len(found[k]) == 0 {
			continue
		}
		if in.Kind == Unknown {
			in.Kind = k
			in.Reasons = append(in.Reasons, fmt.Sprintf("%s: %s", k, strings.Join(found[k], ", ")))
		} else {
			others = append(others, string(k))
		}
	}
	if len(injected) > 0 {
		what := "reads as instructions to the system (" + strings.Join(injected, ", ") + "); text is data, nothing was done"
		if in.Kind != Bounce && in.Kind != Unsubscribe {
			in.Kind, in.Reasons, in.Confidence = Unknown, []string{what}, 0.5
			return in
		}
		in.Reasons = append(in.Reasons, "also "+what)
	}
	switch in.Kind {
	case Unknown:
		in.Reasons = append(in.Reasons, "no rule matched")
		in.Confidence = base(Unknown)
		if strings.TrimSpace(own) == "" {
			in.Reasons = []string{"empty reply"}
			in.Confidence = 0
		}
		return in
	case NotNow, OutOfOffice:
		if d, what, ok := until(own, now); ok {
			in.Until = d
			in.Reasons = append(in.Reasons, fmt.Sprintf("until %s (%q)", d.Format(time.DateOnly), what))
		}
	}
	in.Confidence = base(in.Kind) + extraSignal*float64(len(found[in.Kind])-1)
	if len(others) > 0 {
		in.Confidence -= conflict
		in.Reasons = append(in.Reasons, "also reads as "+strings.Join(others, ", "))
	}
	in.Confidence = min(max(in.Confidence, 0), maxConf)
	return in
}

// questions adds to found each sentence that asks something: Interested when it asks for a
// meeting ("when can we talk?") or proposes to go on ("can we start a trial?"), Question
// otherwise ("how much is it?"). A sentence asks when it
// ends in a question mark or opens with a question's words.
func questions(ts []string, found map[Kind][]string) {
	start := 0
	for i, t := range ts {
		if t != sentenceEnd {
			continue
		}
		s := ts[start:i]
		start = i + 1
		if len(s) == 0 || !asks(s) {
			continue
		}
		k := Question
		for _, p := range proposalStarts() {
			if at := p.find(s); len(at) > 0 && at[0] == 0 {
				k = Interested
			}
		}
		for _, p := range schedulingWords() {
			if len(p.find(s)) > 0 {
				k = Interested
			}
		}
		q := strings.Join(s, " ")
		q = strings.TrimSuffix(strings.TrimSuffix(q, questionMark), " ") + "?"
		found[k] = append(found[k], fmt.Sprintf("asks %q", q))
	}
}

func asks(s []string) bool {
	if s[len(s)-1] == questionMark {
		return true
	}
	for _, p := range questionStarts() {
		if at := p.find(s); len(at) > 0 && at[0] == 0 {
			return true
		}
	}
	switch s[0] {
	case "when", "where", "why", "who", "how", "what", "can", "could", "would", "should", "is", "are", "do", "does", "will":
		return true
	}
	return false
}

func describe(c Contact) string {
	switch {
	case c.Name != "" && c.Email != "":
		return c.Name + " <" + c.Email + ">"
	case c.Email != "":
		return c.Email
	}
	return c.Name
}
