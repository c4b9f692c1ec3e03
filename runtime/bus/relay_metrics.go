package bus

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// Error stages of aida_relay_errors_total.
const (
	stageRead    = "read"    // reading unpublished rows from the store
	stageEncode  = "encode"  // a row whose data is not an aidapb.Event (published raw)
	stagePublish = "publish" // handing a message to the client (disconnected, buffer full)
	stageAck     = "ack"     // JetStream refused or did not acknowledge a message
	stageMark    = "mark"    // marking rows published in the store
)

type relayMetrics struct {
	published  prometheus.Counter
	lagEvents  prometheus.Gauge
	lagSeconds prometheus.Gauge
	errors     *prometheus.CounterVec
}

func newRelayMetrics(reg prometheus.Registerer, log *slog.Logger) relayMetrics {
	m := relayMetrics{
		published: metric.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aida_relay_published_total",
			Help: "Journal rows published to JetStream and marked published.",
		}), log),
		lagEvents: metric.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aida_relay_lag_events",
			Help: "Unpublished journal rows seen in the last round (at most one batch).",
		}), log),
		lagSeconds: metric.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aida_relay_lag_seconds",
			Help: "Age of the oldest unpublished journal row in the last round; 0 when none.",
		}), log),
		errors: metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aida_relay_errors_total",
			Help: "Relay failures by stage: read, encode, publish, ack, mark.",
		}, []string{"stage"}), log),
	}
	for _, s := range []string{stageRead, stageEncode, stagePublish, stageAck, stageMark} {
		m.errors.WithLabelValues(s) // export every stage from the start
	}
	return m
}
