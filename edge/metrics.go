package edge

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the HTTP collectors of a server.
type metrics struct {
	duration *prometheus.HistogramVec // by method, route template and status
	inFlight prometheus.Gauge
}

// newMetrics registers the collectors on reg, reusing ones already registered there.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "aida_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method, route template and status.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route", "status"})
	inFlight := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "aida_http_requests_in_flight",
		Help: "HTTP requests being served.",
	})
	m := &metrics{}
	var err error
	if m.duration, err = register(reg, duration); err != nil {
		return nil, err
	}
	if m.inFlight, err = register(reg, inFlight); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the equal collector already registered.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	if err != nil {
		return c, fmt.Errorf("register http metrics: %w", err)
	}
	return c, nil
}
