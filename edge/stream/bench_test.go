package stream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// countWire is an in-memory client for benchmarks: it counts frames and reports the marker.
type countWire struct {
	frames atomic.Int64
	marker chan struct{}
}

var markerTail = []byte(`{"id":"marker"}}`)

func (w *countWire) write(parts ...[]byte) error {
	w.frames.Add(1)
	if len(parts) == 3 && bytes.HasSuffix(parts[2], markerTail) {
		w.marker <- struct{}{}
	}
	return nil
}

func (w *countWire) ping() error               { return nil }
func (w *countWire) close(int, string) error   { return nil }
func (w *countWire) setReadDeadline(time.Time) {}
func (w *countWire) abort()                    {}

// BenchmarkFanOut measures the hub alone: 1,000 clients subscribed to every lead write to
// in-memory wires; an op publishes 5,000 updates of ≈1 KiB views, then a marker every client
// must get. distinct: 5,000 different leads, nothing to coalesce, so frames/op is 5,000,000 and
// ns/op the hub's cost of that many deliveries. hot: 500 leads changing 10 times each,
// published at once: views of a lead still waiting are coalesced. paced: 500 leads at 5,000
// updates/s (B8's rate), one op a second. p99-ms is the delivery histogram's 99th percentile.
func BenchmarkFanOut(b *testing.B) {
	const clients, updates = 1000, 5000
	for _, bc := range []struct {
		name     string
		entities int
		pace     time.Duration // between 5 updates; 0: at once
	}{
		{"distinct", updates, 0},
		{"hot", 500, 0},
		{"paced", 500, time.Millisecond},
	} {
		b.Run(bc.name, func(b *testing.B) {
			reg := prometheus.NewRegistry()
			h, _ := runHub(b, WithInput(2*updates), WithRegisterer(reg))
			wires := make([]*countWire, clients)
			for i := range wires {
				wires[i] = &countWire{marker: make(chan struct{}, 1)}
				c, err := h.attach(wires[i], "bench", nil)
				if err != nil {
					b.Fatal(err)
				}
				subscribeNow(b, h, c, clientMessage{Sub: "all", Kinds: []string{"lead"}})
				go func() { c.writeLoop(); h.detach(c) }()
			}
			ids := make([]string, bc.entities)
			views := make([]json.RawMessage, bc.entities)
			pad := strings.Repeat("x", 900)
			for i := range ids {
				ids[i] = fmt.Sprintf("lead-%05d", i)
				views[i] = mustJSON(map[string]any{"id": ids[i], "status": "new", "owner": "user:7", "notes": pad})
			}
			marker := json.RawMessage(`{"id":"marker"}`)
			version := int64(0)
			var tick *time.Ticker
			if bc.pace > 0 {
				tick = time.NewTicker(bc.pace)
				defer tick.Stop()
			}
			b.ResetTimer()
			for b.Loop() {
				for i := range updates {
					if tick != nil && i%5 == 0 {
						<-tick.C
					}
					version++
					h.Publish(Update{Kind: "lead", ID: ids[i%bc.entities], Version: version, View: views[i%bc.entities], Status: "new"})
				}
				version++
				h.Publish(Update{Kind: "lead", ID: "marker", Version: version, View: marker})
				for _, w := range wires {
					<-w.marker
				}
			}
			b.StopTimer()
			var frames int64
			for _, w := range wires {
				frames += w.frames.Load()
			}
			b.ReportMetric(float64(frames-clients)/float64(b.N), "frames/op") // less the hellos
			b.ReportMetric(quantile(b, reg, "aida_stream_delivery_seconds", 0.99)*1000, "p99-ms")
			if n := droppedUpdates(h, updateQueueFull); n != 0 {
				b.Fatalf("%v updates dropped at the input", n)
			}
			if n := droppedClients(h, dropTooSlow); n != 0 {
				b.Fatalf("%v clients dropped", n)
			}
		})
	}
}

// quantile estimates quantile q of a histogram the way PromQL's histogram_quantile does:
// linearly within the bucket that holds it.
func quantile(b *testing.B, reg *prometheus.Registry, name string, q float64) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name || len(mf.GetMetric()) == 0 {
			continue
		}
		hist := mf.GetMetric()[0].GetHistogram()
		rank := q * float64(hist.GetSampleCount())
		lower, below := 0.0, 0.0
		for _, bk := range hist.GetBucket() {
			upper, count := bk.GetUpperBound(), float64(bk.GetCumulativeCount())
			if count >= rank {
				return lower + (upper-lower)*(rank-below)/(count-below)
			}
			lower, below = upper, count
		}
		return lower // beyond the last bucket
	}
	return 0
}
