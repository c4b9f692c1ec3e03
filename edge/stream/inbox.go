package stream

import (
	"slices"
	"sync"
	"time"
)

// envelope is an update waiting for the dispatcher, and the time it was published.
type envelope struct {
	u   Update
	key string // "<kind>/<id>"
	at  time.Time
}

// inbox is the hub's input: updates waiting for the dispatcher, coalesced per entity. While
// one waits, a newer update of the same entity takes its place (its view, version and filter
// fields; its entries are added to the waiting ones), so a busy dispatcher handles each
// changed entity once, with its newest view. It holds at most limit entities and limit
// entries; past that, put drops and reports it. put and take hold the lock only to copy
// pointers: a publisher never waits for the dispatcher's work.
type inbox struct {
	limit int
	ready chan struct{} // capacity 1: there is something to take

	mu      sync.Mutex
	pending map[string]*envelope
	order   []*envelope
	entries int
}

func newInbox(limit int) *inbox {
	return &inbox{limit: limit, ready: make(chan struct{}, 1), pending: map[string]*envelope{}}
}

// Outcomes of put.
const (
	putQueued = iota
	putMerged
	putStale
	putFull
)

// put queues u, or merges it into the waiting update of the same entity. lost counts the
// entries of u left out because the inbox holds its limit of entries.
func (in *inbox) put(u Update, at time.Time) (outcome, lost int) {
	key := u.Kind + "/" + u.ID
	in.mu.Lock()
	defer in.mu.Unlock()
	outcome = putQueued
	e := in.pending[key]
	switch {
	case e != nil && u.Version <= e.u.Version:
		return putStale, 0
	case e == nil && len(in.order) >= in.limit:
		return putFull, 0
	case e != nil:
		outcome = putMerged
		e.u.Version, e.u.View, e.u.Status, e.u.Owner, e.at = u.Version, u.View, u.Status, u.Owner, at
	default:
		e = &envelope{u: u, key: key, at: at}
		e.u.Entries = nil
		in.pending[key] = e
		in.order = append(in.order, e)
	}
	if len(u.Entries) > 0 {
		if in.entries+len(u.Entries) > in.limit {
			lost = len(u.Entries)
		} else {
			e.u.Entries = append(slices.Clip(e.u.Entries), u.Entries...)
			in.entries += len(u.Entries)
		}
	}
	select {
	case in.ready <- struct{}{}:
	default:
	}
	return outcome, lost
}

// take moves everything waiting into buf, oldest first.
func (in *inbox) take(buf []*envelope) []*envelope {
	in.mu.Lock()
	defer in.mu.Unlock()
	buf = append(buf, in.order...)
	clear(in.order)
	in.order = in.order[:0]
	clear(in.pending)
	in.entries = 0
	return buf
}

// len returns how many entities wait.
func (in *inbox) len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.order)
}
