package agent

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/ai/aitest"
)

// TestReaderWithModel: with a model configured, the reader asks it and acts on its reading,
// journaling the call; when the model fails, the offline reading stands and the call says why;
// an unsubscribe is honoured as the rules read it, without asking the model.
func TestReaderWithModel(t *testing.T) {
	until := now.AddDate(0, 1, 0).Format(time.DateOnly)
	tests := []struct {
		name, text string
		step       *aitest.Step // nil: the model must not be asked
		commands   string
		source     string
		outcome    string
	}{
		{"the model reads a later date", "Busy with the audit, let's talk after it.",
			ptrStep(aitest.Answer(`{"intent":"not_now","confidence":0.8,"until":"` + until + `","referral_name":"","referral_email":"","reason":"after the audit"}`)),
			"record_ai_call,add_note,add_task", "model test-model", "ok"},
		{"the model fails", "Sounds great, can we book a demo?", ptrStep(aitest.Fail(http.StatusInternalServerError)),
			"record_ai_call,add_note,add_task", "offline rules, the model failed: unavailable", "unavailable"},
		{"an unsubscribe", "Please remove me from your list.", nil, "add_note,record_signal", "offline rules", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := aitest.NewServer(t)
			if tt.step != nil {
				srv.Otherwise(func(aitest.Request) aitest.Step { return *tt.step })
			}
			client, err := ai.New(ai.Config{BaseURL: srv.URL, Model: "test-model", Timeout: time.Second}, ai.WithRetryBackoff(time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			f := &fakeEntities{}
			cfg := testConfig()
			cfg.Brain = client
			a, err := New(NameReader, f, cfg)
			if err != nil {
				t.Fatal(err)
			}
			sig := &aidapb.SignalReceived{SignalId: "s1", Type: "email.replied", From: "ada@example.com", Text: tt.text}
			if err := a.Handle(context.Background(), message(t, "crm.lead.email_replied", "lead/l1", sig)); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			var names []string
			var note, due string
			var call *aidapb.AICall
			for _, c := range f.recorded() {
				names = append(names, commandName(c.cmd))
				if n := c.cmd.GetAddNote(); n != nil {
					note = n.GetText()
				}
				if tk := c.cmd.GetAddTask(); tk != nil {
					due = tk.GetDueAt().AsTime().Format(time.DateOnly)
				}
				if r := c.cmd.GetRecordAiCall(); r != nil {
					call = r.GetCall()
				}
			}
			if strings.Join(names, ",") != tt.commands || !strings.Contains(note, "("+tt.source+",") {
				t.Fatalf("commands %q, note %q; want %s and a note by %s", names, note, tt.commands, tt.source)
			}
			if tt.step == nil && len(srv.Requests()) != 0 {
				t.Errorf("the model was asked about an unsubscribe")
			}
			if tt.outcome != "" && (call.GetOutcome() != tt.outcome || call.GetPurpose() != ai.PurposeReadReply) {
				t.Errorf("call %v, want outcome %s", call, tt.outcome)
			}
			if tt.name == "the model reads a later date" && due != until {
				t.Errorf("task due %s, want the model's date %s", due, until)
			}
		})
	}
}

func ptrStep(s aitest.Step) *aitest.Step { return &s }
