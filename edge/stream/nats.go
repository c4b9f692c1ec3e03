package stream

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/runtime/bus"
)

// FromNATS subscribes h to the live state views of every node (bus.StateSubjectPrefix + ".>")
// and publishes each, as REST view and timeline entries, to h. A view that does not decode is
// dropped and counted (aida_stream_updates_dropped_total{reason="undecodable"}); an entry
// that does not decode is left out and counted (aida_stream_entries_skipped_total).
//
// Decoding happens in the subscription's callback: nats.go runs each asynchronous
// subscription on its own goroutine behind its own bounded pending buffer (a slow consumer
// drops there, counted by sub.Dropped), so decoding delays neither the connection's reader nor
// other subscriptions; a queue to a worker would add a hand-off and a second bound without
// adding capacity on a machine whose other cores run the actors. It keeps the views of one
// entity in order, which the hub's stale check needs to keep their entries. Entries are
// decoded only while some subscription wants activity. BenchmarkDecodeState measures the
// cost: ≈140 µs for a captured lead with its two entries, ≈75 µs without entries, so one
// node decodes ≈7,000 views/s on one core. Unsubscribe the returned subscription before
// stopping h.
func FromNATS(nc *nats.Conn, h *Hub, log *slog.Logger) (*nats.Subscription, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sub, err := nc.Subscribe(bus.StateSubjectPrefix+".>", func(m *nats.Msg) {
		u, skipped, err := decodeState(m.Data, h.wantActivity.Load() > 0)
		h.metrics.entriesSkipped.Add(float64(skipped))
		if err != nil {
			h.metrics.received.Inc()
			h.metrics.updatesDropped.WithLabelValues(updateUndecodable).Inc()
			log.Debug("stream: state view dropped", "subject", m.Subject, "err", err)
			return
		}
		h.Publish(u)
	})
	if err != nil {
		return nil, fmt.Errorf("subscribe %s.>: %w", bus.StateSubjectPrefix, err)
	}
	return sub, nil
}

// decodeState turns a bus.StateView into an Update: the snapshot becomes the REST view and,
// with entries, each journal entry a timeline entry. skipped counts the entries that did not
// decode.
func decodeState(data []byte, entries bool) (u Update, skipped int, err error) {
	var sv bus.StateView
	if err := json.Unmarshal(data, &sv); err != nil {
		return Update{}, 0, fmt.Errorf("decode state view: %w", err)
	}
	u = Update{Kind: sv.Kind, ID: sv.ID, Version: sv.Version}
	var view any
	switch sv.Kind {
	case "lead":
		l := &aidapb.Lead{}
		if err := unmarshalState(sv, l); err != nil {
			return Update{}, 0, err
		}
		view, u.Status, u.Owner = rest.ViewLead(l), l.GetStatus(), l.GetOwner()
	case "deal":
		d := &aidapb.Deal{}
		if err := unmarshalState(sv, d); err != nil {
			return Update{}, 0, err
		}
		view, u.Status, u.Owner = rest.ViewDeal(d), d.GetStage(), d.GetOwner()
	case "account":
		a := &aidapb.Account{}
		if err := unmarshalState(sv, a); err != nil {
			return Update{}, 0, err
		}
		view, u.Status, u.Owner = rest.ViewAccount(a), a.GetLifecycle(), a.GetOwner()
	default:
		return Update{}, 0, fmt.Errorf("state view of kind %q", sv.Kind)
	}
	if u.View, err = json.Marshal(view); err != nil {
		return Update{}, 0, fmt.Errorf("encode %s %s view: %w", sv.Kind, sv.ID, err)
	}
	if !entries {
		return u, 0, nil
	}
	for _, e := range sv.Events {
		entry, err := rest.NewEntry(sv.Kind, e.Version, e.Type, e.Actor, e.EventID, e.Time, e.Data)
		if err != nil {
			skipped++
			continue
		}
		b, err := json.Marshal(entry)
		if err != nil {
			skipped++
			continue
		}
		u.Entries = append(u.Entries, b)
	}
	return u, skipped, nil
}

func unmarshalState(sv bus.StateView, m proto.Message) error {
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(sv.State, m); err != nil {
		return fmt.Errorf("decode %s %s state: %w", sv.Kind, sv.ID, err)
	}
	return nil
}
