package stream

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

// Close codes of RFC 6455 the hub sends.
const (
	closeGoingAway   = 1001 // the hub stops
	closeInvalidData = 1007 // the client sent a text frame that is not UTF-8 (RFC 6455 §7.4.1)
	closePolicy      = 1008 // the client broke a limit
)

// wire is what a client's writer writes to: a websocket connection, or a sink in tests.
type wire interface {
	// write sends the concatenation of parts as one text message.
	write(parts ...[]byte) error
	// ping sends a websocket ping; the peer's pong keeps the connection alive.
	ping() error
	// close sends a close frame; the peer's answer ends the read side.
	close(code int, reason string) error
	// setReadDeadline bounds the read side's wait for the peer.
	setReadDeadline(t time.Time)
	// abort drops the connection at once.
	abort()
}

type itemKind uint8

const (
	itemFrame    itemKind = iota // an encoded frame: hello, snapshot, error, pong
	itemChange                   // the latest view of an entity for a subscription, coalesced
	itemActivity                 // one timeline entry for a subscription
)

// item is one frame waiting in a client's queue.
type item struct {
	kind      itemKind
	sub       *subscription // nil for frames not of a subscription
	enc       *encoded      // change, activity
	entry     int           // activity: index into enc.activity
	frame     []byte        // frame
	frameType string        // frame: for the sent counter
	dead      bool          // superseded by a snapshot while held
}

// pendingKey names the queued change of one entity for one subscription.
type pendingKey struct {
	sub *subscription
	ent *entity
}

// client is one connection's queue and writer. The dispatcher offers it frames; its writer
// goroutine takes them one at a time and writes them to its wire.
type client struct {
	h          *Hub
	id         uint64
	remote     string
	w          wire
	onClose    func()
	wake       chan struct{} // capacity 1: the writer has work
	writerDone chan struct{} // closed when the writer returns
	sent       atomic.Uint64

	subs   map[string]*subscription // guarded by h.mu
	staged []offer                  // owned by the dispatcher: this batch's offers

	mu         sync.Mutex
	q          fifo
	count      int // items queued or held
	pending    map[pendingKey]*item
	closing    bool
	code       int // close code to send; 0: send none
	reason     string
	flush      bool      // write what is queued before the close frame
	graceUntil time.Time // set once the close frame is out: the read side's last wait
}

func newClient(h *Hub, id uint64, w wire, remote string, onClose func()) *client {
	if onClose == nil {
		onClose = func() {}
	}
	return &client{h: h, id: id, remote: remote, w: w, onClose: onClose,
		wake: make(chan struct{}, 1), writerDone: make(chan struct{}),
		subs: map[string]*subscription{}, pending: map[pendingKey]*item{}}
}

// offer is an update for one subscription of a client.
type offer struct {
	sub *subscription
	enc *encoded
}

// offer queues what each update means for its subscription: the changed view, coalesced with a
// view of the same entity still waiting, and the entries when the subscription wants activity.
// A client whose queue would overflow is closed with 4000.
func (c *client) offer(offers []offer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range offers {
		if !c.offerLocked(o.sub, o.enc) {
			return
		}
	}
	c.signal()
}

// offerLocked queues one update for s; false when the client is closing.
func (c *client) offerLocked(s *subscription, enc *encoded) bool {
	if c.closing {
		return false
	}
	if s.removed || s.hasNewer(enc.key, enc.version) {
		return true
	}
	limit := c.h.o.queue
	if enc.change != nil {
		k := pendingKey{s, enc.ent}
		if it := c.pending[k]; it != nil {
			if enc.version > it.enc.version {
				it.enc = enc // newer view of the same entity, in the place of the older one
			}
		} else if c.count >= limit {
			c.overflowLocked()
			return false
		} else {
			it := &item{kind: itemChange, sub: s, enc: enc}
			c.pending[k] = it
			c.putLocked(s, it)
		}
	}
	if s.activity {
		for i := range enc.activity {
			if c.count >= limit {
				c.overflowLocked()
				return false
			}
			c.putLocked(s, &item{kind: itemActivity, sub: s, enc: enc, entry: i})
		}
	}
	return true
}

func (c *client) overflowLocked() {
	if c.closeLocked(CloseTooSlow, "too slow", false) {
		c.h.metrics.dropped.WithLabelValues(dropTooSlow).Inc()
	}
}

// putLocked queues it, or holds it while s loads its snapshot.
func (c *client) putLocked(s *subscription, it *item) {
	c.count++
	if s != nil && s.loading {
		s.held = append(s.held, it)
		return
	}
	c.q.push(it)
}

// enqueueFrame queues an encoded frame (hello, error, pong); a full queue closes the client
// with 4000.
func (c *client) enqueueFrame(frame []byte, frameType string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	if c.count >= c.h.o.queue {
		c.overflowLocked()
		return
	}
	c.putLocked(nil, &item{kind: itemFrame, frame: frame, frameType: frameType})
	c.signal()
}

// group is the snapshot of one kind of a subscription.
type group struct {
	kind  string
	items []Item // views valid JSON
}

// ready ends the loading of s: it queues one snapshot frame per group, without the items the
// client has by since or that a change held meanwhile supersedes, then the frames held. Held
// changes older than a snapshot item are dropped.
func (c *client) ready(s *subscription, groups []group) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || s.removed {
		return
	}
	held := map[string]*item{}
	for _, it := range s.held {
		if it.kind == itemChange {
			held[it.enc.key] = it
		}
	}
	for _, g := range groups {
		views := make([]json.RawMessage, 0, len(g.items))
		for _, it := range g.items {
			key := g.kind + "/" + it.ID
			if s.hasNewer(key, it.Version) {
				continue
			}
			if h := held[key]; h != nil && !h.dead {
				if h.enc.version >= it.Version {
					continue // the held change is as new or newer: it follows
				}
				h.dead = true
				delete(c.pending, pendingKey{s, h.enc.ent})
			}
			views = append(views, it.View)
			s.given.Store(key, true)
		}
		c.count++
		c.q.push(&item{kind: itemFrame, sub: s, frame: snapshotOf(s.nameJSON, g.kind, views), frameType: frameSnapshot})
	}
	for _, it := range s.held {
		if it.dead {
			c.count--
			continue
		}
		c.q.push(it)
	}
	s.held, s.loading = nil, false
	if c.count > c.h.o.queue {
		c.overflowLocked()
	}
	c.signal()
}

// dropSubscription forgets what s holds; its queued frames are skipped when their turn comes.
func (c *client) dropSubscription(s *subscription) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s.removed = true
	for _, it := range s.held {
		c.count--
		if it.kind == itemChange {
			delete(c.pending, pendingKey{s, it.enc.ent})
		}
	}
	s.held = nil
}

// next takes the next frame to write. done is true when the writer should send the close
// frame (code) and stop.
func (c *client) next() (it item, ok bool, done bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if c.closing && !c.flush {
			return item{}, false, true
		}
		p := c.q.pop()
		if p == nil {
			return item{}, false, c.closing
		}
		c.count--
		switch {
		case c.count == 0:
			clear(c.pending) // empty already; clearing also drops the tombstones of deletes
		case p.kind == itemChange:
			k := pendingKey{p.sub, p.enc.ent}
			if c.pending[k] == p {
				delete(c.pending, k)
			}
		}
		if p.sub != nil && p.sub.removed {
			continue
		}
		return *p, true, false
	}
}

func (c *client) queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.count
}

// close starts closing the client with code (0: without a close frame); flush writes what is
// queued first. Only the first close counts; it reports whether it was the first.
func (c *client) close(code int, reason string, flush bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeLocked(code, reason, flush)
}

func (c *client) closeLocked(code int, reason string, flush bool) bool {
	if c.closing {
		return false
	}
	c.closing, c.code, c.reason, c.flush = true, code, reason, flush
	c.onClose()
	c.signal()
	return true
}

func (c *client) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// signal wakes the writer.
func (c *client) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// extendRead sets the read side's deadline: the idle timeout from now, or the close grace once
// the close frame is out.
func (c *client) extendRead() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.graceUntil.IsZero() {
		c.w.setReadDeadline(c.graceUntil)
		return
	}
	c.w.setReadDeadline(time.Now().Add(c.h.o.idleTimeout))
}

// writeLoop writes the client's frames until it closes; a heartbeat frame goes out every
// heartbeat interval without other frames, a websocket ping every interval. It returns after
// the close frame, or after a failed write (then it aborts the connection).
func (c *client) writeLoop() {
	defer close(c.writerDone)
	tick := time.NewTicker(c.h.o.heartbeat)
	defer tick.Stop()
	var st writeStats
	defer st.flush(c)
	busy := false
	for {
		n, done, err := c.writeQueued(&st)
		switch {
		case err != nil:
			c.fail(err)
			return
		case done:
			c.finish()
			return
		}
		busy = busy || n > 0
		st.flush(c)
		select {
		case <-c.wake:
		case <-tick.C:
			if err := c.w.ping(); err != nil {
				c.fail(err)
				return
			}
			if !busy {
				if err := c.w.write(heartbeatOf(c.h.o.now())); err != nil {
					c.fail(err)
					return
				}
				st.other(c, frameHeartbeat)
			}
			busy = false
		}
	}
}

// clockEvery is how many frames of a burst share one reading of the clock for the delivery
// histogram: reading it per frame costs more than writing to memory, and 32 frames take
// microseconds.
const clockEvery = 32

// writeQueued writes what the queue holds; done is true when the close frame is due.
func (c *client) writeQueued(st *writeStats) (n int, done bool, err error) {
	var now time.Time
	for {
		it, ok, done := c.next()
		if !ok {
			return n, done, nil
		}
		if n%clockEvery == 0 {
			now = c.h.o.now()
		}
		if err := c.write(it, now, st); err != nil {
			return n, false, err
		}
		n++
	}
}

func (c *client) write(it item, now time.Time, st *writeStats) error {
	switch it.kind {
	case itemChange:
		if err := c.w.write(changeHead, it.sub.nameJSON, it.enc.change); err != nil {
			return err
		}
		st.change++
	case itemActivity:
		if err := c.w.write(activityHead, it.sub.nameJSON, it.enc.activity[it.entry]); err != nil {
			return err
		}
		st.activity++
	default:
		if err := c.w.write(it.frame); err != nil {
			return err
		}
		st.other(c, it.frameType)
		return nil
	}
	c.h.metrics.delivery.Observe(now.Sub(it.enc.at).Seconds())
	return nil
}

// writeStats counts the frames of a burst, added to the shared counters once per burst.
type writeStats struct {
	change, activity, others int
}

func (st *writeStats) other(c *client, frameType string) {
	c.h.metrics.sent.WithLabelValues(frameType).Inc()
	st.others++
}

func (st *writeStats) flush(c *client) {
	m := c.h.metrics
	if st.change > 0 {
		m.sentChange.Add(float64(st.change))
	}
	if st.activity > 0 {
		m.sentActivity.Add(float64(st.activity))
	}
	if n := st.change + st.activity + st.others; n > 0 {
		c.sent.Add(uint64(n))
	}
	*st = writeStats{}
}

// fail ends a client whose write failed.
func (c *client) fail(err error) {
	if c.close(0, "", false) {
		c.h.metrics.dropped.WithLabelValues(dropWriteFailed).Inc()
		c.h.o.logger.Debug("stream client write failed", "client", c.id, "remote", c.remote, "err", err)
	}
	c.w.abort()
}

// finish sends the close frame, if any, and gives the peer the close grace to answer.
func (c *client) finish() {
	c.mu.Lock()
	code, reason := c.code, c.reason
	c.mu.Unlock()
	if code == 0 {
		return
	}
	if err := c.w.close(code, reason); err != nil {
		c.w.abort()
		return
	}
	c.mu.Lock()
	c.graceUntil = time.Now().Add(c.h.o.closeGrace)
	c.w.setReadDeadline(c.graceUntil)
	c.mu.Unlock()
}

// fifo is a queue of items.
type fifo struct {
	items []*item
	head  int
}

func (f *fifo) push(it *item) { f.items = append(f.items, it) }

func (f *fifo) pop() *item {
	if f.head == len(f.items) {
		return nil
	}
	it := f.items[f.head]
	f.items[f.head] = nil
	f.head++
	switch {
	case f.head == len(f.items):
		f.items, f.head = f.items[:0], 0
	case f.head >= 64 && f.head*2 >= len(f.items):
		n := copy(f.items, f.items[f.head:])
		clear(f.items[n:])
		f.items, f.head = f.items[:n], 0
	}
	return it
}
