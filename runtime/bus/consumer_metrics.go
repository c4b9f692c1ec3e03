package bus

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/runtime/metric"
)

// Results of aida_bus_consumer_handled_total.
const (
	resultAck  = "ack"  // the handler succeeded
	resultNak  = "nak"  // the handler failed; redelivered later
	resultTerm = "term" // the handler found a poison message; never redelivered
)

// consumerMetrics are the series of one durable consumer.
type consumerMetrics struct {
	pending        prometheus.Gauge
	ack, nak, term prometheus.Counter
}

func newConsumerMetrics(reg prometheus.Registerer, durable string, log *slog.Logger) consumerMetrics {
	pending := metric.Register(reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "aida_bus_consumer_pending",
		Help: "Messages of a durable consumer not yet delivered plus delivered and not yet acked.",
	}, []string{"consumer"}), log)
	handled := metric.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aida_bus_consumer_handled_total",
		Help: "Messages a durable consumer handled, by result: ack, nak (redelivered later), term (poison).",
	}, []string{"consumer", "result"}), log)
	return consumerMetrics{
		pending: pending.WithLabelValues(durable),
		ack:     handled.WithLabelValues(durable, resultAck),
		nak:     handled.WithLabelValues(durable, resultNak),
		term:    handled.WithLabelValues(durable, resultTerm),
	}
}

// refresh sets the pending gauge from the consumer's info every InfoInterval until ctx ends.
// While NATS or the consumer is missing, the gauge keeps its last value.
func (c *durable) refresh(ctx context.Context) {
	t := time.NewTicker(c.cfg.InfoInterval)
	defer t.Stop()
	for {
		c.refreshOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (c *durable) refreshOnce(ctx context.Context) {
	if !c.bus.nc.IsConnected() {
		return
	}
	callCtx, cancel := context.WithTimeout(ctx, max(c.cfg.InfoInterval, consumerCallTimeout))
	defer cancel()
	cons, err := c.bus.js.Consumer(callCtx, c.bus.stream.Name, c.cfg.Durable)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Debug("consumer info", "err", err)
		}
		return
	}
	info := cons.CachedInfo()
	c.metrics.pending.Set(float64(info.NumPending) + float64(info.NumAckPending))
}
