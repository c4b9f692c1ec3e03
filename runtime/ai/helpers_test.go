package ai_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/ai/aitest"
)

// The answer schema of the tests: a reply's intent, strict as OpenAI wants it.
var schema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"intent":     map[string]any{"type": "string", "enum": []any{"interested", "not_now", "unsubscribe"}},
		"confidence": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
	},
	"required":             []any{"intent", "confidence"},
	"additionalProperties": false,
}

const (
	good    = `{"intent":"interested","confidence":0.9}`
	invalid = `{"intent":"maybe"}`
)

func request() ai.Request {
	return ai.Request{
		Purpose: ai.PurposeReadReply,
		Entity:  "lead/1",
		System:  "Classify the intent of the reply.",
		Data:    []ai.Datum{{Label: "reply", Text: "Sounds good, call me Tuesday."}},
		Schema:  schema,
	}
}

// fixture is a client of a fresh aitest server, with its registry and log.
type fixture struct {
	srv   *aitest.Server
	c     *ai.Client
	reg   *prometheus.Registry
	logs  *syncBuffer
	clock *clock
}

func newFixture(t testing.TB, edit func(*ai.Config), opts ...ai.Option) fixture {
	t.Helper()
	f := fixture{srv: aitest.NewServer(t), reg: prometheus.NewRegistry(), logs: &syncBuffer{},
		clock: &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}}
	cfg := ai.Config{BaseURL: f.srv.URL, APIKey: "sk-test", Model: "test-model", EmbedModel: "test-embed",
		Timeout: 200 * time.Millisecond, PriceIn: 1, PriceOut: 2}
	if edit != nil {
		edit(&cfg)
	}
	opts = append([]ai.Option{ai.WithRegisterer(f.reg), ai.WithClock(f.clock.now),
		ai.WithLogger(slog.New(slog.NewTextHandler(f.logs, nil))), ai.WithRetryBackoff(time.Millisecond)}, opts...)
	c, err := ai.New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	f.c = c
	return f
}

// value is the gathered value of the counter or gauge name with labels (name=value pairs).
func (f fixture) value(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matches(m, labels) {
				if m.GetCounter() != nil {
					return m.GetCounter().GetValue()
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}

func matches(m *dto.Metric, labels []string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			found = found || (l.GetName() == labels[i] && l.GetValue() == labels[i+1])
		}
		if !found {
			return false
		}
	}
	return true
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eventually polls cond until it holds or 5 seconds pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
