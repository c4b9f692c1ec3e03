package entity

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// Metrics counts actor lifecycles and recovered panics by kind. A nil *Metrics counts nothing.
type Metrics struct {
	activations  *prometheus.CounterVec
	passivations *prometheus.CounterVec
	restarts     *prometheus.CounterVec
	panics       *prometheus.CounterVec
	active       *prometheus.GaugeVec
}

// NewMetrics registers the actor metrics with reg (runtime/metric.Register: made twice on one
// registry, they share the collectors registered first; a nil reg registers nothing).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string) *prometheus.CounterVec {
		return metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"kind"}), nil)
	}
	return &Metrics{
		activations:  counter("aida_actor_activations_total", "Entity actors activated (first message, or restart)."),
		passivations: counter("aida_actor_passivations_total", "Entity actors stopped after being idle."),
		restarts: counter("aida_actor_restarts_total",
			"Entity actors restarted by protoactor's supervisor (a panic outside command handling)."),
		panics: counter("aida_actor_panics_total",
			"Panics recovered while an entity actor handled a command: answered with an internal error, the state reloaded from the store."),
		active: metric.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "aida_actor_active", Help: "Entity actors resident in memory.",
		}, []string{"kind"}), nil),
	}
}

func (m *Metrics) activated(kind string) {
	if m != nil {
		m.activations.WithLabelValues(kind).Inc()
		m.active.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) passivated(kind string) {
	if m != nil {
		m.passivations.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) restarted(kind string) {
	if m != nil {
		m.restarts.WithLabelValues(kind).Inc()
		m.active.WithLabelValues(kind).Dec()
	}
}

func (m *Metrics) panicked(kind string) {
	if m != nil {
		m.panics.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) stopped(kind string) {
	if m != nil {
		m.active.WithLabelValues(kind).Dec()
	}
}
