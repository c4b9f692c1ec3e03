package agent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/runtime/ai/offline"
)

// NameReader is the agent that reads the replies leads send and acts on what they mean.
const NameReader = "reader"

// Delays of a "not now" or an away message that names no date.
const (
	notNowDefault = 14 * 24 * time.Hour
	awayDefault   = 7 * 24 * time.Hour
)

// read handles a lead's reply (email or SMS): the offline brain reads its intent
// (runtime/ai/offline) or, with a model configured, the model does (the offline reading stands
// when the call fails; the call is journaled either way); the reading is journaled as a note,
// and the agent acts on it:
// interested, a question, an objection or an unclear reply give the owner a task to answer;
// not now and an away message a task to write again on the date named (or in 14 and 7 days);
// an unsubscribe opts the lead out; a bounce notice records a bounce; a referral notes the new
// contact and gives a task. The reply's text is data: nothing in it can do more than that.
func (a *Agent) read(ctx context.Context, ev Event) error {
	if ev.Kind != lead.Kind || (ev.Type != event.SignalType(lead.Kind, event.EmailReplied) &&
		ev.Type != event.SignalType(lead.Kind, event.SMSReplied)) {
		return nil
	}
	var sig aidapb.SignalReceived
	if err := ev.payload(&sig); err != nil {
		return err
	}
	now := a.cfg.Clock()
	channelEmail := ev.Type == event.SignalType(lead.Kind, event.EmailReplied)
	text := sig.GetSubject() + "\n" + sig.GetText()
	in, source := offline.ReadReply(text, now), "offline rules"
	switch {
	case !channelEmail && smsStop(sig.GetText()):
		in = offline.Intent{Kind: offline.Unsubscribe, Confidence: 1, Reasons: []string{"an SMS opt-out keyword"}}
	case a.cfg.Brain != nil && in.Kind != offline.Bounce && in.Kind != offline.Unsubscribe:
		// The model reads what the rules do not settle: a bounce notice and an unsubscribe are
		// honoured as the rules read them, whatever a model would say.
		var err error
		if in, source, err = a.readByModel(ctx, ev.ID, text, now, in); err != nil {
			return err
		}
	}
	from := orDefault(sig.GetFrom(), "the lead")
	note := fmt.Sprintf("Read the reply from %s as %s (%s, confidence %.2f): %s", from, in, source,
		in.Confidence, strings.Join(in.Reasons, "; "))
	if _, err := a.send(ctx, lead.Kind, ev.ID, noteCmd(note)); err != nil {
		return err
	}
	key := "reply:" + sig.GetSignalId()
	switch in.Kind {
	case offline.Unsubscribe:
		typ := event.EmailUnsubscribed
		if !channelEmail {
			typ = event.SMSOptedOut
		}
		return a.signal(ctx, ev.ID, sig.GetSignalId()+":"+string(in.Kind), typ, sig.GetFrom())
	case offline.Bounce:
		return a.signal(ctx, ev.ID, sig.GetSignalId()+":"+string(in.Kind), event.EmailBounced, sig.GetFrom())
	case offline.NotNow, offline.OutOfOffice:
		due, wait := in.Until, notNowDefault
		if in.Kind == offline.OutOfOffice {
			wait = awayDefault
		}
		if due.IsZero() {
			due = now.Add(wait)
		}
		return a.task(ctx, ev.ID, "Write to "+from+" again", "the reply said "+in.String(), key, due)
	case offline.Referral:
		who := strings.TrimSpace(in.Referral.Name + " <" + in.Referral.Email + ">")
		if _, err := a.send(ctx, lead.Kind, ev.ID, noteCmd("The reply from "+from+" refers to "+who)); err != nil {
			return err
		}
		return a.task(ctx, ev.ID, "Contact "+who+", named in "+from+"'s reply", "a referral", key, now.Add(24*time.Hour))
	}
	title := map[offline.Kind]string{offline.Interested: "Answer " + from + ": they are interested",
		offline.Question: "Answer " + from + "'s question", offline.Objection: "Answer " + from + "'s objection"}[in.Kind]
	if title == "" {
		title = "Read " + from + "'s reply"
	}
	return a.task(ctx, ev.ID, title, "the reply reads as "+string(in.Kind), key, now.Add(24*time.Hour))
}

// task gives the lead's owner a task, once per key.
func (a *Agent) task(ctx context.Context, id, title, why, key string, due time.Time) error {
	_, err := a.send(ctx, lead.Kind, id, &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{
		Title: title, Reason: why, Key: key, DueAt: timestamppb.New(due)}}})
	return err
}

// signal records a signal the reply amounts to (an unsubscribe, a bounce) under its own ID, so
// that a redelivery changes nothing.
func (a *Agent) signal(ctx context.Context, id, signalID, typ, from string) error {
	_, err := a.send(ctx, lead.Kind, id, &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{
		SignalId: signalID, Type: typ, From: from}}})
	return err
}

func noteCmd(text string) *aidapb.Command {
	return &aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: text}}}
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// smsStop reports whether an SMS reply is one of the carriers' opt-out keywords (STOP, END,
// CANCEL, UNSUBSCRIBE, QUIT, STOPALL), alone.
func smsStop(text string) bool {
	switch strings.ToUpper(strings.Trim(strings.TrimSpace(text), ".!")) {
	case "STOP", "STOPALL", "END", "CANCEL", "UNSUBSCRIBE", "QUIT":
		return true
	}
	return false
}
