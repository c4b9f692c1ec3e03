package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/aidacrm/aida/runtime/ai/aitest"
)

// TestAIQualifiesLeads: with an endpoint configured, a captured lead answers at once with the
// offline score, then the model's reading follows as a re-qualification journaled by actor ai;
// when the endpoint fails, the offline score stands and the timeline says why.
func TestAIQualifiesLeads(t *testing.T) {
	tests := []struct {
		name      string
		step      aitest.Step
		wantModel string
		outcome   string
	}{
		{"the model answers", aitest.Answer(`{"score":0.9,"reason":"a named buyer asking for a demo"}`), "test-model", "ok"},
		{"the endpoint fails", aitest.Fail(http.StatusServiceUnavailable), "offline", "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := aitest.NewServer(t)
			model.Otherwise(func(aitest.Request) aitest.Step { return tt.step })
			s := startAida(t, "AIDA_DATA_DIR="+t.TempDir(), "AIDA_AI_BASE_URL="+model.URL, "AIDA_AI_MODEL=test-model",
				"AIDA_AI_TIMEOUT=5s")
			status, l, _ := call(t, http.DefaultClient, "POST", s.url+"/api/v1/leads", map[string]any{
				"email": "ada@analytical.example", "first_name": "Ada", "company": "Analytical Engines Ltd", "source": "demo_request"})
			if status != http.StatusCreated {
				t.Fatalf("capture: %d %v", status, l)
			}
			if q, _ := l["qualification"].(map[string]any); q["model"] != "offline" {
				t.Fatalf("the capture answered with %v, want the offline brain's score at once", q["model"])
			}
			id, _ := l["id"].(string)
			var seen map[string]string // event type → actor, and the call's outcome
			for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				_, tl, _ := call(t, http.DefaultClient, "GET", s.url+"/api/v1/leads/"+id+"/timeline?limit=200", nil)
				seen = map[string]string{}
				items, _ := tl["items"].([]any)
				for _, it := range items {
					e, _ := it.(map[string]any)
					typ, _ := e["type"].(string)
					seen[typ], _ = e["actor"].(string)
					if typ == "crm.lead.ai_called" {
						data, _ := e["data"].(map[string]any)
						c, _ := data["call"].(map[string]any)
						seen["outcome"], _ = c["outcome"].(string)
					}
				}
				if seen["crm.lead.ai_called"] != "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no AI call journaled within 15 s: %v\n%s", seen, s.logs)
				}
			}
			if seen["crm.lead.ai_called"] != "ai" || seen["outcome"] != tt.outcome {
				t.Errorf("the call: actor %q, outcome %q; want ai, %s", seen["crm.lead.ai_called"], seen["outcome"], tt.outcome)
			}
			_, got, _ := call(t, http.DefaultClient, "GET", s.url+"/api/v1/leads/"+id, nil)
			q, _ := got["qualification"].(map[string]any)
			if q["model"] != tt.wantModel {
				t.Errorf("qualification by %v, want %s", q["model"], tt.wantModel)
			}
			if tt.wantModel != "offline" && seen["crm.lead.assessed"] != "ai" {
				t.Errorf("no assessment journaled by ai: %v", seen)
			}
		})
	}
}
