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
	set := metric.Set{Reg: reg, Log: log}
	m := relayMetrics{
		published:  set.Counter("aida_relay_published_total", "Journal rows published to JetStream and marked published."),
		lagEvents:  set.Gauge("aida_relay_lag_events", "Unpublished journal rows seen in the last round (at most one batch)."),
		lagSeconds: set.Gauge("aida_relay_lag_seconds", "Age of the oldest unpublished journal row in the last round; 0 when none."),
		errors:     set.CounterVec("aida_relay_errors_total", "Relay failures by stage: read, encode, publish, ack, mark.", "stage"),
	}
	for _, s := range []string{stageRead, stageEncode, stagePublish, stageAck, stageMark} {
		m.errors.WithLabelValues(s) // export every stage from the start
	}
	return m
}
