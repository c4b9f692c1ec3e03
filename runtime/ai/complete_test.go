package ai_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/ai/aitest"
)

func TestComplete(t *testing.T) {
	tests := []struct {
		name         string
		steps        []aitest.Step
		wantErr      error
		wantOutcome  string
		wantRequests int
	}{
		{"good answer", []aitest.Step{aitest.Answer(good)}, nil, "ok", 1},
		{"invalid then repaired", aitest.InvalidThenValid(invalid, good), nil, "repaired", 2},
		{"invalid twice", aitest.InvalidThenValid(invalid, invalid), ai.ErrInvalidAnswer, "invalid", 2},
		{"garbage then repaired", []aitest.Step{aitest.Garbage(), aitest.Answer(good)}, nil, "repaired", 2},
		{"garbage twice", []aitest.Step{aitest.Garbage(), aitest.Garbage()}, ai.ErrInvalidAnswer, "invalid", 2},
		{"fenced JSON", []aitest.Step{aitest.Answer("```json\n" + good + "\n```")}, nil, "ok", 1},
		{"hang", []aitest.Step{aitest.Hang()}, ai.ErrTimeout, "timeout", 1},
		{"429 with a short Retry-After", []aitest.Step{aitest.RateLimited(20 * time.Millisecond), aitest.Answer(good)}, nil, "ok", 2},
		{"429 with a long Retry-After", []aitest.Step{aitest.RateLimited(time.Hour)}, ai.ErrRateLimited, "rate_limited", 1},
		{"429 twice", []aitest.Step{aitest.RateLimited(time.Millisecond), aitest.RateLimited(time.Millisecond)}, ai.ErrRateLimited, "rate_limited", 2},
		{"500 retried", []aitest.Step{aitest.Fail(500), aitest.Answer(good)}, nil, "ok", 2},
		{"500 twice", []aitest.Step{aitest.Fail(500), aitest.Fail(503)}, ai.ErrUnavailable, "unavailable", 2},
		{"401 not retried", []aitest.Step{aitest.Fail(401)}, ai.ErrUnavailable, "unavailable", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.srv.Script(tt.steps...)
			ans, err := f.c.Complete(context.Background(), request())
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if ans.Outcome != tt.wantOutcome || ai.Outcome(err) != tt.wantOutcome && err != nil {
				t.Errorf("outcome = %q (error's %q), want %q", ans.Outcome, ai.Outcome(err), tt.wantOutcome)
			}
			if n := len(f.srv.Requests()); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
			if ans.PromptHash == "" || len(ans.PromptHash) != 64 || ans.Model != "test-model" {
				t.Errorf("accounting: hash %q, model %q", ans.PromptHash, ans.Model)
			}
			if err != nil {
				if ans.JSON != nil {
					t.Errorf("an error with an answer: %s", ans.JSON)
				}
				return
			}
			var got struct{ Intent string }
			if json.Unmarshal(ans.JSON, &got) != nil || got.Intent != "interested" {
				t.Errorf("answer %s", ans.JSON)
			}
			if ans.TokensIn <= 0 || ans.TokensOut <= 0 || ans.Cost <= 0 || ans.Latency <= 0 {
				t.Errorf("accounting: %+v", ans)
			}
			if want := float64(ans.TokensIn)/1e6 + 2*float64(ans.TokensOut)/1e6; ans.Cost != want {
				t.Errorf("cost %g, want %g", ans.Cost, want)
			}
		})
	}
}

func TestCompleteRetryAfter(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.Script(aitest.RateLimited(90 * time.Second))
	_, err := f.c.Complete(context.Background(), request())
	var e *ai.Error
	if !errors.As(err, &e) || e.RetryAfter != 90*time.Second {
		t.Fatalf("err = %v, want a rate limit with Retry-After 90s", err)
	}
}

func TestCompleteRepairMessage(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.Script(aitest.InvalidThenValid(invalid, good)...)
	if _, err := f.c.Complete(context.Background(), request()); err != nil {
		t.Fatal(err)
	}
	reqs := f.srv.Requests()
	msgs := reqs[1].Chat.Messages
	if len(msgs) != 4 || msgs[2].Role != "assistant" || msgs[2].Content != invalid ||
		msgs[3].Role != "user" || !strings.Contains(msgs[3].Content, "not valid against the JSON schema") {
		t.Fatalf("repair messages: %+v", msgs)
	}
	if msgs[0].Content != reqs[0].Chat.Messages[0].Content || msgs[1].Content != reqs[0].Chat.Messages[1].Content {
		t.Error("the repair attempt changed the original messages")
	}
}

func TestCompleteBadRequest(t *testing.T) {
	f := newFixture(t, nil)
	for _, req := range []ai.Request{
		{Purpose: "", Schema: schema},
		{Purpose: "read reply", Schema: schema},
		{Purpose: "x"},
		{Purpose: "x", Schema: map[string]any{"type": 12}},
	} {
		if _, err := f.c.Complete(context.Background(), req); err == nil || ai.Outcome(err) != "error" {
			t.Errorf("%+v: err = %v, want a request error", req, err)
		}
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for bad requests", n)
	}
}

func TestConcurrencyLimit(t *testing.T) {
	f := newFixture(t, func(c *ai.Config) { c.Concurrency = 1; c.Timeout = 5 * time.Second })
	gate := make(chan struct{})
	f.srv.Script(aitest.Answer(good).After(gate))
	first := make(chan error, 1)
	go func() {
		_, err := f.c.Complete(context.Background(), request())
		first <- err
	}()
	eventually(t, "first call in flight", func() bool { return f.srv.InFlight() == 1 })

	// The second call waits for the slot; its context ends first, and it never reaches the server.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.c.Complete(ctx, request()); !errors.Is(err, ai.ErrTimeout) {
		t.Fatalf("second call: err = %v, want ErrTimeout", err)
	}
	if n := len(f.srv.Requests()); n != 1 {
		t.Errorf("%d requests reached the server, want 1", n)
	}
	close(gate)
	if err := <-first; err != nil {
		t.Fatalf("first call: %v", err)
	}
}
