package access

import (
	"context"
	"sync"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// DefaultCacheTTL is how long Keys trusts a key row it read, unless WithCacheTTL says otherwise:
// a key revoked on another node (or offline) stops working here within this time; one revoked
// through these Keys stops at once.
const DefaultCacheTTL = time.Second

// maxCached bounds the cache: past it, the cache starts again empty.
const maxCached = 10_000

// WithCacheTTL sets how long a key row read from the store is reused (0: read on every check).
func WithCacheTTL(d time.Duration) Option {
	return func(k *Keys) { k.cache.ttl = max(d, 0) }
}

// rowCache keeps the key rows recently read, so that a request's authentication does not read
// the store each time. Only rows that exist are kept.
type rowCache struct {
	ttl  time.Duration
	mu   sync.Mutex
	rows map[string]cachedRow
}

type cachedRow struct {
	row persistence.Key
	at  time.Time
}

// loadKey returns the stored row of key id, from the cache while it is fresh.
func (k *Keys) loadKey(ctx context.Context, id string) (persistence.Key, error) {
	c := &k.cache
	now := time.Now()
	if c.ttl > 0 {
		c.mu.Lock()
		e, ok := c.rows[id]
		c.mu.Unlock()
		if ok && now.Sub(e.at) < c.ttl {
			return e.row, nil
		}
	}
	row, err := k.store.LoadKey(ctx, id)
	if err != nil || c.ttl <= 0 {
		return row, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rows == nil || len(c.rows) >= maxCached {
		c.rows = map[string]cachedRow{}
	}
	c.rows[id] = cachedRow{row: row, at: now}
	return row, nil
}

// forget drops key id from the cache (it was just revoked here).
func (k *Keys) forget(id string) {
	k.cache.mu.Lock()
	defer k.cache.mu.Unlock()
	delete(k.cache.rows, id)
}
