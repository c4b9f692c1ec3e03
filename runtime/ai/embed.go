package ai

import (
	"context"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// PurposeEmbed labels embeddings calls in aida_ai_requests_total.
const PurposeEmbed = "embed"

// Embed returns one vector per text from Config.EmbedModel over /v1/embeddings, in the order
// of texts. It shares Complete's breaker, timeout, concurrency slots and daily budget (all
// calls; embeddings serve no one entity). Without an EmbedModel it fails with ErrUnavailable.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	start := time.Now()
	vecs, tokens, sent, err := c.embed(ctx, texts)
	c.metrics.record(PurposeEmbed, Outcome(err), tokens, 0, time.Since(start).Seconds(), sent)
	return vecs, err
}

func (c *Client) embed(ctx context.Context, texts []string) (vecs [][]float32, tokens int, sent bool, err error) {
	if c.cfg.EmbedModel == "" {
		return nil, 0, false, fail(ErrUnavailable, fmt.Errorf("AIDA_AI_EMBED_MODEL is empty"))
	}
	if len(texts) == 0 {
		return nil, 0, false, nil
	}
	if err := c.checkBudget(""); err != nil {
		return nil, 0, false, err
	}
	if err := c.acquire(ctx); err != nil {
		return nil, 0, false, err
	}
	defer c.release()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var resp openai.EmbeddingResponse
	err = c.call(ctx, func(ctx context.Context) (err error) {
		resp, err = c.api.CreateEmbeddings(ctx, openai.EmbeddingRequest{
			Input: texts, Model: openai.EmbeddingModel(c.cfg.EmbedModel),
		})
		return err
	})
	if err != nil {
		return nil, 0, true, err
	}
	tokens = resp.Usage.PromptTokens
	if tokens == 0 {
		for _, t := range texts {
			tokens += len(t) / 4
		}
	}
	c.budget.spend("", int64(tokens))
	vecs = make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(texts) {
			return nil, tokens, true, fail(ErrUnavailable, fmt.Errorf("embedding index %d out of %d texts", d.Index, len(texts)))
		}
		vecs[d.Index] = d.Embedding
	}
	for i, v := range vecs {
		if v == nil {
			return nil, tokens, true, fail(ErrUnavailable, fmt.Errorf("no embedding for text %d", i))
		}
	}
	return vecs, tokens, true, nil
}
