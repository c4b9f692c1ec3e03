// Package metric registers Prometheus collectors the way AIDA's components share them: a
// component made twice on one registry (a restarted consumer, the three agents) uses the
// collector registered first instead of failing.
package metric

import (
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers c with reg and returns the collector to use: c, or the equal collector
// already registered. With a nil reg it returns c unregistered; any other registration error
// is logged at warn on log and c is returned, so metrics never stop a component.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C, log *slog.Logger) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		if log != nil {
			log.Warn("register metric", "err", err)
		}
	}
	return c
}

// Set registers the collectors of one component on a registry, logging failures on a logger,
// with short constructors for the common kinds: Counter, Gauge, CounterVec.
type Set struct {
	Reg prometheus.Registerer
	Log *slog.Logger
}

// Counter registers a counter named name.
func (s Set) Counter(name, help string) prometheus.Counter {
	return Register(s.Reg, prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help}), s.Log)
}

// Gauge registers a gauge named name.
func (s Set) Gauge(name, help string) prometheus.Gauge {
	return Register(s.Reg, prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help}), s.Log)
}

// CounterVec registers a counter named name with labels.
func (s Set) CounterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return Register(s.Reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels), s.Log)
}
