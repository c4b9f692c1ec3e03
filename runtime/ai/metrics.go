package ai

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// metrics are the client's Prometheus collectors.
type metrics struct {
	requests *prometheus.CounterVec // purpose, outcome
	tokens   *prometheus.CounterVec // direction: in, out
	latency  prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger, breakerOpen func() float64) metrics {
	set := metric.Set{Reg: reg, Log: log}
	metric.Register(reg, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "aida_ai_breaker_open",
		Help: "1 while the AI endpoint's circuit breaker is open (calls fail fast), else 0.",
	}, breakerOpen), log)
	return metrics{
		requests: set.CounterVec("aida_ai_requests_total",
			"AI calls by purpose (embed for embeddings) and outcome: ok, repaired, invalid, timeout, rate_limited, unavailable, budget.",
			"purpose", "outcome"),
		tokens: set.CounterVec("aida_ai_tokens_total", "Tokens sent to (in) and received from (out) the AI endpoint.", "direction"),
		latency: metric.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "aida_ai_latency_seconds",
			Help:    "Duration of AI calls that reached the endpoint, retries and repair included.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2, 5, 10, 20, 40},
		}), log),
	}
}

func (m metrics) record(purpose, outcome string, in, out int, seconds float64, sent bool) {
	m.requests.WithLabelValues(purpose, outcome).Inc()
	m.tokens.WithLabelValues("in").Add(float64(in))
	m.tokens.WithLabelValues("out").Add(float64(out))
	if sent {
		m.latency.Observe(seconds)
	}
}
