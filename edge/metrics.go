package edge

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// metrics are the HTTP collectors of a server.
type metrics struct {
	duration *prometheus.HistogramVec // by method, route template and status
	inFlight prometheus.Gauge
}

// newMetrics registers the collectors on reg, reusing ones already registered there (a second
// server on one registry shares them), the way every component does (runtime/metric).
func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	return &metrics{
		duration: metric.Register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aida_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method, route template and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}), log),
		inFlight: metric.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aida_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}), log),
	}
}
