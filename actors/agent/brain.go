package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/runtime/ai"
)

// NameAI is the agent that asks a language model for its judgements; its commands carry the
// actor "ai". It runs only when an endpoint is configured (Config.Brain).
const NameAI = "ai"

// Brain is what the ai agent asks: the LLM client (runtime/ai.Client).
type Brain interface {
	Complete(ctx context.Context, req ai.Request) (ai.Answer, error)
}

// qualifyInstructions are the fixed instructions of the qualify purpose. What the lead wrote
// goes only into the data blocks.
const qualifyInstructions = "You assess inbound sales leads for a B2B software company. " +
	"From the lead's data, judge how likely this lead is to become a customer soon: a real person at a " +
	"real company, with a need the product serves and signs of intent. Answer with score, from 0 (no chance) " +
	"to 1 (certain), and reason, one sentence a salesperson can check against the data. Judge only; " +
	"you change nothing."

// qualifySchema is the answer of the qualify purpose.
var qualifySchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"score":  map[string]any{"type": "number", "minimum": 0, "maximum": 1},
		"reason": map[string]any{"type": "string", "maxLength": 300},
	},
	"required":             []any{"score", "reason"},
	"additionalProperties": false,
}

// brain handles the ai agent's events: a captured or updated lead is read by the model, whose
// score comes back as assess_lead (the lead re-qualifies with it, journaled by actor ai). A call
// that fails leaves the offline brain's score in place and is journaled with its reason
// (record_ai_call). The actor never waits for the model: the agent calls it off the mailbox.
func (a *Agent) brain(ctx context.Context, ev Event) error {
	if a.cfg.Brain == nil || (ev.Type != lead.TypeCaptured && ev.Type != lead.TypeUpdated) {
		return nil
	}
	r, err := a.get(ctx, lead.Kind, ev.ID)
	if err != nil {
		return err
	}
	l := r.GetLead()
	if l.GetStatus() == lead.StatusConverted || l.GetStatus() == lead.StatusArchived {
		return nil
	}
	ans, err := a.cfg.Brain.Complete(ctx, ai.Request{Purpose: ai.PurposeQualify, Entity: lead.Kind + "/" + l.GetId(),
		System: qualifyInstructions, Data: leadData(l), Schema: qualifySchema})
	call := callOf(ai.PurposeQualify, ans, err)
	var out struct {
		Score  float64 `json:"score"`
		Reason string  `json:"reason"`
	}
	if err == nil {
		if uerr := json.Unmarshal(ans.JSON, &out); uerr != nil || math.IsNaN(out.Score) {
			err = fmt.Errorf("%w: %v", ai.ErrInvalidAnswer, uerr)
			call.Outcome, call.Reason = ai.Outcome(err), "the answer did not decode; the offline score stands"
		}
	}
	if err != nil {
		a.cfg.Logger.Debug("ai: the offline brain's score stands", "lead", l.GetId(), "outcome", call.GetOutcome(), "err", err)
		_, serr := a.send(ctx, lead.Kind, l.GetId(), &aidapb.Command{Body: &aidapb.Command_RecordAiCall{
			RecordAiCall: &aidapb.RecordAICall{Call: call}}})
		return serr
	}
	score := int32(math.Round(min(max(out.Score, 0), 1) * 1000))
	_, err = a.send(ctx, lead.Kind, l.GetId(), &aidapb.Command{Body: &aidapb.Command_AssessLead{AssessLead: &aidapb.AssessLead{
		Assessment: &aidapb.Assessment{Score: score, Model: ans.Model, Reason: strings.TrimSpace(out.Reason)}, Call: call}}})
	return err
}

// leadData is what the model reads of lead l: its own words and fields, all as data.
func leadData(l *aidapb.Lead) []ai.Datum {
	d := []ai.Datum{
		{Label: "name", Text: strings.TrimSpace(l.GetFirstName() + " " + l.GetLastName())},
		{Label: "email", Text: l.GetEmail()},
		{Label: "company", Text: l.GetCompany()},
		{Label: "source", Text: l.GetSource()},
		{Label: "campaign", Text: l.GetCampaign()},
	}
	for k, v := range l.GetUtm() {
		d = append(d, ai.Datum{Label: k, Text: v})
	}
	for k, v := range l.GetCustomFields().GetFields() {
		d = append(d, ai.Datum{Label: "field " + k, Text: v.String()})
	}
	for _, n := range l.GetNotes() {
		d = append(d, ai.Datum{Label: "note", Text: n.GetText()})
	}
	out := d[:0]
	for _, x := range d {
		if x.Text != "" {
			out = append(out, x)
		}
	}
	return out
}

// callOf is the journal's record of a call, whatever its outcome.
func callOf(purpose string, ans ai.Answer, err error) *aidapb.AICall {
	c := &aidapb.AICall{Purpose: purpose, Model: ans.Model, TokensIn: int32(ans.TokensIn), TokensOut: int32(ans.TokensOut),
		LatencyMs: ans.Latency.Milliseconds(), Cost: ans.Cost, Outcome: ans.Outcome, PromptHash: ans.PromptHash}
	if c.Outcome == "" {
		c.Outcome = ai.Outcome(err)
	}
	if err != nil {
		c.Reason = "the offline brain answered: " + reasonOf(err)
	}
	return c
}

// reasonOf is err as one short line for the journal.
func reasonOf(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
