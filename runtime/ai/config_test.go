package ai_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/runtime/ai"
)

func TestConfigValidate(t *testing.T) {
	ok := ai.Config{BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.1"}
	tests := []struct {
		name string
		edit func(*ai.Config)
		want string // a part of the error; "" for valid
	}{
		{"valid", func(*ai.Config) {}, ""},
		{"openrouter", func(c *ai.Config) { c.BaseURL = "https://openrouter.ai/api/v1" }, ""},
		{"no base URL", func(c *ai.Config) { c.BaseURL = "" }, "AIDA_AI_BASE_URL is empty"},
		{"not /v1", func(c *ai.Config) { c.BaseURL = "http://127.0.0.1:11434" }, "AIDA_AI_BASE_URL \"http://127.0.0.1:11434\" must end in /v1"},
		{"trailing slash", func(c *ai.Config) { c.BaseURL = "http://h/v1/" }, "must end in /v1"},
		{"not http", func(c *ai.Config) { c.BaseURL = "ftp://h/v1" }, "not an http(s) URL"},
		{"no model", func(c *ai.Config) { c.Model = " " }, "AIDA_AI_MODEL is empty"},
		{"negative timeout", func(c *ai.Config) { c.Timeout = -time.Second }, "AIDA_AI_TIMEOUT"},
		{"negative concurrency", func(c *ai.Config) { c.Concurrency = -1 }, "AIDA_AI_CONCURRENCY"},
		{"negative budget", func(c *ai.Config) { c.DailyTokens = -1 }, "AIDA_AI_DAILY_TOKENS"},
		{"negative entity budget", func(c *ai.Config) { c.EntityDailyTokens = -1 }, "AIDA_AI_ENTITY_DAILY_TOKENS"},
		{"negative price", func(c *ai.Config) { c.PriceOut = -1 }, "AIDA_AI_PRICE_IN/AIDA_AI_PRICE_OUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			err := cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("valid config refused: %v", err)
				}
				if _, err := ai.New(cfg); err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if _, err := ai.New(cfg); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
	if err := (ai.Config{BaseURL: "x", Concurrency: -1}).Validate(); strings.Count(err.Error(), "AIDA_AI_") < 3 {
		t.Errorf("not every wrong setting reported: %v", err)
	}
}
