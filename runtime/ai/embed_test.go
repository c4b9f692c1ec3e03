package ai_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/ai/aitest"
)

func TestEmbed(t *testing.T) {
	texts := []string{"Acme wants a demo", "out of office until Monday"}
	tests := []struct {
		name    string
		model   string
		steps   []aitest.Step
		wantErr error
	}{
		{"vectors", "test-embed", nil, nil},
		{"500 retried", "test-embed", []aitest.Step{aitest.Fail(500)}, nil},
		{"hang", "test-embed", []aitest.Step{aitest.Hang()}, ai.ErrTimeout},
		{"no embed model", "", nil, ai.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *ai.Config) { c.EmbedModel = tt.model })
			f.srv.ScriptEmbed(tt.steps...)
			vecs, err := f.c.Embed(context.Background(), texts)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if f.value(t, "aida_ai_requests_total", "purpose", "embed", "outcome", ai.Outcome(err)) != 1 {
				t.Errorf("not counted as embed %s", ai.Outcome(err))
			}
			if err != nil {
				return
			}
			if len(vecs) != 2 || !slices.Equal(vecs[0], aitest.Vector(texts[0])) || !slices.Equal(vecs[1], aitest.Vector(texts[1])) {
				t.Fatalf("vectors not the server's, in order")
			}
			reqs := f.srv.Requests()
			if last := reqs[len(reqs)-1]; last.Path != "/v1/embeddings" || !slices.Equal(last.Input, texts) || last.Auth != "Bearer sk-test" {
				t.Errorf("request %+v", last)
			}
			if _, used := f.c.TokensToday(); used <= 0 {
				t.Error("embedding tokens not counted in the budget")
			}
		})
	}
}
