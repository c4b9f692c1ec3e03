package entity

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts actor lifecycles by kind. A nil *Metrics counts nothing.
type Metrics struct {
	activations  *prometheus.CounterVec
	passivations *prometheus.CounterVec
	restarts     *prometheus.CounterVec
	panics       *prometheus.CounterVec
	active       *prometheus.GaugeVec
}

// NewMetrics registers the actor metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		activations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aida_actor_activations_total", Help: "Entity actors activated (first message, or restart).",
		}, []string{"kind"}),
		passivations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aida_actor_passivations_total", Help: "Entity actors stopped after being idle.",
		}, []string{"kind"}),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aida_actor_restarts_total", Help: "Entity actors restarted by supervision after a panic.",
		}, []string{"kind"}),
		panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aida_actor_panics_total",
			Help: "Commands whose handling panicked: answered with an internal error, the state reloaded from the store.",
		}, []string{"kind"}),
		active: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "aida_actor_active", Help: "Entity actors resident in memory.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.activations, m.passivations, m.restarts, m.panics, m.active)
	return m
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

func (m *Metrics) stopped(kind string) {
	if m != nil {
		m.active.WithLabelValues(kind).Dec()
	}
}

func (m *Metrics) panicked(kind string) {
	if m != nil {
		m.panics.WithLabelValues(kind).Inc()
	}
}
