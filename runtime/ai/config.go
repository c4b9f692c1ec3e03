package ai

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Defaults of the Config fields left zero.
const (
	DefaultTimeout     = 20 * time.Second
	DefaultConcurrency = 4
)

// Config is the client's typed sub-config; cmd/ loads it from the AIDA_AI_* settings named in
// Validate's messages. A zero BaseURL means no endpoint: the AI is off and the offline brain
// answers (see Enabled).
type Config struct {
	BaseURL    string // AIDA_AI_BASE_URL: an OpenAI-compatible endpoint ending in /v1
	APIKey     string // AIDA_AI_API_KEY: sent as a bearer token; may be empty (Ollama)
	Model      string // AIDA_AI_MODEL: the chat model
	EmbedModel string // AIDA_AI_EMBED_MODEL: the embeddings model; empty: Embed is unavailable

	Timeout     time.Duration // AIDA_AI_TIMEOUT: per call, retries included; 0: 20s
	Concurrency int           // AIDA_AI_CONCURRENCY: calls in flight at most; 0: 4

	DailyTokens       int64 // AIDA_AI_DAILY_TOKENS: tokens per UTC day, all calls; 0: no limit
	EntityDailyTokens int64 // AIDA_AI_ENTITY_DAILY_TOKENS: tokens per UTC day per entity; 0: no limit

	PriceIn  float64 // AIDA_AI_PRICE_IN: cost of a million input tokens, for Answer.Cost
	PriceOut float64 // AIDA_AI_PRICE_OUT: cost of a million output tokens
}

// Enabled reports whether an endpoint is configured.
func (c Config) Enabled() bool { return c.BaseURL != "" }

// Validate reports every setting that is wrong, each by its environment variable's name and
// with what to set instead. A zero Timeout or Concurrency is valid (the default applies).
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.BaseURL == "" {
		bad("AIDA_AI_BASE_URL is empty: set an OpenAI-compatible endpoint ending in /v1 (e.g. http://127.0.0.1:11434/v1), or leave the AI off")
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("AIDA_AI_BASE_URL %q is not an http(s) URL: e.g. https://openrouter.ai/api/v1", c.BaseURL)
	} else if !strings.HasSuffix(u.Path, "/v1") || u.RawQuery != "" {
		bad("AIDA_AI_BASE_URL %q must end in /v1 (e.g. %s)", c.BaseURL, strings.TrimRight(c.BaseURL, "/")+"/v1")
	}
	if strings.TrimSpace(c.Model) == "" {
		bad("AIDA_AI_MODEL is empty: name the chat model, e.g. gpt-4o-mini or llama3.1")
	}
	if c.Timeout < 0 {
		bad("AIDA_AI_TIMEOUT %s is negative: give a duration such as 20s", c.Timeout)
	}
	if c.Concurrency < 0 {
		bad("AIDA_AI_CONCURRENCY %d is negative: give the number of calls in flight, e.g. 4", c.Concurrency)
	}
	if c.DailyTokens < 0 {
		bad("AIDA_AI_DAILY_TOKENS %d is negative: give tokens per day, or 0 for no limit", c.DailyTokens)
	}
	if c.EntityDailyTokens < 0 {
		bad("AIDA_AI_ENTITY_DAILY_TOKENS %d is negative: give tokens per entity per day, or 0 for no limit", c.EntityDailyTokens)
	}
	if c.PriceIn < 0 || c.PriceOut < 0 {
		bad("AIDA_AI_PRICE_IN/AIDA_AI_PRICE_OUT (%g/%g) must not be negative: give the price of a million tokens", c.PriceIn, c.PriceOut)
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	return c
}

// cost is the price of a call's tokens.
func (c Config) cost(in, out int) float64 {
	return float64(in)*c.PriceIn/1e6 + float64(out)*c.PriceOut/1e6
}
