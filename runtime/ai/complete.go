package ai

import (
	"context"
	"fmt"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Complete asks the model one structured question and returns its answer validated against
// req.Schema. It sends one chat completion with a strict json_schema response format named
// req.Purpose: req.System as the system message, req.Data only inside the user message. An
// invalid answer gets one repair attempt. Errors match one of ErrTimeout, ErrRateLimited,
// ErrUnavailable, ErrBudget, ErrInvalidAnswer (see errors.go), or report a malformed req.
func (c *Client) Complete(ctx context.Context, req Request) (Answer, error) {
	start := time.Now()
	var ans Answer
	sent, err := c.complete(ctx, req, &ans)
	ans.Latency = time.Since(start)
	if ans.Model == "" {
		ans.Model = c.cfg.Model
	}
	ans.Cost = c.cfg.cost(ans.TokensIn, ans.TokensOut)
	if err != nil {
		ans.Outcome = Outcome(err)
		ans.JSON = nil
	}
	c.metrics.record(req.Purpose, ans.Outcome, ans.TokensIn, ans.TokensOut, ans.Latency.Seconds(), sent)
	return ans, err
}

// complete fills ans; sent reports whether a request went to the endpoint.
func (c *Client) complete(ctx context.Context, req Request, ans *Answer) (sent bool, err error) {
	if !validName(req.Purpose) {
		return false, fmt.Errorf("ai request: purpose %q must be 1-64 letters, digits, _ or -", req.Purpose)
	}
	if req.Schema == nil {
		return false, fmt.Errorf("ai request %s: no schema", req.Purpose)
	}
	sch, schemaJSON, err := c.schemas.compile(req.Schema)
	if err != nil {
		return false, fmt.Errorf("ai request %s: %w", req.Purpose, err)
	}
	user := userMessage(req.Data)
	ans.PromptHash = promptHash(req.System, user)
	if err := c.checkBudget(req.Entity); err != nil {
		return false, err
	}
	if err := c.acquire(ctx); err != nil {
		return false, err
	}
	defer c.release()
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	chat := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: req.System},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: req.Purpose, Strict: true, Schema: schemaJSON,
			},
		},
	}
	content, err := c.chat(ctx, req.Entity, chat, ans)
	if err != nil {
		return true, err
	}
	if ans.JSON, err = validate(sch, content); err == nil {
		ans.Outcome = OutcomeOK
		return true, nil
	}
	chat.Messages = append(chat.Messages,
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: content},
		openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: repairMessage(err.Error())})
	content, err = c.chat(ctx, req.Entity, chat, ans)
	if err != nil {
		return true, err
	}
	if ans.JSON, err = validate(sch, content); err != nil {
		return true, fail(ErrInvalidAnswer, err)
	}
	ans.Outcome = OutcomeRepaired
	return true, nil
}

// chat sends one chat completion and returns its content ("" without choices, which fails
// validation like any invalid answer); it counts the tokens in ans and in
// the budget.
func (c *Client) chat(ctx context.Context, entity string, req openai.ChatCompletionRequest, ans *Answer) (string, error) {
	var resp openai.ChatCompletionResponse
	err := c.call(ctx, func(ctx context.Context) (err error) {
		resp, err = c.api.CreateChatCompletion(ctx, req)
		return err
	})
	if err != nil {
		return "", err
	}
	in, out := resp.Usage.PromptTokens, resp.Usage.CompletionTokens
	content := ""
	if len(resp.Choices) > 0 {
		content = resp.Choices[0].Message.Content
	}
	if in == 0 && out == 0 { // an endpoint that reports no usage: about 4 characters a token
		for _, m := range req.Messages {
			in += len(m.Content) / 4
		}
		out = len(content) / 4
	}
	ans.TokensIn += in
	ans.TokensOut += out
	if resp.Model != "" {
		ans.Model = resp.Model
	}
	c.budget.spend(entity, int64(in+out))
	return stripFence(content), nil
}

// stripFence removes a Markdown code fence some local models put around JSON.
func stripFence(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "```") || !strings.HasSuffix(t, "```") || len(t) < 6 {
		return s
	}
	t = strings.TrimSuffix(strings.TrimPrefix(t, "```"), "```")
	if i := strings.IndexByte(t, '\n'); i >= 0 && !strings.ContainsAny(t[:i], "{[") {
		t = t[i+1:] // the fence's language tag, "json"
	}
	return t
}
