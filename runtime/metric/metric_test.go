package metric

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestRegister(t *testing.T) {
	reg := prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "aida_test_total", Help: "test"}
	first := Register(reg, prometheus.NewCounter(opts), nil)
	second := Register(reg, prometheus.NewCounter(opts), nil)
	if first != second {
		t.Fatal("a second registration did not reuse the first collector")
	}
	second.Inc()
	if n, _ := reg.Gather(); len(n) != 1 || n[0].GetMetric()[0].GetCounter().GetValue() != 1 {
		t.Fatalf("gathered %v", n)
	}

	// Another type under the same name cannot be reused: it is logged and returned unregistered.
	var logs bytes.Buffer
	g := Register(reg, prometheus.NewGauge(prometheus.GaugeOpts{Name: "aida_test_total", Help: "test"}), slog.New(slog.NewTextHandler(&logs, nil)))
	if g == nil || !strings.Contains(logs.String(), "register metric") {
		t.Fatalf("conflict not logged: %q", logs.String())
	}
	if c := Register(nil, prometheus.NewCounter(opts), nil); c == nil {
		t.Fatal("nil registry returned nil")
	}
}
