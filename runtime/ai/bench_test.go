package ai_test

import (
	"context"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/ai/aitest"
)

// BenchmarkComplete measures Complete (prompt building, breaker, budget, semaphore, schema
// validation, metrics) against the aitest server, beside a bare go-openai call with the same
// messages and response_format to the same server: the difference is the client's overhead
// (B9's lower layer).
func BenchmarkComplete(b *testing.B) {
	f := newFixture(b, func(c *ai.Config) { c.Timeout = 0 })
	f.srv.Otherwise(func(aitest.Request) aitest.Step { return aitest.Answer(good) })
	req := request()
	if _, err := f.c.Complete(context.Background(), req); err != nil { // the request bare replays
		b.Fatal(err)
	}
	sent := f.srv.Requests()[0].Chat

	b.Run("aida", func(b *testing.B) {
		for b.Loop() {
			if _, err := f.c.Complete(context.Background(), req); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("bare", func(b *testing.B) {
		cfg := openai.DefaultConfig("sk-test")
		cfg.BaseURL = f.srv.URL
		bare := openai.NewClientWithConfig(cfg)
		for b.Loop() {
			if _, err := bare.CreateChatCompletion(context.Background(), sent); err != nil {
				b.Fatal(err)
			}
		}
	})
}
