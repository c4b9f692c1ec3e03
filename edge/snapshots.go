package edge

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/edge/stream"
	"github.com/aidacrm/aida/persistence"
)

// snapshots gives the stream what a subscription starts from: the entities most recently
// updated (from the store's sorted index) and single entities (from their actors).
type snapshots struct{ entities Entities }

var _ stream.Snapshots = snapshots{}

// Recent returns the n entities of kind updated last that match filter.
func (s snapshots) Recent(ctx context.Context, kind string, f stream.Filter, n int) ([]stream.Item, error) {
	page, err := s.entities.List(ctx, persistence.Query{Kind: kind, Status: f.Status, Owner: f.Owner,
		Sort: persistence.SortUpdatedDesc, Limit: n})
	if err != nil {
		return nil, fmt.Errorf("recent %ss: %w", kind, err)
	}
	items := make([]stream.Item, 0, len(page.Records))
	for _, r := range page.Records {
		v, err := recordView(r)
		if err != nil {
			return nil, err
		}
		items = append(items, stream.Item{Kind: kind, ID: r.ID, Version: r.Version, View: v})
	}
	return items, nil
}

// Get returns the current view of one entity; false when it does not exist.
func (s snapshots) Get(ctx context.Context, kind, id string) (stream.Item, bool, error) {
	reply, err := s.entities.Send(ctx, kind, id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
	if fault.CodeOf(err) == fault.NotFound {
		return stream.Item{}, false, nil
	}
	if err != nil {
		return stream.Item{}, false, err
	}
	v, err := operation.View(reply)
	if err != nil {
		return stream.Item{}, false, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return stream.Item{}, false, fmt.Errorf("encode %s %s: %w", kind, id, err)
	}
	var version int64
	switch r := reply.GetView().(type) {
	case *aidapb.Reply_Lead:
		version = r.Lead.GetVersion()
	case *aidapb.Reply_Deal:
		version = r.Deal.GetVersion()
	case *aidapb.Reply_Account:
		version = r.Account.GetVersion()
	}
	return stream.Item{Kind: kind, ID: id, Version: version, View: b}, true, nil
}

// recordView turns a stored snapshot into its REST view JSON.
func recordView(r persistence.Record) (json.RawMessage, error) {
	var v any
	switch r.Kind {
	case kindLead:
		m := &aidapb.Lead{}
		if err := parseState(r, m); err != nil {
			return nil, err
		}
		v = rest.ViewLead(m)
	case kindDeal:
		m := &aidapb.Deal{}
		if err := parseState(r, m); err != nil {
			return nil, err
		}
		v = rest.ViewDeal(m)
	case kindAccount:
		m := &aidapb.Account{}
		if err := parseState(r, m); err != nil {
			return nil, err
		}
		v = rest.ViewAccount(m)
	default:
		return nil, fmt.Errorf("no view of kind %q", r.Kind)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", r.Kind, r.ID, err)
	}
	return b, nil
}
