package bus

import (
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/metric"
)

// StateSubjectPrefix starts the core NATS subjects of live state views: aida.state.<kind>.<id>.
// They stay outside crm.> so the events stream does not store them.
const StateSubjectPrefix = "aida.state"

// StateSubject returns the subject of the live state view of (kind, id).
func StateSubject(kind, id string) string { return StateSubjectPrefix + "." + kind + "." + id }

// StateView is the JSON message PublishState sends: the entity's state after a change, and the
// journal entries of that change (the live activity).
type StateView struct {
	Kind    string          `json:"kind"`
	ID      string          `json:"id"`
	Version int64           `json:"version"`
	State   json.RawMessage `json:"state"`
	Events  []StateEvent    `json:"events,omitempty"`
}

// StateEvent is one journal entry of the change a StateView follows; Data is the stored event
// (protojson of aidapb.Event).
type StateEvent struct {
	Version int64           `json:"version"`
	Type    string          `json:"type"`
	Actor   string          `json:"actor"`
	Time    time.Time       `json:"time"`
	EventID string          `json:"event_id"`
	Data    json.RawMessage `json:"data"`
}

// PublishState sends the state of (kind, id) at version, with the journal entries of the change
// that made it, to StateSubject(kind, id) on core NATS, fire and forget: while disconnected the
// client buffers it; when that buffer is full, or the state or an entry is not JSON, or kind or
// id cannot be a subject token, the view is dropped and counted (aida_bus_state_dropped_total).
// It never waits for the server.
func (b *Bus) PublishState(kind, id string, version int64, state []byte, entries []persistence.Entry) {
	if !validToken(kind) || !validToken(id) {
		b.dropState(kind, id, "invalid subject token", nil)
		return
	}
	view := StateView{Kind: kind, ID: id, Version: version, State: state}
	for _, e := range entries {
		view.Events = append(view.Events, StateEvent{Version: e.Version, Type: e.Type, Actor: e.Actor,
			Time: e.Time.UTC(), EventID: e.EventID, Data: e.Data})
	}
	msg, err := json.Marshal(view)
	if err != nil {
		b.dropState(kind, id, "encode", err)
		return
	}
	if err := b.nc.Publish(StateSubject(kind, id), msg); err != nil {
		b.dropState(kind, id, "publish", err)
		return
	}
	b.metrics.statePublished.Inc()
}

func (b *Bus) dropState(kind, id, why string, err error) {
	b.metrics.stateDropped.Inc()
	b.logger.Debug("state view dropped", "kind", kind, "id", id, "why", why, "err", err)
}

// validToken reports whether s can be one token of a NATS subject.
func validToken(s string) bool { return s != "" && !strings.ContainsAny(s, ".*> \t\r\n") }

// busMetrics are the counters of the Bus itself.
type busMetrics struct {
	statePublished  prometheus.Counter
	stateDropped    prometheus.Counter
	streamRecreated prometheus.Counter
	consumerMissing prometheus.Counter
}

func newBusMetrics(reg prometheus.Registerer, log *slog.Logger) busMetrics {
	set := metric.Set{Reg: reg, Log: log}
	return busMetrics{
		statePublished:  set.Counter("aida_bus_state_published_total", "Live state views published on core NATS."),
		stateDropped:    set.Counter("aida_bus_state_dropped_total", "Live state views dropped (client buffer full while disconnected, or malformed)."),
		streamRecreated: set.Counter("aida_bus_stream_recreated_total", "Times the events stream was found missing and created again."),
		consumerMissing: set.Counter("aida_bus_consumer_missing_total", "Times a running durable consumer found itself (or its stream) deleted."),
	}
}
