package stream

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// Reasons a client is dropped (aida_stream_clients_dropped_total{reason}).
const (
	dropTooSlow     = "too_slow"        // its queue overflowed: close 4000
	dropTooBig      = "message_too_big" // it sent more than the message limit: close 1008
	dropFlooding    = "flooding"        // it sent faster than the inbound rate: close 1008
	dropInvalidUTF8 = "invalid_utf8"    // it sent a text frame that is not UTF-8: close 1007
	dropIdle        = "idle"            // no message or pong within the idle timeout
	dropWriteFailed = "write_failed"    // a write failed or timed out
)

// Reasons an update is dropped (aida_stream_updates_dropped_total{reason}).
const (
	updateQueueFull   = "queue_full"  // the dispatcher's input was full
	updateStale       = "stale"       // not newer than a version the hub already had
	updateInvalid     = "invalid"     // its view or an entry is not JSON
	updateStopped     = "stopped"     // published after the hub stopped
	updateUndecodable = "undecodable" // FromNATS could not decode the state view
)

// metrics are the hub's collectors.
type metrics struct {
	clients        prometheus.Gauge
	sent           *prometheus.CounterVec // frames written, by type
	dropped        *prometheus.CounterVec // clients dropped, by reason
	received       prometheus.Counter
	updatesDropped *prometheus.CounterVec // by reason
	entriesSkipped prometheus.Counter
	entriesDropped prometheus.Counter
	coalesced      prometheus.Counter
	delivery       prometheus.Histogram

	sentChange, sentActivity prometheus.Counter // hot children of sent
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	set := metric.Set{Reg: reg, Log: log}
	m := &metrics{
		clients:        set.Gauge("aida_stream_clients", "Websocket clients connected to the stream hub."),
		sent:           set.CounterVec("aida_stream_messages_sent_total", "Frames written to stream clients, by type.", "type"),
		dropped:        set.CounterVec("aida_stream_clients_dropped_total", "Stream clients the hub disconnected, by reason.", "reason"),
		received:       set.Counter("aida_stream_updates_received_total", "Entity updates published to the stream hub."),
		updatesDropped: set.CounterVec("aida_stream_updates_dropped_total", "Entity updates the stream hub dropped, by reason.", "reason"),
		entriesSkipped: set.Counter("aida_stream_entries_skipped_total", "Journal entries of state views that did not decode into timeline entries."),
		entriesDropped: set.Counter("aida_stream_entries_dropped_total", "Timeline entries the stream hub dropped because its input held its limit of entries."),
		coalesced:      set.Counter("aida_stream_updates_coalesced_total", "Updates merged into a waiting update of the same entity before dispatch."),
		delivery: metric.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "aida_stream_delivery_seconds",
			Help:    "Time from Publish to the write of a change or activity frame to a client.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}), log),
	}
	m.sentChange = m.sent.WithLabelValues(frameChange)
	m.sentActivity = m.sent.WithLabelValues(frameActivity)
	return m
}
