// Package ratelimit limits requests with token buckets (golang.org/x/time/rate), one per key
// ("key:<id>", "ip:<addr>"), each with its own rate and burst. Memory is bounded: a bucket that
// has filled up again is forgotten (forgetting it changes nothing), and past MaxKeys the least
// recently used bucket goes. Middleware answers an empty bucket with 429 problem+json, a
// Retry-After and the RateLimit headers of draft-ietf-httpapi-ratelimit-headers.
package ratelimit

import (
	"container/list"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxKeys is how many buckets a Limiter keeps at most unless WithMaxKeys says otherwise.
const DefaultMaxKeys = 100_000

// Limiter holds the buckets of every key seen recently. It is safe for concurrent use.
type Limiter struct {
	now     func() time.Time
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	lru     *list.List               // front: the most recently used
}

// bucket is one key's token bucket.
type bucket struct {
	key string
	lim *rate.Limiter
}

// Option configures a Limiter.
type Option func(*Limiter)

// WithClock sets the clock buckets fill by (default time.Now); tests move it by hand.
func WithClock(now func() time.Time) Option {
	return func(l *Limiter) {
		if now != nil {
			l.now = now
		}
	}
}

// WithMaxKeys caps the buckets kept (default DefaultMaxKeys); past it the least recently used
// bucket is forgotten, and its key starts again with a full bucket.
func WithMaxKeys(n int) Option { return func(l *Limiter) { l.maxKeys = max(n, 1) } }

// New returns an empty Limiter.
func New(opts ...Option) *Limiter {
	l := &Limiter{now: time.Now, maxKeys: DefaultMaxKeys, buckets: map[string]*list.Element{}, lru: list.New()}
	for _, opt := range opts {
		opt(l)
	}
	return l
}

// Decision is the outcome of one Allow and what the client is told about its bucket.
type Decision struct {
	Allowed    bool
	Limit      int           // the burst: the most requests at once
	Window     time.Duration // how long an empty bucket takes to fill: Limit at the rate
	Remaining  int           // whole tokens left after this request
	Reset      time.Duration // until the bucket is full again
	RetryAfter time.Duration // until one token is back; 0 when Allowed
}

// Allow takes one token from key's bucket, which holds burst tokens and gains perSecond tokens
// a second. A burst below 1 is taken as 1. A perSecond of 0 or less means no limit: always
// allowed, with a zero Decision.Limit.
func (l *Limiter) Allow(key string, perSecond float64, burst int) Decision {
	if perSecond <= 0 || math.IsNaN(perSecond) {
		return Decision{Allowed: true}
	}
	burst = max(burst, 1)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.bucket(key, perSecond, burst, now)
	d := Decision{Limit: burst, Window: seconds(float64(burst) / perSecond)}
	d.Allowed = lim.AllowN(now, 1)
	tokens := lim.TokensAt(now)
	d.Remaining = max(int(math.Floor(tokens)), 0)
	d.Reset = seconds((float64(burst) - tokens) / perSecond)
	if !d.Allowed {
		d.RetryAfter = seconds((1 - tokens) / perSecond)
	}
	l.forgetFull(now)
	return d
}

// Len returns how many buckets the Limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// bucket returns key's limiter, made full when new, moved to the front, with its rate and
// burst set to these (a key's limits may change between requests). l.mu is held.
func (l *Limiter) bucket(key string, perSecond float64, burst int, now time.Time) *rate.Limiter {
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		lim := e.Value.(*bucket).lim
		if lim.Limit() != rate.Limit(perSecond) {
			lim.SetLimitAt(now, rate.Limit(perSecond))
		}
		if lim.Burst() != burst {
			lim.SetBurstAt(now, burst)
		}
		return lim
	}
	for l.lru.Len() >= l.maxKeys {
		l.remove(l.lru.Back())
	}
	b := &bucket{key: key, lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
	l.buckets[key] = l.lru.PushFront(b)
	return b.lim
}

// forgetFull forgets the least recently used buckets while they are full again: a full bucket
// and no bucket allow the same. It stops at the first that is not, so each call costs O(1)
// amortized. l.mu is held.
func (l *Limiter) forgetFull(now time.Time) {
	for e := l.lru.Back(); e != nil && e != l.lru.Front(); e = l.lru.Back() {
		lim := e.Value.(*bucket).lim
		if lim.TokensAt(now) < float64(lim.Burst()) {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.buckets, e.Value.(*bucket).key)
	l.lru.Remove(e)
}

// seconds turns a non-negative number of seconds into a Duration (negative is 0).
func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}
