package rest

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

// Lengths past which a summary shortens what it quotes.
const (
	summaryReason = 120 // a reason
	summaryText   = 80  // a note, a subject, a title, a field's new value
	maxChanges    = 4   // the changed fields an update's summary names
)

// Summarize returns one plain-English sentence saying what e did to an entity of kind (lead,
// deal or account): who did it (e.Actor), what, and why when the event carries a reason, as in
// "agent:pipeline flagged the deal stale: no activity for 14 days". Signals and reminders, which
// come from outside, are told without an actor: "email reply received from ada@example.com",
// "reminder follow_up fired". It reads nothing but e, so the timeline and the event stream tell
// an event alike; an event it does not know is summarized as "<actor> recorded <type>".
func Summarize(kind string, e *aidapb.Event) string {
	s := summarize(kind, e)
	if s == "" {
		return generic(e)
	}
	return s
}

// generic is the summary of an event Summarize does not know.
func generic(e *aidapb.Event) string {
	typ := e.GetType()
	if typ == "" {
		typ = "an event"
	}
	return who(e) + " recorded " + typ
}

func summarize(kind string, e *aidapb.Event) string {
	by, it := who(e), entity(kind, e)
	switch d := e.GetData().(type) {
	case *aidapb.Event_LeadCaptured:
		return by + " captured " + leadName(d.LeadCaptured.GetLead()) + opt(" from ", d.LeadCaptured.GetLead().GetSource())
	case *aidapb.Event_LeadUpdated:
		return by + " updated " + changes(it, d.LeadUpdated)
	case *aidapb.Event_LeadStatusChanged:
		c := d.LeadStatusChanged
		return because(by+" moved "+it+fromTo(c.GetFrom(), c.GetTo()), c.GetReason())
	case *aidapb.Event_LeadArchived:
		return because(by+" archived "+it, d.LeadArchived.GetReason())
	case *aidapb.Event_LeadRestored:
		return by + " restored " + it + opt(" to ", d.LeadRestored.GetTo())
	case *aidapb.Event_LeadConverted:
		return by + " converted " + it + " into " + orElse(opt("deal ", d.LeadConverted.GetDealId()), "a deal")
	case *aidapb.Event_LeadQualified:
		q := d.LeadQualified.GetQualification()
		return by + " scored " + it + " " + string(fixed(int64(q.GetScore()), 3)) + paren("decision ", q.GetDecision())
	case *aidapb.Event_LeadAssessed:
		a := d.LeadAssessed.GetAssessment()
		return because(by+" ("+orElse(a.GetModel(), "a model")+") read "+it+" at "+string(fixed(int64(a.GetScore()), 3)), a.GetReason())
	case *aidapb.Event_AiCalled:
		return aiCall(by, d.AiCalled.GetCall())
	case *aidapb.Event_AutonomyChanged:
		c := d.AutonomyChanged
		from := ""
		if c.GetFrom() != 0 {
			from = fmt.Sprintf(" from L%d", c.GetFrom())
		}
		return because(fmt.Sprintf("%s changed %s autonomy level%s to L%d", by, possessive(it), from, c.GetTo()), c.GetReason())
	case *aidapb.Event_NoteAdded:
		return by + " added a note" + opt(": ", clip(d.NoteAdded.GetNote().GetText(), summaryText))

	case *aidapb.Event_DealCreated:
		dl := d.DealCreated.GetDeal()
		s := by + " created " + orElse(opt("the deal ", quoted(dl.GetTitle())), "a deal")
		if v := dl.GetValue(); v != "" && strings.Trim(v, "0.") != "" {
			s += " worth " + v + opt(" ", dl.GetCurrency())
		}
		return s + opt(" for ", clip(dl.GetCompany(), summaryText))
	case *aidapb.Event_DealUpdated:
		return by + " updated " + changes(it, d.DealUpdated)
	case *aidapb.Event_DealStageChanged:
		c := d.DealStageChanged
		switch to := c.GetTo(); {
		case to == "closed_won":
			return because(by+" marked "+it+" won", c.GetReason())
		case to == "closed_lost":
			return because(by+" marked "+it+" lost", c.GetReason())
		case strings.HasPrefix(c.GetFrom(), "closed_"):
			return because(by+" reopened "+it+opt(" in ", to), c.GetReason())
		}
		return because(by+" moved "+it+fromTo(c.GetFrom(), c.GetTo()), c.GetReason())

	case *aidapb.Event_AccountCreated:
		a := d.AccountCreated.GetAccount()
		return by + " created " + orElse(opt("the account ", clip(a.GetName(), summaryText)), "an account") +
			paren("", a.GetDomain())
	case *aidapb.Event_AccountUpdated:
		return by + " updated " + changes(it, d.AccountUpdated)
	case *aidapb.Event_AccountDealAttached:
		dl := d.AccountDealAttached.GetDeal()
		label := orElse(quoted(dl.GetTitle()), dl.GetDealId())
		return by + " attached " + orElse(opt("the deal ", label), "a deal") + paren("", dl.GetStage()) + " to " + it
	case *aidapb.Event_AccountHealthChanged:
		c := d.AccountHealthChanged
		h := c.GetHealth()
		s := by + " recomputed " + possessive(it) + " health: " + orElse(h.GetCategory(), "unrated") +
			" at " + string(fixed(int64(h.GetScore()), 1))
		return s + opt(", was ", c.GetFromCategory())
	case *aidapb.Event_AccountLifecycleChanged:
		c := d.AccountLifecycleChanged
		return because(by+" moved "+it+fromTo(c.GetFrom(), c.GetTo()), c.GetReason())

	case *aidapb.Event_ReminderSet:
		c := d.ReminderSet
		return because(by+" set "+called("the reminder", c.GetName(), "a reminder")+opt(" for ", when(c.GetDueAt())), c.GetReason())
	case *aidapb.Event_ReminderCancelled:
		c := d.ReminderCancelled
		return because(by+" cancelled "+called("the reminder", c.GetName(), "a reminder"), c.GetReason())
	case *aidapb.Event_ReminderFired:
		return called("reminder", d.ReminderFired.GetName(), "a reminder") + " fired"

	case *aidapb.Event_TaskAdded:
		t := d.TaskAdded.GetTask()
		return because(by+" added "+taskPhrase(t), t.GetReason())
	case *aidapb.Event_TaskCompleted:
		c := d.TaskCompleted
		return because(by+" completed "+called("task", c.GetTaskId(), "a task"), c.GetReason())
	case *aidapb.Event_FlagSet:
		f := d.FlagSet.GetFlag()
		return because(by+" flagged "+it+opt(" ", f.GetName()), f.GetReason())
	case *aidapb.Event_FlagCleared:
		c := d.FlagCleared
		return because(by+" cleared "+possessive(it)+opt(" ", c.GetName())+" flag", c.GetReason())
	case *aidapb.Event_DraftCreated:
		return draftSummary(by, it, d.DraftCreated.GetDraft())
	case *aidapb.Event_DraftDecided:
		c := d.DraftDecided
		verb := "decided"
		switch c.GetStatus() {
		case "approved":
			verb = "approved"
		case "discarded":
			verb = "discarded"
		}
		return because(by+" "+verb+" "+called("draft", c.GetDraftId(), "a draft"), c.GetReason())
	case *aidapb.Event_SignalReceived:
		return signalSummary(d.SignalReceived)

	case *aidapb.Event_SequenceStarted:
		sq := d.SequenceStarted.GetSequence()
		s := by + " started " + sequenceName(sq.GetType())
		if n := sq.GetSteps(); n > 0 {
			s += fmt.Sprintf(" of %d steps", n)
		}
		return s
	case *aidapb.Event_SequenceAdvanced:
		c := d.SequenceAdvanced
		s := fmt.Sprintf("%s advanced the sequence to step %d", by, c.GetStep())
		return s + opt("; the next step is due ", when(c.GetNextAt()))
	case *aidapb.Event_SequenceStopped:
		c := d.SequenceStopped
		return because(by+" stopped the sequence", c.GetReason())
	case *aidapb.Event_SequenceCompleted:
		return by + " completed the sequence with its last step"

	case *aidapb.Event_OnboardingStarted:
		return onboardingSummary(by, d.OnboardingStarted.GetOnboarding())
	case *aidapb.Event_MilestoneCompleted:
		c := d.MilestoneCompleted
		return because(by+" completed "+called("the onboarding milestone", c.GetName(), "an onboarding milestone"), c.GetReason())
	case *aidapb.Event_OnboardingCompleted:
		return by + " completed " + possessive(it) + " onboarding" + opt(" from deal ", d.OnboardingCompleted.GetDealId())
	}
	return ""
}

// taskPhrase tells a task: the task "Call Ada" for bob, due 2025-06-01.
func taskPhrase(t *aidapb.Task) string {
	return orElse(opt("the task ", quoted(t.GetTitle())), "a task") + opt(" for ", t.GetAssignee()) +
		opt(", due ", when(t.GetDueAt()))
}

// draftSummary tells a DraftCreated: a sequence step, a message, or a task or flag held for approval.
func draftSummary(by, it string, d *aidapb.Draft) string {
	if d.GetSequence() != "" {
		return by + fmt.Sprintf(" drafted step %d of ", d.GetStep()) + sequenceName(sequenceIn(d.GetReason())) +
			opt(": ", clip(d.GetSubject(), summaryText))
	}
	switch d.GetKind() {
	case "email":
		return because(by+" drafted "+orElse(opt("the email ", quoted(d.GetSubject())), "an email")+opt(" to ", d.GetTo()), d.GetReason())
	case "sms":
		return because(by+" drafted an SMS"+opt(" to ", d.GetTo()), d.GetReason())
	case "task":
		return because(by+" proposed "+taskPhrase(d.GetTask()), orElse(d.GetReason(), d.GetTask().GetReason()))
	case "flag":
		f := d.GetFlag()
		return because(by+" proposed flagging "+it+opt(" ", f.GetName()), orElse(d.GetReason(), f.GetReason()))
	}
	return because(by+" drafted "+orElse(opt("a ", d.GetKind()), "an action")+" for approval", d.GetReason())
}

// signalSummary tells an inbound signal, without an actor: it came from outside.
func signalSummary(s *aidapb.SignalReceived) string {
	from := s.GetFrom()
	subject := opt(": ", clip(s.GetSubject(), summaryText))
	switch s.GetType() {
	case "email.replied":
		return "email reply received" + opt(" from ", from) + subject
	case "email.opened":
		return "email opened" + opt(" by ", from)
	case "email.bounced":
		return "email" + opt(" to ", from) + " bounced"
	case "email.unsubscribed":
		return orElse(from, "the contact") + " unsubscribed from email"
	case "sms.replied":
		return "SMS reply received" + opt(" from ", from)
	case "sms.opted_out":
		return orElse(from, "the contact") + " opted out of SMS"
	}
	return "signal " + orElse(s.GetType(), "of unknown type") + " received" + opt(" from ", from) + subject
}

// onboardingSummary tells an OnboardingStarted.
func onboardingSummary(by string, o *aidapb.Onboarding) string {
	name := "the onboarding"
	if t := words(o.GetTemplate()); t != "" {
		name = "the " + t + " onboarding"
	}
	s := by + " started " + name + opt(" from deal ", o.GetDealId())
	if r := o.GetRequested(); r != "" && r != o.GetTemplate() {
		s += " (" + words(r) + " was asked for)"
	}
	var plan []string
	if n := len(o.GetMilestones()); n > 0 {
		plan = append(plan, plural(n, "milestone"))
	}
	if n := o.GetDurationDays(); n > 0 {
		plan = append(plan, "over "+plural(int(n), "day"))
	}
	return s + opt(": ", strings.Join(plan, " "))
}

// changes tells what fields an update event set: the lead's company to "ACME" and owner to
// "bob"; past maxChanges fields, the last ones are counted ("and 3 more fields"). Fields
// carrying a whole map or struct (utm, custom fields) are named without their value.
func changes(it string, m interface{ ProtoReflect() protoreflect.Message }) string {
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	var parts []string
	seen := map[string]bool{}
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !r.Has(fd) {
			continue
		}
		name := string(fd.Name())
		switch name {
		case "utm", "utm_changed":
			name = "UTM parameters"
		case "custom_fields", "custom_fields_changed":
			name = "custom fields"
		default:
			name = strings.ReplaceAll(name, "_", " ")
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsMap() && !fd.IsList():
			parts = append(parts, name+" to "+orElse(quoted(r.Get(fd).String()), "nothing"))
		case fd.Kind() == protoreflect.Int32Kind && !fd.IsMap() && !fd.IsList():
			parts = append(parts, fmt.Sprintf("%s to %d", name, r.Get(fd).Int()))
		default:
			parts = append(parts, name)
		}
	}
	if len(parts) == 0 {
		return it
	}
	if n := len(parts); n > maxChanges {
		parts = append(parts[:maxChanges-1], plural(n-maxChanges+1, "more field"))
	}
	return possessive(it) + " " + andList(parts)
}

// andList lists parts as English does: a, b and c.
func andList(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// leadName names a new lead: the lead Ada Lovelace (ada@example.com).
func leadName(l *aidapb.Lead) string {
	name := clip(strings.TrimSpace(l.GetFirstName()+" "+l.GetLastName()), summaryText)
	switch {
	case name != "" && l.GetEmail() != "":
		return "the lead " + name + " (" + l.GetEmail() + ")"
	case name != "" || l.GetEmail() != "":
		return "the lead " + name + l.GetEmail()
	}
	return "a lead"
}

// who names the event's actor; "someone" when the event does not say.
func who(e *aidapb.Event) string { return orElse(oneLine(e.GetActor()), "someone") }

// entity names the entity the event is about: the lead, the deal, the account.
func entity(kind string, e *aidapb.Event) string {
	known := []string{"lead", "deal", "account"}
	if slices.Contains(known, kind) {
		return "the " + kind
	}
	if parts := strings.Split(e.GetType(), "."); len(parts) == 3 && slices.Contains(known, parts[1]) {
		return "the " + parts[1]
	}
	return "the record"
}

// sequenceName names a sequence of type typ: the welcome sequence; the sequence when typ is
// not a known type.
func sequenceName(typ string) string {
	if slices.Contains(sequenceTypes, typ) {
		return "the " + words(typ) + " sequence"
	}
	return "the sequence"
}

// sequenceIn returns the sequence type a text names ("step 2 of 4 of the welcome sequence"),
// or "".
func sequenceIn(text string) string {
	for _, t := range sequenceTypes {
		if strings.Contains(text, t+" sequence") || strings.Contains(text, words(t)+" sequence") {
			return t
		}
	}
	return ""
}

// words turns a code (re_engagement, self_service) into words (re-engagement, self-service).
func words(code string) string { return strings.ReplaceAll(oneLine(code), "_", "-") }

// fromTo tells a move between two states: " from new to contacted", or " to contacted".
func fromTo(from, to string) string { return opt(" from ", from) + opt(" to ", to) }

// because appends the reason, shortened, after a colon.
func because(s, reason string) string { return s + opt(": ", clip(reason, summaryReason)) }

// opt returns sep+v, or "" when v is empty.
func opt(sep, v string) string {
	v = oneLine(v)
	if v == "" {
		return ""
	}
	return sep + v
}

// paren returns " (p+v)", or "" when v is empty.
func paren(p, v string) string {
	if v = oneLine(v); v == "" {
		return ""
	}
	return " (" + p + v + ")"
}

// called returns what+" "+name, or otherwise when name is empty.
func called(what, name, otherwise string) string { return orElse(opt(what+" ", name), otherwise) }

// quoted returns v shortened in double quotes, or "" when v is empty.
func quoted(v string) string {
	if v = clip(v, summaryText); v == "" {
		return ""
	}
	return `"` + v + `"`
}

// possessive returns the deal's.
func possessive(it string) string { return it + "'s" }

func orElse(v, otherwise string) string {
	if v == "" {
		return otherwise
	}
	return v
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// when tells a time: a date alone at midnight UTC, else the date and minute in UTC; "" when
// unset.
func when(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	t := ts.AsTime().UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02 15:04 UTC")
}

// clip returns s on one line, shortened to max characters with an ellipsis.
func clip(s string, max int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// oneLine collapses runs of white space (new lines included) into single spaces and drops
// invalid UTF-8.
func oneLine(s string) string { return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ") }

// aiCall tells a call to a language model: its purpose, model, tokens and outcome.
func aiCall(by string, c *aidapb.AICall) string {
	s := fmt.Sprintf("%s asked %s to %s (%d+%d tokens, %d ms)", by, orElse(c.GetModel(), "the model"),
		purposeText(c.GetPurpose()), c.GetTokensIn(), c.GetTokensOut(), c.GetLatencyMs())
	switch c.GetOutcome() {
	case "ok":
		return s
	case "repaired":
		return s + ": answered after one repair"
	case "":
		return because(s, c.GetReason())
	}
	return because(s+": "+c.GetOutcome(), c.GetReason())
}

// purposeText is what a call to a model was for, as a verb phrase.
func purposeText(purpose string) string {
	switch purpose {
	case "qualify":
		return "qualify"
	case "read_reply":
		return "read a reply"
	case "write_email":
		return "write an email"
	case "deal":
		return "assess the deal"
	case "next_action":
		return "propose a next action"
	case "":
		return "answer"
	}
	return "answer (" + strings.ReplaceAll(purpose, "_", " ") + ")"
}
