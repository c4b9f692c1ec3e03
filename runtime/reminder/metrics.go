package reminder

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// Outcome labels of aida_reminders_fired_total.
const (
	labelDone  = "done"
	labelStale = "stale"
	labelRetry = "retry"
)

type metrics struct {
	fired    *prometheus.CounterVec
	lateness prometheus.Histogram
	due      prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger) metrics {
	m := metrics{
		fired: metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aida_reminders_fired_total",
			Help: "Reminder deliveries by outcome: done (applied by the entity), stale (deleted), retry (failed, rescheduled).",
		}, []string{"outcome"}), log),
		lateness: metric.Register(reg, prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "aida_reminder_lateness_seconds",
			Help:    "Start of a delivery minus the reminder's due time.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}), log),
		due: metric.Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aida_reminders_due",
			Help: "Due reminders in the scheduler's last read of the store (at most one page), in flight included.",
		}), log),
	}
	for _, o := range []string{labelDone, labelStale, labelRetry} {
		m.fired.WithLabelValues(o) // export every outcome from the start
	}
	return m
}
