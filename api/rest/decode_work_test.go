package rest

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

// at is a path decoder with its path parameter fixed, for runDecode.
func at(param string, decode func(string, []byte) (*aidapb.Command, error)) func([]byte) (*aidapb.Command, error) {
	return func(body []byte) (*aidapb.Command, error) { return decode(param, body) }
}

func TestDecodeTask(t *testing.T) {
	due := timestamppb.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	task := func(a *aidapb.AddTask) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: a}}
	}
	runDecode(t, DecodeTask, []decodeCase{
		{name: "minimal", body: `{"title":" Call Ada "}`, want: task(&aidapb.AddTask{Title: "Call Ada"})},
		{name: "full", body: `{"title":"Call Ada","assignee":"bob","due_at":"2026-03-01T10:00:00+01:00","reason":"asked for a call","key":"call-1"}`,
			want: task(&aidapb.AddTask{Title: "Call Ada", Assignee: "bob", DueAt: due, Reason: "asked for a call", Key: "call-1"})},
		{name: "missing title", body: `{"assignee":"bob"}`, fields: []string{"title"}},
		{name: "title too long", body: `{"title":"` + strings.Repeat("x", 201) + `"}`, fields: []string{"title"}},
		{name: "bad due", body: `{"title":"x","due_at":"tomorrow"}`, fields: []string{"due_at"}},
		{name: "date without time", body: `{"title":"x","due_at":"2026-03-01"}`, fields: []string{"due_at"}},
		{name: "due not a string", body: `{"title":"x","due_at":5}`, fields: []string{"due_at"}},
		{name: "unknown and created_by", body: `{"title":"x","created_by":"agent:x","status":"done"}`, fields: []string{"created_by", "status"}},
		{name: "reason too long", body: `{"title":"x","reason":"` + strings.Repeat("r", 1001) + `"}`, fields: []string{"reason"}},
		{name: "empty", body: ``, badJSON: true},
	})
}

func TestDecodeReasonOnlyCommands(t *testing.T) {
	complete := func(id, reason string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CompleteTask{CompleteTask: &aidapb.CompleteTask{TaskId: id, Reason: reason}}}
	}
	t.Run("complete task", func(t *testing.T) {
		runDecode(t, at(" t1 ", DecodeCompleteTask), []decodeCase{
			{name: "no body", body: ``, want: complete("t1", "")},
			{name: "blank body", body: " \n", want: complete("t1", "")},
			{name: "reason", body: `{"reason":" called "}`, want: complete("t1", "called")},
			{name: "unknown", body: `{"task_id":"t2"}`, fields: []string{"task_id"}},
			{name: "not an object", body: `"done"`, badJSON: true},
			{name: "null", body: `null`, badJSON: true},
		})
	})
	t.Run("path parameters", func(t *testing.T) {
		long := strings.Repeat("x", 101)
		for _, tc := range []struct {
			name   string
			decode func([]byte) (*aidapb.Command, error)
			field  string
		}{
			{"task_id empty", at(" ", DecodeCompleteTask), "task_id"},
			{"task_id long", at(long, DecodeCompleteTask), "task_id"},
			{"flag long", at(long, DecodeSetFlag), "name"},
			{"draft empty", at("", DecodeApproveDraft), "draft_id"},
			{"draft long", at(long, DecodeDiscardDraft), "draft_id"},
			{"milestone long", at(long, DecodeCompleteMilestone), "name"},
			{"flag invalid UTF-8", at("\xff", DecodeSetFlag), "name"},
		} {
			runDecode(t, tc.decode, []decodeCase{{name: tc.name, body: `{"reason":"r","x":1}`, fields: []string{tc.field, "x"}}})
		}
	})
	runDecode(t, at("stale", DecodeSetFlag), []decodeCase{
		{name: "set flag", body: `{"reason":"no activity for 14 days"}`,
			want: &aidapb.Command{Body: &aidapb.Command_SetFlag{SetFlag: &aidapb.SetFlag{Name: "stale", Reason: "no activity for 14 days"}}}},
	})
	runDecode(t, at("d1", DecodeApproveDraft), []decodeCase{
		{name: "approve", body: `{}`,
			want: &aidapb.Command{Body: &aidapb.Command_DecideDraft{DecideDraft: &aidapb.DecideDraft{DraftId: "d1", Approve: true}}}},
	})
	runDecode(t, at("d1", DecodeDiscardDraft), []decodeCase{
		{name: "discard", body: `{"reason":"wrong tone"}`,
			want: &aidapb.Command{Body: &aidapb.Command_DecideDraft{DecideDraft: &aidapb.DecideDraft{DraftId: "d1", Reason: "wrong tone"}}}},
	})
	runDecode(t, at("kickoff", DecodeCompleteMilestone), []decodeCase{
		{name: "milestone", body: ``,
			want: &aidapb.Command{Body: &aidapb.Command_CompleteMilestone{CompleteMilestone: &aidapb.CompleteMilestone{Name: "kickoff"}}}},
	})
	runDecode(t, DecodeRecomputeHealth, []decodeCase{
		{name: "health", body: ``, want: &aidapb.Command{Body: &aidapb.Command_RecomputeHealth{RecomputeHealth: &aidapb.RecomputeHealth{}}}},
		{name: "health reason", body: `{"reason":"new usage data"}`,
			want: &aidapb.Command{Body: &aidapb.Command_RecomputeHealth{RecomputeHealth: &aidapb.RecomputeHealth{Reason: "new usage data"}}}},
		{name: "health reason type", body: `{"reason":1}`, fields: []string{"reason"}},
	})
}

func TestDecodeQueryCommands(t *testing.T) {
	cmd, err := DecodeClearFlag(" stale ", " moved ")
	if err != nil || cmd.GetClearFlag().GetName() != "stale" || cmd.GetClearFlag().GetReason() != "moved" {
		t.Fatalf("clear flag: %v %v", cmd, err)
	}
	if names := fieldsOfErr(t, second(DecodeClearFlag("", strings.Repeat("r", 1001)))); strings.Join(names, ",") != "name,reason" {
		t.Errorf("clear flag fields %v", names)
	}
	cmd, err = DecodeStopSequence("replied")
	if err != nil || cmd.GetStopSequence().GetReason() != "replied" {
		t.Fatalf("stop sequence: %v %v", cmd, err)
	}
	if names := fieldsOfErr(t, second(DecodeStopSequence(strings.Repeat("r", 1001)))); strings.Join(names, ",") != "reason" {
		t.Errorf("stop sequence fields %v", names)
	}
}

func second(_ *aidapb.Command, err error) error { return err }

func TestDecodeDraft(t *testing.T) {
	draft := func(d *aidapb.DraftMessage) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_DraftMessage{DraftMessage: d}}
	}
	runDecode(t, DecodeDraft, []decodeCase{
		{name: "email by default", body: `{"body":"Hello Ada","subject":"Our value","to":"Ada@Example.com"}`,
			want: draft(&aidapb.DraftMessage{Channel: "email", To: "ada@example.com", Subject: "Our value", Body: "Hello Ada"})},
		{name: "sms", body: `{"channel":"SMS","to":"+44 1","body":"Hi","reason":"no email","key":"k"}`,
			want: draft(&aidapb.DraftMessage{Channel: "sms", To: "+44 1", Body: "Hi", Reason: "no email", Key: "k"})},
		{name: "missing body", body: `{"subject":"x"}`, fields: []string{"body"}},
		{name: "bad channel", body: `{"channel":"fax","body":"x"}`, fields: []string{"channel"}},
		{name: "bad email", body: `{"to":"ada","body":"x"}`, fields: []string{"to"}},
		{name: "sms with subject", body: `{"channel":"sms","subject":"x","body":"x"}`, fields: []string{"subject"}},
		{name: "body too long", body: `{"body":"` + strings.Repeat("b", 10_001) + `"}`, fields: []string{"body"}},
		{name: "unknown", body: `{"body":"x","status":"approved"}`, fields: []string{"status"}},
		{name: "array", body: `[]`, badJSON: true},
	})
}

func TestDecodeSignal(t *testing.T) {
	when := timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	runDecode(t, DecodeSignal, []decodeCase{
		{name: "reply", body: `{"signal_id":"msg-1","type":"Email.Replied","at":"2026-01-02T03:04:05Z","from":"ada@example.com","subject":"Re: hi","text":"Yes please"}`,
			want: &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{
				SignalId: "msg-1", Type: "email.replied", At: when, From: "ada@example.com", Subject: "Re: hi", Text: "Yes please"}}}},
		{name: "opt-out", body: `{"signal_id":"s","type":"sms.opted_out"}`,
			want: &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: "s", Type: "sms.opted_out"}}}},
		{name: "missing", body: `{}`, fields: []string{"signal_id", "type"}},
		{name: "bad type and time", body: `{"signal_id":"s","type":"email.kissed","at":"yesterday"}`, fields: []string{"type", "at"}},
		{name: "click, id as on NATS", body: `{"id":"m-9","type":"email.clicked"}`,
			want: &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: "m-9", Type: "email.clicked"}}}},
		{name: "both ids, equal", body: `{"id":"m-9","signal_id":"m-9","type":"email.opened"}`,
			want: &aidapb.Command{Body: &aidapb.Command_RecordSignal{RecordSignal: &aidapb.RecordSignal{SignalId: "m-9", Type: "email.opened"}}}},
		{name: "both ids, different", body: `{"id":"m-1","signal_id":"m-2","type":"email.opened"}`, fields: []string{"id"}},
		{name: "no id", body: `{"type":"email.opened"}`, fields: []string{"signal_id"}},
		{name: "year zero", body: `{"signal_id":"s","type":"email.opened","at":"0000-01-01T00:00:00Z"}`, fields: []string{"at"}},
		{name: "id too long", body: `{"signal_id":"` + strings.Repeat("s", 201) + `","type":"email.opened"}`, fields: []string{"signal_id"}},
		{name: "text too long", body: `{"signal_id":"s","type":"email.replied","text":"` + strings.Repeat("t", 10_001) + `"}`, fields: []string{"text"}},
		{name: "type not a string", body: `{"signal_id":"s","type":["email.replied"]}`, fields: []string{"type"}},
	})
}

func TestDecodeStartSequence(t *testing.T) {
	runDecode(t, DecodeStartSequence, []decodeCase{
		{name: "ok", body: `{"type":"re_engagement","reason":"quiet for 90 days"}`,
			want: &aidapb.Command{Body: &aidapb.Command_StartSequence{StartSequence: &aidapb.StartSequence{Type: "re_engagement", Reason: "quiet for 90 days"}}}},
		{name: "missing", body: `{}`, fields: []string{"type"}},
		{name: "unknown type", body: `{"type":"cold"}`, fields: []string{"type"}},
		{name: "empty", body: ``, badJSON: true},
	})
}

func TestDecodeStartOnboarding(t *testing.T) {
	const deal = "0190a5c4-1b2c-7d3e-8f40-123456789abc"
	start := func(template, reason string) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_StartOnboarding{StartOnboarding: &aidapb.StartOnboarding{
			Plan: &aidapb.Onboarding{DealId: deal, Requested: template}, Reason: reason}}}
	}
	runDecode(t, DecodeStartOnboarding, []decodeCase{
		{name: "default template", body: `{"deal_id":"` + strings.ToUpper(deal) + `"}`, want: start("standard", "")},
		{name: "enterprise", body: `{"deal_id":"` + deal + `","template":"enterprise","reason":"big"}`, want: start("enterprise", "big")},
		{name: "missing deal", body: `{"template":"standard"}`, fields: []string{"deal_id"}},
		{name: "bad deal and template", body: `{"deal_id":"d1","template":"gold"}`, fields: []string{"deal_id", "template"}},
		{name: "plan is not the client's", body: `{"deal_id":"` + deal + `","milestones":[]}`, fields: []string{"milestones"}},
	})
}
