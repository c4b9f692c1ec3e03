package record_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

var signalNow = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

func TestSignalTypes(t *testing.T) {
	want := []string{"email.replied", "email.opened", "email.clicked", "email.bounced", "email.unsubscribed", "sms.replied", "sms.opted_out"}
	if got := record.SignalTypes(); !slices.Equal(got, want) {
		t.Errorf("SignalTypes = %v, want %v", got, want)
	}
	for _, typ := range want {
		reply := typ == "email.replied" || typ == "sms.replied"
		optOut := typ == "email.unsubscribed" || typ == "sms.opted_out"
		if record.IsReply(typ) != reply || record.IsOptOut(typ) != optOut {
			t.Errorf("%s: IsReply %v IsOptOut %v, want %v %v", typ, record.IsReply(typ), record.IsOptOut(typ), reply, optOut)
		}
	}
	if got := record.SignalEventType("deal", "sms.opted_out"); got != "crm.deal.sms_opted_out" {
		t.Errorf("SignalEventType = %q", got)
	}
}

func TestDecideSignal(t *testing.T) {
	past := timestamppb.New(signalNow.Add(-2 * time.Hour))
	now := timestamppb.New(signalNow)
	known := &aidapb.Engagement{SignalIds: []string{"m-1", "m-2"}}
	tests := []struct {
		name     string
		eng      *aidapb.Engagement
		cmd      *aidapb.RecordSignal
		typ      string // event type; "" for none
		want     *aidapb.SignalReceived
		problems []string
	}{
		{name: "a reply, fields trimmed", eng: known,
			cmd:  &aidapb.RecordSignal{SignalId: " m-3 ", Type: " Email.Replied ", From: " ada@example.com ", Subject: " Re: hi ", Text: " yes \n", At: past},
			typ:  "crm.lead.email_replied",
			want: &aidapb.SignalReceived{SignalId: "m-3", Type: "email.replied", From: "ada@example.com", Subject: "Re: hi", Text: "yes", At: past}},
		{name: "no time is now", cmd: &aidapb.RecordSignal{SignalId: "m-3", Type: "sms.opted_out"},
			typ: "crm.lead.sms_opted_out", want: &aidapb.SignalReceived{SignalId: "m-3", Type: "sms.opted_out", At: now}},
		{name: "a time in the future is now", cmd: &aidapb.RecordSignal{SignalId: "m-3", Type: "email.opened", At: timestamppb.New(signalNow.Add(time.Hour))},
			typ: "crm.lead.email_opened", want: &aidapb.SignalReceived{SignalId: "m-3", Type: "email.opened", At: now}},
		{name: "a redelivery changes nothing", eng: known, cmd: &aidapb.RecordSignal{SignalId: "m-2", Type: "email.bounced"}},
		{name: "a redelivery is still checked", eng: known, cmd: &aidapb.RecordSignal{SignalId: "m-2", Type: "email.read"},
			problems: []string{"type: must be one of " + strings.Join(record.SignalTypes(), ", ")}},
		{name: "no signal id", cmd: &aidapb.RecordSignal{SignalId: "  ", Type: "email.opened"},
			problems: []string{"signal_id: is required: the message ID that makes redeliveries harmless"}},
		{name: "nil command", cmd: nil,
			problems: []string{"signal_id: is required: the message ID that makes redeliveries harmless",
				"type: must be one of " + strings.Join(record.SignalTypes(), ", ")}},
		{name: "long fields", cmd: &aidapb.RecordSignal{SignalId: strings.Repeat("m", record.MaxSignalID+1), Type: "email.replied",
			From: strings.Repeat("f", 321), Subject: strings.Repeat("s", record.MaxTitle+1), Text: strings.Repeat("t", record.MaxReplyText+1)},
			problems: []string{"signal_id: must be at most 200 characters", "from: must be at most 320 characters",
				"subject: must be at most 200 characters", "text: must be at most 10000 characters"}},
		{name: "a sender on two lines", cmd: &aidapb.RecordSignal{SignalId: "m", Type: "email.replied", From: "a\nb"},
			problems: []string{"from: must be one line of text"}},
		{name: "an invalid time", cmd: &aidapb.RecordSignal{SignalId: "m", Type: "email.replied", At: &timestamppb.Timestamp{Nanos: -1}},
			problems: []string{"at: is not a valid time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := record.DecideSignal("lead", tt.eng, tt.cmd, signalNow)
			e := decided(t, evs, err, tt.typ, tt.problems)
			if !proto.Equal(e.GetSignalReceived(), tt.want) {
				t.Errorf("signal %v, want %v", e.GetSignalReceived(), tt.want)
			}
		})
	}
}

// signalEvent is a SignalReceived event of typ at h hours after signalNow, stamped at signalNow.
func signalEvent(id, typ string, h int) *aidapb.Event {
	return &aidapb.Event{Id: "ev-" + id, Time: timestamppb.New(signalNow), Data: &aidapb.Event_SignalReceived{SignalReceived: &aidapb.SignalReceived{
		SignalId: id, Type: typ, At: timestamppb.New(signalNow.Add(time.Duration(h) * time.Hour))}}}
}

func TestApplySignal(t *testing.T) {
	at := func(h int) *timestamppb.Timestamp {
		return timestamppb.New(signalNow.Add(time.Duration(h) * time.Hour))
	}
	var g *aidapb.Engagement
	if record.ApplySignal(&aidapb.Event{Data: &aidapb.Event_NoteAdded{NoteAdded: &aidapb.NoteAdded{}}}, &g) || g != nil {
		t.Fatalf("a note is not a signal: engagement %v", g)
	}
	steps := []struct {
		e    *aidapb.Event
		want *aidapb.Engagement
	}{
		{signalEvent("1", "email.bounced", 1), &aidapb.Engagement{Bounces: 1, EmailBounced: true, SignalIds: []string{"1"}}},
		{signalEvent("2", "sms.replied", 2), &aidapb.Engagement{Bounces: 1, EmailBounced: true, Replies: 1, LastReplyAt: at(2),
			LastContactAt: at(2), RecentContacts: []*timestamppb.Timestamp{at(2)}, SignalIds: []string{"1", "2"}}},
		{signalEvent("3", "email.replied", 3), &aidapb.Engagement{Bounces: 1, Replies: 2, LastReplyAt: at(3),
			LastContactAt: at(3), RecentContacts: []*timestamppb.Timestamp{at(2), at(3)}, SignalIds: []string{"1", "2", "3"}}},
		{signalEvent("4", "email.bounced", 4), &aidapb.Engagement{Bounces: 2, EmailBounced: true, Replies: 2, LastReplyAt: at(3),
			LastContactAt: at(3), RecentContacts: []*timestamppb.Timestamp{at(2), at(3)}, SignalIds: []string{"1", "2", "3", "4"}}},
		// An open told late: it is a contact, kept in order, but not the last one.
		{signalEvent("5", "email.opened", 1), &aidapb.Engagement{Bounces: 2, Replies: 2, Opens: 1, LastReplyAt: at(3),
			LastContactAt: at(3), RecentContacts: []*timestamppb.Timestamp{at(1), at(2), at(3)}, SignalIds: []string{"1", "2", "3", "4", "5"}}},
		{signalEvent("6", "email.clicked", 5), &aidapb.Engagement{Bounces: 2, Replies: 2, Opens: 2, LastReplyAt: at(3),
			LastContactAt: at(5), RecentContacts: []*timestamppb.Timestamp{at(1), at(2), at(3), at(5)}, SignalIds: []string{"1", "2", "3", "4", "5", "6"}}},
		{signalEvent("7", "email.unsubscribed", 6), &aidapb.Engagement{Bounces: 2, Replies: 2, Opens: 2, LastReplyAt: at(3), OptedOut: true,
			LastContactAt: at(5), RecentContacts: []*timestamppb.Timestamp{at(1), at(2), at(3), at(5)}, SignalIds: []string{"1", "2", "3", "4", "5", "6", "7"}}},
	}
	for i, st := range steps {
		if !record.ApplySignal(st.e, &g) {
			t.Fatalf("step %d: not a signal", i)
		}
		if !proto.Equal(g, st.want) {
			t.Fatalf("step %d (%s):\n got %v\nwant %v", i, st.e.GetSignalReceived().GetType(), g, st.want)
		}
	}
	// A signal without its own time counts from the event's.
	g = nil
	e := &aidapb.Event{Time: at(9), Data: &aidapb.Event_SignalReceived{SignalReceived: &aidapb.SignalReceived{SignalId: "x", Type: "sms.replied"}}}
	record.ApplySignal(e, &g)
	if !proto.Equal(g.GetLastContactAt(), at(9)) || !proto.Equal(g.GetLastReplyAt(), at(9)) {
		t.Errorf("engagement %v, want contact and reply at %v", g, at(9))
	}
	g.LastContactAt.Seconds++
	if e.GetTime().GetSeconds() == g.GetLastContactAt().GetSeconds() {
		t.Error("the engagement shares a time with the event")
	}
}

// TestApplySignalBounds: the engagement keeps the last KeptSignals IDs and the latest
// KeptContacts contact times, whatever order they arrive in.
func TestApplySignalBounds(t *testing.T) {
	var g *aidapb.Engagement
	const n = record.KeptSignals + 6
	for i := 1; i <= n; i++ {
		h := (i * 37) % n // contact times out of order
		record.ApplySignal(signalEvent(fmt.Sprint(i), "email.opened", h), &g)
	}
	if len(g.GetSignalIds()) != record.KeptSignals || g.GetSignalIds()[0] != "7" || g.GetSignalIds()[record.KeptSignals-1] != fmt.Sprint(n) {
		t.Errorf("signal ids %v, want 7 … %d", g.GetSignalIds(), n)
	}
	var hours []int
	for _, c := range g.GetRecentContacts() {
		hours = append(hours, int(c.AsTime().Sub(signalNow)/time.Hour))
	}
	if want := []int{n - 5, n - 4, n - 3, n - 2, n - 1}; !slices.Equal(hours, want) {
		t.Errorf("recent contacts at hours %v, want %v", hours, want)
	}
	if got := int(g.GetLastContactAt().AsTime().Sub(signalNow) / time.Hour); got != n-1 || g.GetOpens() != n {
		t.Errorf("last contact at hour %d, opens %d; want %d, %d", got, g.GetOpens(), n-1, n)
	}
	// A signal older than the remembered IDs is decided again: the bound is documented.
	for _, id := range []string{"1", "6"} {
		if evs, err := record.DecideSignal("lead", g, &aidapb.RecordSignal{SignalId: id, Type: "email.opened"}, signalNow); err != nil || len(evs) != 1 {
			t.Errorf("signal %s after it was forgotten: events %v, error %v; want one event", id, evs, err)
		}
	}
	if evs, _ := record.DecideSignal("lead", g, &aidapb.RecordSignal{SignalId: "7", Type: "email.opened"}, signalNow); len(evs) != 0 {
		t.Errorf("signal 7 is remembered: events %v, want none", evs)
	}
}
