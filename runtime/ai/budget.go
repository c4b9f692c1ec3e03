package ai

import (
	"log/slog"
	"sync"
	"time"
)

// budget counts tokens per UTC day, for all calls and per entity. A call is refused when the
// day's count has reached the limit before it starts; calls already in flight may end a little
// past it. At 80% of a limit one warning is logged per day and scope. Counts reset at 00:00 UTC
// by the injected clock.
type budget struct {
	daily, entityDaily int64
	now                func() time.Time
	log                *slog.Logger

	mu       sync.Mutex
	day      string // the UTC date counted, "2006-01-02"
	used     int64
	warned   bool
	entities map[string]*entityCount
}

type entityCount struct {
	used   int64
	warned bool
}

// warnAt is the share of a limit at which a warning is logged.
const warnAt = 0.8

// rollover starts a new day's counts if the clock has passed midnight UTC. It holds b.mu.
func (b *budget) rollover() {
	day := b.now().UTC().Format(time.DateOnly)
	if day != b.day {
		b.day, b.used, b.warned, b.entities = day, 0, false, map[string]*entityCount{}
	}
}

// allow reports whether a call for entity may start: "" when it may, else the scope exhausted
// ("daily" or "entity").
func (b *budget) allow(entity string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollover()
	if b.daily > 0 && b.used >= b.daily {
		return "daily"
	}
	if e := b.entities[entity]; entity != "" && b.entityDaily > 0 && e != nil && e.used >= b.entityDaily {
		return "entity"
	}
	return ""
}

// spend counts tokens used by a call for entity and warns once a day at 80% of a limit.
func (b *budget) spend(entity string, tokens int64) {
	if tokens <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollover()
	b.used += tokens
	if b.daily > 0 && !b.warned && float64(b.used) >= warnAt*float64(b.daily) {
		b.warned = true
		b.log.Warn("ai daily token budget 80% used", "used", b.used, "limit", b.daily, "day", b.day)
	}
	if entity == "" || b.entityDaily <= 0 {
		return
	}
	e := b.entities[entity]
	if e == nil {
		e = &entityCount{}
		b.entities[entity] = e
	}
	e.used += tokens
	if !e.warned && float64(e.used) >= warnAt*float64(b.entityDaily) {
		e.warned = true
		b.log.Warn("ai entity daily token budget 80% used", "entity", entity, "used", e.used, "limit", b.entityDaily, "day", b.day)
	}
}

// Usage is today's token count, for the dashboard's overview.
func (b *budget) usage() (day string, used int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rollover()
	return b.day, b.used
}
