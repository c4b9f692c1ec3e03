// Package load is AIDA's HTTP load generator: a fixed number of keep-alive connections, each
// sending its next request as soon as the previous answer arrives (a closed loop), for a fixed
// time. The same generator drives AIDA and every baseline it is compared with, so their ratio
// measures the servers, not the generators.
package load

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// Request fills req with the n-th request of connection conn (method, URI, body).
type Request func(conn, n int, req *fasthttp.Request)

// Options describe one run.
type Options struct {
	Addr     string        // host:port
	Conns    int           // concurrent keep-alive connections
	Duration time.Duration // measured time
	Warmup   time.Duration // time run first and not measured
	Request  Request
	// OK tells whether an answer counts as a success; default: any 2xx.
	OK func(status int) bool
	// Timeout of one request; default 10 s.
	Timeout time.Duration
}

// Result is what one run measured.
type Result struct {
	Requests int           // successful answers in the measured window
	Errors   int           // failed requests or non-OK answers in the measured window
	Elapsed  time.Duration // the measured window
	P50, P99 time.Duration // latency of successful answers
	Max      time.Duration
}

// Throughput is successful requests per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	return fmt.Sprintf("%.0f req/s, p50 %s, p99 %s, %d errors", r.Throughput(), r.P50, r.P99, r.Errors)
}

// ErrAllFailed: no request of the run succeeded; the first error says why.
var ErrAllFailed = errors.New("every request failed")

// Run drives the load and returns what it measured.
func Run(o Options) (Result, error) {
	if o.Conns <= 0 || o.Duration <= 0 || o.Request == nil || o.Addr == "" {
		return Result{}, errors.New("load: Addr, Conns, Duration and Request are required")
	}
	if o.OK == nil {
		o.OK = func(s int) bool { return s >= 200 && s < 300 }
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	client := &fasthttp.HostClient{Addr: o.Addr, MaxConns: o.Conns, MaxIdleConnDuration: time.Minute,
		ReadTimeout: o.Timeout, WriteTimeout: o.Timeout}
	start := time.Now()
	measureFrom := start.Add(o.Warmup)
	end := measureFrom.Add(o.Duration)

	type worker struct {
		lat      []time.Duration
		errs     int
		firstErr error
	}
	workers := make([]worker, o.Conns)
	var wg sync.WaitGroup
	for c := range o.Conns {
		wg.Go(func() {
			w := &workers[c]
			w.lat = make([]time.Duration, 0, 4096)
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			for n := 0; ; n++ {
				req.Reset()
				o.Request(c, n, req)
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				err := client.DoTimeout(req, res, o.Timeout)
				t1 := time.Now()
				ok := err == nil && o.OK(res.StatusCode())
				if err == nil && !ok && w.firstErr == nil {
					err = fmt.Errorf("status %d: %.200s", res.StatusCode(), res.Body())
				}
				if t0.Before(measureFrom) {
					continue
				}
				if ok {
					w.lat = append(w.lat, t1.Sub(t0))
				} else {
					w.errs++
					if w.firstErr == nil {
						w.firstErr = err
					}
				}
			}
		})
	}
	wg.Wait()
	var r Result
	var all []time.Duration
	var firstErr error
	for _, w := range workers {
		all = append(all, w.lat...)
		r.Errors += w.errs
		if firstErr == nil {
			firstErr = w.firstErr
		}
	}
	r.Requests = len(all)
	r.Elapsed = o.Duration
	if len(all) == 0 {
		return r, fmt.Errorf("%w: %v", ErrAllFailed, firstErr)
	}
	slices.Sort(all)
	r.P50, r.P99, r.Max = Percentile(all, 50), Percentile(all, 99), all[len(all)-1]
	return r, nil
}

// Percentile returns the p-th percentile (nearest rank) of sorted latencies.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
