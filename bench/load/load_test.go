package load

import (
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestRunCountsAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var served atomic.Int64
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		served.Add(1)
		n, _ := strconv.Atoi(string(ctx.QueryArgs().Peek("n")))
		if n%10 == 9 {
			ctx.SetStatusCode(500)
			return
		}
		ctx.SetBodyString("ok")
	}}
	go srv.Serve(ln)
	defer srv.Shutdown()

	r, err := Run(Options{Addr: ln.Addr().String(), Conns: 4, Duration: 300 * time.Millisecond,
		Request: func(conn, n int, req *fasthttp.Request) {
			req.SetRequestURI("http://" + ln.Addr().String() + "/?n=" + strconv.Itoa(n))
		}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests == 0 || r.Errors == 0 {
		t.Fatalf("Run() = %+v; want successes and the 1-in-10 failures", r)
	}
	// Every tenth request fails: the error share is near 10 %.
	share := float64(r.Errors) / float64(r.Requests+r.Errors)
	if share < 0.05 || share > 0.15 {
		t.Fatalf("error share %.3f; want about 0.1", share)
	}
	if int64(r.Requests+r.Errors) > served.Load() {
		t.Fatalf("counted %d answers but the server served %d", r.Requests+r.Errors, served.Load())
	}
	if r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 {
		t.Fatalf("latencies out of order: %+v", r)
	}
}

func TestRunAllFailed(t *testing.T) {
	_, err := Run(Options{Addr: "127.0.0.1:1", Conns: 1, Duration: 50 * time.Millisecond, Timeout: 100 * time.Millisecond,
		Request: func(conn, n int, req *fasthttp.Request) { req.SetRequestURI("http://127.0.0.1:1/") }})
	if err == nil {
		t.Fatal("Run() against a closed port succeeded")
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i))
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {0, 1}} {
		if got := Percentile(s, tt.p); got != tt.want {
			t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}
