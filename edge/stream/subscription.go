package stream

import "sync"

// subscription is one subscribe of a client. Its fields but loading, held and removed are
// fixed when it is made; those three are guarded by its client's mu.
type subscription struct {
	c        *client
	name     string
	nameJSON []byte          // the name as a JSON string, for the frames
	kinds    []string        // distinct
	ids      map[string]bool // "<kind>/<id>"
	filter   Filter          // applies to kinds, not to ids
	activity bool
	since    map[string]int64 // "<kind>/<id>" → version the client has
	snapshot int

	given sync.Map // "<kind>/<id>" → true: entities its snapshot or since gave the client

	loading bool    // its snapshot is being read: what it matches waits in held
	held    []*item // frames that arrived while loading, in order
	removed bool    // unsubscribed or replaced: its frames are skipped
}

func newSubscription(c *client, m clientMessage) *subscription {
	s := &subscription{
		c: c, name: m.Sub, nameJSON: mustJSON(m.Sub), ids: map[string]bool{},
		filter: m.Filter, activity: m.Activity, since: m.Since, snapshot: m.Snapshot, loading: true,
	}
	for _, k := range m.Kinds {
		if !s.hasKind(k) {
			s.kinds = append(s.kinds, k)
		}
	}
	for _, id := range m.IDs {
		s.ids[id] = true
	}
	for key := range m.Since {
		s.given.Store(key, true)
	}
	return s
}

// followsKind reports whether s follows u through its kinds: the kind is one of them and the
// entity passes the filter now, or passed it before the update, or the hub does not know what
// it was before but the client has it (from its snapshot or since), so that a client always
// sees the change that takes an entity out of its filter.
func (s *subscription) followsKind(u Update, key string, prev entityState, seen bool) bool {
	if !s.hasKind(u.Kind) {
		return false
	}
	if s.filter.Match(u.Status, u.Owner) {
		return true
	}
	if seen {
		return s.filter.Match(prev.status, prev.owner)
	}
	_, had := s.given.Load(key)
	return had
}

// hasNewer reports whether the client already has version v of key, or a later one, by
// its since.
func (s *subscription) hasNewer(key string, v int64) bool {
	have, ok := s.since[key]
	return ok && v <= have
}

func (s *subscription) hasKind(kind string) bool {
	for _, k := range s.kinds {
		if k == kind {
			return true
		}
	}
	return false
}
