package ai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sony/gobreaker/v2"
)

// Client calls an OpenAI-compatible endpoint for AIDA's AI workers. It is safe for concurrent
// use; make one per process.
type Client struct {
	cfg     Config
	opts    options
	api     *openai.Client
	sem     chan struct{} // a slot per call in flight
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]
	budget  *budget
	schemas schemas
	metrics metrics
}

// Answer is a validated answer and what it cost. On an error, Complete still returns the
// Answer's accounting (model, tokens, latency, cost, prompt hash) with Outcome naming the
// failure, so the caller journals the fallback and its reason.
type Answer struct {
	JSON       json.RawMessage // the answer, compact JSON valid against the request's schema
	Model      string          // the model that answered, as the endpoint names it
	TokensIn   int             // prompt tokens, repair attempt included
	TokensOut  int
	Latency    time.Duration
	Cost       float64 // from Config.PriceIn and PriceOut
	Outcome    string  // "ok", "repaired", or the failure (see Outcome)
	PromptHash string  // hex SHA-256 of the system and user messages
}

// New makes a client of the endpoint cfg names. It returns an error if cfg is not valid.
func New(cfg Config, opts ...Option) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ai config: %w", err)
	}
	cfg = cfg.withDefaults()
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = doer{http: &http.Client{}}
	c := &Client{
		cfg:    cfg,
		opts:   o,
		api:    openai.NewClientWithConfig(oc),
		sem:    make(chan struct{}, cfg.Concurrency),
		budget: &budget{daily: cfg.DailyTokens, entityDaily: cfg.EntityDailyTokens, now: o.now, log: o.log},
	}
	c.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        "ai",
		Timeout:     o.openFor,
		ReadyToTrip: func(n gobreaker.Counts) bool { return n.ConsecutiveFailures >= o.tripAfter },
		IsExcluded:  func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			o.log.Warn("ai circuit breaker", "from", from.String(), "to", to.String())
		},
	})
	c.metrics = newMetrics(o.reg, o.log, func() float64 {
		if c.BreakerOpen() {
			return 1
		}
		return 0
	})
	return c, nil
}

// BreakerOpen reports whether the circuit breaker is open: calls fail fast with ErrUnavailable.
func (c *Client) BreakerOpen() bool { return c.breaker.State() == gobreaker.StateOpen }

// TokensToday is the UTC day and the tokens counted on it, all calls together.
func (c *Client) TokensToday() (day string, tokens int64) { return c.budget.usage() }

// acquire takes a call slot, waiting while Config.Concurrency calls are in flight.
func (c *Client) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fail(ErrTimeout, fmt.Errorf("wait for a call slot: %w", ctx.Err()))
	}
}

func (c *Client) release() { <-c.sem }

// checkBudget refuses a call when today's budget, global or entity's, is used up.
func (c *Client) checkBudget(entity string) error {
	switch c.budget.allow(entity) {
	case "daily":
		return fail(ErrBudget, fmt.Errorf("AIDA_AI_DAILY_TOKENS (%d) used today", c.cfg.DailyTokens))
	case "entity":
		return fail(ErrBudget, fmt.Errorf("AIDA_AI_ENTITY_DAILY_TOKENS (%d) used today by %s", c.cfg.EntityDailyTokens, entity))
	}
	return nil
}
