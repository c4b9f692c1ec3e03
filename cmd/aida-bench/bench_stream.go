package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/bench/load"
)

// B8 sizes: clients follow the leads of one owner each, so every update reaches
// streamClients/streamOwners of them (a dashboard per team member, not every tab following
// every lead of the company: that would be 5 million frames a second).
const (
	streamClients = 1000
	streamOwners  = 50
	streamRate    = 5000 // entity updates per second
)

// benchStream is B8: entity updates through the whole path (actor, journal append, state view on
// NATS, hub, websocket) to 1,000 connected clients, beside the same frames broadcast by a bare
// websocket server to the same clients in the same run. Latency is from the change's time (the
// append) to the client reading it.
func benchStream(ctx context.Context, b *bencher) ([]row, error) {
	cfg := b.config("b8")
	cfg.StreamConns, cfg.StreamPerWho = streamClients+100, streamClients // one key holds every client here
	sys, stop, err := b.startSystem(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer stop()
	clients, owners := b.size(streamClients, 100), streamOwners
	leads := b.size(2000, 200)
	ids := make([]string, leads)
	for i := range ids {
		l, _, err := sys.Gateway().Capture(ctx, &aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{
			Email: fmt.Sprintf("b8-%d@bench.example", i), Company: "Stream Ltd", Owner: fmt.Sprintf("owner-%d", i%owners)}}})
		if err != nil {
			return nil, fmt.Errorf("seed lead %d: %w", i, err)
		}
		ids[i] = l.GetId()
	}
	url := "ws://" + sys.Addr().String() + "/api/v1/stream"
	duration := b.duration
	rate := streamRate

	conns, err := dialAll(ctx, url, b.auth, clients, func(i int) string {
		return fmt.Sprintf(`{"type":"subscribe","sub":"b8","kinds":["lead"],"filter":{"owner":"owner-%d"},"snapshot":0}`, i%owners)
	})
	if err != nil {
		return nil, err
	}
	rec := newLatencies()
	readers := readAll(conns, rec, changeTime)
	b.say("%d clients connected, %d leads of %d owners; updating at %d/s for %s", clients, leads, owners, rate, duration)
	sent, elapsed, err := pace(ctx, rate, duration, func(i int) error {
		_, err := sys.Gateway().Send(ctx, "lead", ids[i%len(ids)], &aidapb.Command{Actor: "bench",
			Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: fmt.Sprintf("update %d", i)}}})
		return err
	})
	if err != nil {
		closeAll(conns)
		return nil, err
	}
	time.Sleep(500 * time.Millisecond) // the last frames on their way
	behind := 0
	for _, c := range sys.Hub().Clients() {
		behind = max(behind, c.Queued)
	}
	closeAll(conns)
	readers.Wait()
	lat := rec.all()
	aida := figure{rate: float64(len(lat)) / elapsed.Seconds(), unit: "frames/s",
		p50: load.Percentile(lat, 50), p99: load.Percentile(lat, 99)}
	b.say("AIDA: %d updates in %s (%.0f/s), %s delivered, deepest client queue %d", sent, elapsed.Round(time.Millisecond),
		float64(sent)/elapsed.Seconds(), aida, behind)

	base, err := rawBroadcast(ctx, clients, owners, rate, duration)
	if err != nil {
		return nil, err
	}
	b.say("bare websocket broadcast: %s", base)
	r := row{id: "B8", what: fmt.Sprintf("%d websocket clients, %d updates/s (each to the %d clients following its owner)",
		clients, rate, clients/owners),
		aida: aida, baseline: base, goal: "p99 append → client ≤ 100 ms; no client behind",
		note: fmt.Sprintf("%.0f updates/s achieved; deepest client queue at the end %d", float64(sent)/elapsed.Seconds(), behind)}
	r.met = aida.p99 <= 100*time.Millisecond && float64(sent)/elapsed.Seconds() >= 0.95*float64(rate) && behind <= 1
	return []row{r}, nil
}

// changeTime reads the time a change frame's view was updated at; false for other frames.
func changeTime(frame []byte) (time.Time, bool) {
	var f struct {
		Type string `json:"type"`
		View struct {
			UpdatedAt time.Time `json:"updated_at"`
		} `json:"view"`
	}
	if json.Unmarshal(frame, &f) != nil || f.Type != "change" {
		return time.Time{}, false
	}
	return f.View.UpdatedAt, true
}

// latencies collects delivery latencies from many readers.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func newLatencies() *latencies { return &latencies{} }

func (l *latencies) add(d []time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d...)
	l.mu.Unlock()
}

// all returns the latencies collected, sorted.
func (l *latencies) all() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	sortDurations(l.d)
	return l.d
}

// dialAll connects n websocket clients to url and sends each its first message.
func dialAll(ctx context.Context, url, auth string, n int, first func(i int) string) ([]*websocket.Conn, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conns := make([]*websocket.Conn, 0, n)
	for i := range n {
		c, _, err := d.DialContext(ctx, url, http.Header{"Authorization": []string{auth}})
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("dial client %d: %w", i, err)
		}
		if msg := first(i); msg != "" {
			if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
				closeAll(conns)
				return nil, fmt.Errorf("client %d: %w", i, err)
			}
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// readAll reads every client's frames until its connection closes, recording for each frame
// stamp recognises how long ago it was stamped.
func readAll(conns []*websocket.Conn, rec *latencies, stamp func([]byte) (time.Time, bool)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() {
			var mine []time.Duration
			defer func() { rec.add(mine) }()
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				if at, ok := stamp(data); ok {
					mine = append(mine, time.Since(at))
				}
			}
		})
	}
	return &wg
}

func closeAll(conns []*websocket.Conn) {
	for _, c := range conns {
		_ = c.Close()
	}
}

// pace calls f(0), f(1) … at rate per second for d, from up to 512 goroutines (so that calls
// waiting on a group commit do not hold back the pace), and returns how many calls it made and
// the time they took.
func pace(ctx context.Context, rate int, d time.Duration, f func(i int) error) (int, time.Duration, error) {
	total := int(float64(rate) * d.Seconds())
	var next atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for range 512 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= total || ctx.Err() != nil || firstErr.Load() != nil {
					return
				}
				if wait := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); wait > 0 {
					time.Sleep(wait)
				}
				if err := f(i); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, 0, err
	}
	return total, time.Since(start), ctx.Err()
}

// rawBroadcast is B8's baseline: a bare websocket server that writes, at rate per second, one
// frame of the size of a lead view stamped with the time, to the clients of one owner in turn.
func rawBroadcast(ctx context.Context, clients, owners, rate int, d time.Duration) (figure, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return figure{}, err
	}
	var mu sync.Mutex
	groups := make([][]*websocket.Conn, owners)
	var joined atomic.Int64
	up := websocket.Upgrader{}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		_, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		var owner int
		_, _ = fmt.Sscanf(string(msg), "%d", &owner)
		mu.Lock()
		groups[owner%owners] = append(groups[owner%owners], c)
		mu.Unlock()
		joined.Add(1)
		for { // read until the client leaves
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }() // the baseline server; its clients are gone by then

	conns, err := dialAll(ctx, "ws://"+ln.Addr().String()+"/", "", clients, func(i int) string { return fmt.Sprint(i % owners) })
	if err != nil {
		return figure{}, err
	}
	for joined.Load() < int64(clients) {
		time.Sleep(10 * time.Millisecond)
	}
	rec := newLatencies()
	readers := readAll(conns, rec, func(frame []byte) (time.Time, bool) {
		var f struct {
			At time.Time `json:"at"`
		}
		return f.At, json.Unmarshal(frame, &f) == nil && !f.At.IsZero()
	})
	padding := strings.Repeat("x", 1500) // about a lead view
	var writeMu = make([]sync.Mutex, owners)
	_, elapsed, err := pace(ctx, rate, d, func(i int) error {
		g := i % owners
		frame := []byte(fmt.Sprintf(`{"type":"change","at":%q,"pad":%q}`, time.Now().Format(time.RFC3339Nano), padding))
		writeMu[g].Lock()
		defer writeMu[g].Unlock()
		mu.Lock()
		group := groups[g]
		mu.Unlock()
		for _, c := range group {
			_ = c.WriteMessage(websocket.TextMessage, frame)
		}
		return nil
	})
	time.Sleep(500 * time.Millisecond)
	closeAll(conns)
	readers.Wait()
	if err != nil {
		return figure{}, err
	}
	lat := rec.all()
	return figure{rate: float64(len(lat)) / elapsed.Seconds(), unit: "frames/s",
		p50: load.Percentile(lat, 50), p99: load.Percentile(lat, 99)}, nil
}
