package record

import (
	"strings"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"google.golang.org/protobuf/proto"
)

// maxAIText bounds the free-text fields of a journaled AI call.
const maxAIText = 500

// DecideAICall journals a call to a language model made for the entity: its purpose, model,
// tokens, latency, cost and outcome (record_ai_call, or the tail of assess_lead).
func DecideAICall(kind string, call *aidapb.AICall) ([]*aidapb.Event, error) {
	if err := CheckAICall(call); err != nil {
		return nil, err
	}
	return []*aidapb.Event{AICalled(kind, call)}, nil
}

// AICalled is the event crm.<kind>.ai_called that journals call.
func AICalled(kind string, call *aidapb.AICall) *aidapb.Event {
	c := proto.Clone(call).(*aidapb.AICall)
	return &aidapb.Event{Type: "crm." + kind + ".ai_called", Data: &aidapb.Event_AiCalled{AiCalled: &aidapb.AICalled{Call: c}}}
}

// CheckAICall says what is wrong with a call record: a purpose and an outcome are required,
// counts are not negative, texts are short.
func CheckAICall(call *aidapb.AICall) error {
	var fs fault.Fields
	if call == nil {
		fs.Add("call", "is required")
		return fs.Err()
	}
	if strings.TrimSpace(call.GetPurpose()) == "" {
		fs.Add("call.purpose", "is required")
	}
	if strings.TrimSpace(call.GetOutcome()) == "" {
		fs.Add("call.outcome", "is required: ok, repaired, or why the offline brain answered")
	}
	if call.GetTokensIn() < 0 || call.GetTokensOut() < 0 || call.GetLatencyMs() < 0 || call.GetCost() < 0 {
		fs.Add("call", "tokens, latency and cost are not negative")
	}
	for name, v := range map[string]string{"call.model": call.GetModel(), "call.reason": call.GetReason(), "call.prompt_hash": call.GetPromptHash()} {
		if len(v) > maxAIText {
			fs.Add(name, "is longer than %d bytes", maxAIText)
		}
	}
	return fs.Err()
}
