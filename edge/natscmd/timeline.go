package natscmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/aidacrm/aida/api/rest"
)

// timeline takes REST's ?after=&limit= as data {"after": 0, "limit": 100} and answers with the
// same page as GET /api/v1/<kind>s/<id>/timeline.
func (s *Server) timeline(ctx context.Context, c *call) (int, any, error) {
	after, limit := int64(0), defaultTimeline
	err := params(c.data, map[string]func(json.RawMessage) string{
		"after": func(raw json.RawMessage) string {
			if json.Unmarshal(raw, &after) != nil || after < 0 {
				after = 0
				return "must be a version, an integer from 0"
			}
			return ""
		},
		"limit": func(raw json.RawMessage) string {
			if json.Unmarshal(raw, &limit) != nil || limit < 1 || limit > maxTimeline {
				limit = defaultTimeline
				return fmt.Sprintf("must be an integer from 1 to %d", maxTimeline)
			}
			return ""
		},
	})
	if err != nil {
		return 0, nil, err
	}
	entries, err := s.entities.Timeline(ctx, c.kind, c.id, after, limit)
	if err != nil {
		return 0, nil, fmt.Errorf("timeline of %s %s: %w", c.kind, c.id, err)
	}
	out := rest.Timeline{Items: make([]rest.Entry, 0, len(entries))}
	for _, e := range entries {
		entry, err := rest.NewEntry(c.kind, e.Version, e.Type, e.Actor, e.EventID, e.Time, e.Data)
		if err != nil {
			return 0, nil, fmt.Errorf("%s %s: %w", c.kind, c.id, err)
		}
		out.Items = append(out.Items, entry)
	}
	if len(entries) == limit {
		out.NextAfter = entries[len(entries)-1].Version
	}
	return http.StatusOK, out, nil
}
