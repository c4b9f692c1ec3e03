package stream

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Update is one durable change of an entity, as the hub fans it out.
type Update struct {
	Kind    string            // lead, deal or account
	ID      string            // the entity's ID
	Version int64             // the entity's version after the change
	View    json.RawMessage   // the REST view (rest.Lead, rest.Deal, rest.Account) as JSON
	Status  string            // lead status, deal stage or account lifecycle, for filters
	Owner   string            // the entity's owner, for filters
	Entries []json.RawMessage // the change's timeline entries (rest.Entry as JSON), oldest first
}

// Hub fans entity updates out to websocket clients. Publish hands it updates without ever
// blocking; Run dispatches them to the clients' queues until its context ends, then closes
// every client with 1001. See the package documentation for the guarantees.
type Hub struct {
	o            options
	limits       Limits
	metrics      *metrics
	in           *inbox
	started      atomic.Bool
	closed       atomic.Bool // Run has ended: Publish drops
	nextID       atomic.Uint64
	wantActivity atomic.Int64 // subscriptions with activity: FromNATS skips entries without

	mu      sync.RWMutex // guards what follows; taken before any client's mu
	stopped bool
	clients map[*client]struct{}
	byKind  map[string]map[*subscription]struct{}
	byID    map[string]map[*subscription]struct{} // key "<kind>/<id>"
	wg      sync.WaitGroup                        // one per attached client

	latest  map[string]*entity // owned by the dispatcher (Run's goroutine)
	touched []*client          // owned by the dispatcher: clients staged in this batch
}

// entity is what the hub remembers of an entity: its last version and filter fields. Its
// address names the entity in the clients' coalescing indexes (cheaper than its key).
type entity struct {
	key string // "<kind>/<id>"
	entityState
}

type entityState struct {
	version       int64
	status, owner string
}

// NewHub returns a hub; start it with Run.
func NewHub(opts ...Option) *Hub {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	o = o.withDerived()
	return &Hub{
		o:       o,
		limits:  Limits{Subscriptions: o.subscriptions, IDs: o.ids, MessageBytes: o.messageBytes, Queue: o.queue},
		metrics: newMetrics(o.registerer, o.logger),
		in:      newInbox(o.input),
		clients: map[*client]struct{}{},
		byKind:  map[string]map[*subscription]struct{}{},
		byID:    map[string]map[*subscription]struct{}{},
		latest:  map[string]*entity{},
	}
}

// Limits returns the limits clients learn in the hello frame.
func (h *Hub) Limits() Limits { return h.limits }

// Publish hands the hub an update. It never blocks. While the update waits for the
// dispatcher, a newer update of the same entity replaces its view (the entries add up). When
// the input holds its limit of entities, or the hub has stopped, the update is dropped and
// counted (aida_stream_updates_dropped_total); entries beyond the limit are dropped and counted
// (aida_stream_entries_dropped_total).
func (h *Hub) Publish(u Update) {
	h.metrics.received.Inc()
	if h.closed.Load() {
		h.metrics.updatesDropped.WithLabelValues(updateStopped).Inc()
		return
	}
	outcome, lost := h.in.put(u, h.o.now())
	switch outcome {
	case putMerged:
		h.metrics.coalesced.Inc()
	case putStale:
		h.metrics.updatesDropped.WithLabelValues(updateStale).Inc()
	case putFull:
		h.metrics.updatesDropped.WithLabelValues(updateQueueFull).Inc()
	}
	if lost > 0 {
		h.metrics.entriesDropped.Add(float64(lost))
	}
}

// maxBatch is the most updates dispatched at once: each client is locked and woken once per
// batch instead of once per update.
const maxBatch = 64

// Run dispatches published updates until ctx ends, then closes every client with 1001 and
// waits until their connections are gone (each within the write timeout and close grace). It
// returns ErrRunning when the hub runs or ran already, else nil.
func (h *Hub) Run(ctx context.Context) error {
	if !h.started.CompareAndSwap(false, true) {
		return ErrRunning
	}
	var batch []*envelope
	for {
		select {
		case <-ctx.Done():
			h.stop()
			return nil
		case <-h.in.ready:
			batch = h.in.take(batch[:0])
			for len(batch) > 0 {
				n := min(len(batch), maxBatch)
				h.dispatch(batch[:n])
				clear(batch[:n])
				batch = batch[n:]
			}
		}
	}
}

// stop refuses new clients, closes the attached ones and waits for them to detach.
func (h *Hub) stop() {
	h.closed.Store(true)
	h.mu.Lock()
	h.stopped = true
	clients := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		clients = append(clients, c)
	}
	h.mu.Unlock()
	for _, c := range clients {
		c.close(closeGoingAway, "server shutting down", false)
	}
	h.wg.Wait()
}

// dispatch offers a batch of updates to every subscription that matches them: it stages
// each client's share, then offers it to the client at once.
func (h *Hub) dispatch(batch []*envelope) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, e := range batch {
		u, key := e.u, e.key
		ent := h.latest[key]
		seen := ent != nil
		var prev entityState
		if seen {
			prev = ent.entityState
			if u.Version <= prev.version {
				h.metrics.updatesDropped.WithLabelValues(updateStale).Inc()
				continue
			}
		}
		if !validUpdate(u) {
			h.metrics.updatesDropped.WithLabelValues(updateInvalid).Inc()
			continue
		}
		if !seen {
			if len(h.latest) >= h.o.remember {
				clear(h.latest)
			}
			ent = &entity{key: key}
			h.latest[key] = ent
		}
		ent.entityState = entityState{version: u.Version, status: u.Status, owner: u.Owner}
		enc := encodeUpdate(u, ent, e.at)
		for s := range h.byKind[u.Kind] {
			if s.followsKind(u, key, prev, seen) {
				h.stage(s, enc)
			}
		}
		for s := range h.byID[key] {
			if !s.followsKind(u, key, prev, seen) { // else staged above
				h.stage(s, enc)
			}
		}
	}
	for _, c := range h.touched {
		c.offer(c.staged)
		clear(c.staged)
		c.staged = c.staged[:0]
	}
	clear(h.touched)
	h.touched = h.touched[:0]
}

// stage adds enc to what s's client is offered at the end of the batch.
func (h *Hub) stage(s *subscription, enc *encoded) {
	c := s.c
	if len(c.staged) == 0 {
		h.touched = append(h.touched, c)
	}
	c.staged = append(c.staged, offer{s, enc})
}

// encoded is an update made ready for every client once: the frames' tails after the
// subscription name.
type encoded struct {
	ent      *entity
	key      string // "<kind>/<id>"
	version  int64
	at       time.Time
	change   []byte   // ,"kind":…,"id":…,"version":…,"view":…}; nil without a view
	activity [][]byte // ,"kind":…,"id":…,"entry":…} per entry
}

// validUpdate reports whether the view and entries of u are JSON: they are copied into frames
// as they are.
func validUpdate(u Update) bool {
	if len(u.View) > 0 && !json.Valid(u.View) {
		return false
	}
	for _, entry := range u.Entries {
		if !json.Valid(entry) {
			return false
		}
	}
	return true
}

func encodeUpdate(u Update, ent *entity, at time.Time) *encoded {
	head := make([]byte, 0, 64+len(u.Kind)+len(u.ID))
	head = append(head, `,"kind":`...)
	head = appendJSON(head, u.Kind)
	head = append(head, `,"id":`...)
	head = appendJSON(head, u.ID)
	enc := &encoded{ent: ent, key: ent.key, version: u.Version, at: at}
	if len(u.View) > 0 {
		b := make([]byte, 0, len(head)+len(u.View)+40)
		b = append(b, head...)
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, u.Version, 10)
		b = append(b, `,"view":`...)
		b = append(b, u.View...)
		enc.change = append(b, '}')
	}
	for _, entry := range u.Entries {
		b := make([]byte, 0, len(head)+len(entry)+10)
		b = append(b, head...)
		b = append(b, `,"entry":`...)
		b = append(b, entry...)
		enc.activity = append(enc.activity, append(b, '}'))
	}
	return enc
}

// attach registers a client writing to w; onClose runs once when the client starts closing.
func (h *Hub) attach(w wire, remote string, onClose func()) (*client, error) {
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		return nil, ErrStopped
	}
	c := newClient(h, h.nextID.Add(1), w, remote, onClose)
	h.clients[c] = struct{}{}
	h.wg.Add(1)
	h.mu.Unlock()
	h.metrics.clients.Inc()
	c.enqueueFrame(helloOf(h.o.now(), h.o.heartbeat, h.limits), frameHello)
	return c, nil
}

// detach forgets a client whose connection is gone.
func (h *Hub) detach(c *client) {
	h.mu.Lock()
	for _, s := range c.subs {
		h.unindexLocked(s)
	}
	c.subs = nil
	delete(h.clients, c)
	h.mu.Unlock()
	h.metrics.clients.Dec()
	h.wg.Done()
}

// register adds s to its client, replacing a subscription of the same name.
func (h *Hub) register(s *subscription) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := s.c
	if h.stopped {
		return ErrStopped
	}
	old := c.subs[s.name]
	if old == nil && len(c.subs) >= h.o.subscriptions {
		return ErrTooManySubscriptions
	}
	if old != nil {
		h.unindexLocked(old)
	}
	c.subs[s.name] = s
	if s.activity {
		h.wantActivity.Add(1)
	}
	for _, k := range s.kinds {
		addTo(h.byKind, k, s)
	}
	for key := range s.ids {
		addTo(h.byID, key, s)
	}
	return nil
}

// unsubscribe removes the subscription of c named name.
func (h *Hub) unsubscribe(c *client, name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := c.subs[name]
	if s == nil {
		return ErrNoSubscription
	}
	h.unindexLocked(s)
	delete(c.subs, name)
	return nil
}

// remove removes s if it is still its client's subscription of that name.
func (h *Hub) remove(s *subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.c.subs[s.name] == s {
		h.unindexLocked(s)
		delete(s.c.subs, s.name)
	}
}

func (h *Hub) unindexLocked(s *subscription) {
	if s.activity {
		h.wantActivity.Add(-1)
	}
	for _, k := range s.kinds {
		removeFrom(h.byKind, k, s)
	}
	for key := range s.ids {
		removeFrom(h.byID, key, s)
	}
	s.c.dropSubscription(s)
}

func addTo(index map[string]map[*subscription]struct{}, key string, s *subscription) {
	set := index[key]
	if set == nil {
		set = map[*subscription]struct{}{}
		index[key] = set
	}
	set[s] = struct{}{}
}

func removeFrom(index map[string]map[*subscription]struct{}, key string, s *subscription) {
	if set := index[key]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(index, key)
		}
	}
}

// ClientStats describes one connected client.
type ClientStats struct {
	ID            uint64 // the hub's number for the connection
	Remote        string // the client's address
	Subscriptions int    // subscriptions held
	Queued        int    // frames waiting in its queue (at most the queue limit)
	Sent          uint64 // frames written to it since it connected
}

// Clients returns the connected clients and their counters (for benchmarks and debugging).
func (h *Hub) Clients() []ClientStats {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]ClientStats, 0, len(h.clients))
	for c := range h.clients {
		out = append(out, ClientStats{ID: c.id, Remote: c.remote, Subscriptions: len(c.subs),
			Queued: c.queued(), Sent: c.sent.Load()})
	}
	return out
}
