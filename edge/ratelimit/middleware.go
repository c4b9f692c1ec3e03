package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/problemjson"
)

// The headers of draft-ietf-httpapi-ratelimit-headers: the policy (quota q per window w
// seconds) and the state of the client's bucket (r requests remaining, t seconds until full).
const (
	HeaderPolicy = "RateLimit-Policy"
	Header       = "RateLimit"
	policyName   = "default"
)

// Pick tells which bucket a request draws from: its key, the rate (requests a second) and the
// burst; ok false lets the request through unlimited and untouched.
type Pick func(c *fiber.Ctx) (key string, perSecond float64, burst int, ok bool)

// Middleware limits the requests pick names a bucket for. It sets RateLimit-Policy and RateLimit
// on every limited request; when the bucket is empty it answers 429 application/problem+json
// itself (type /problems/rate-limited, the path as instance, the X-Request-ID the response
// carries as request_id) with Retry-After in whole seconds, at least 1, and does not call the
// next handler.
func Middleware(l *Limiter, pick Pick) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key, perSecond, burst, ok := pick(c)
		if !ok {
			return c.Next()
		}
		d := l.Allow(key, perSecond, burst)
		if d.Limit == 0 { // no limit
			return c.Next()
		}
		c.Set(HeaderPolicy, fmt.Sprintf("%q;q=%d;w=%d", policyName, d.Limit, wholeSeconds(d.Window)))
		c.Set(Header, fmt.Sprintf("%q;r=%d;t=%d", policyName, d.Remaining, ceilSeconds(d.Reset)))
		if d.Allowed {
			return c.Next()
		}
		c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(wholeSeconds(d.RetryAfter), 10))
		return problemjson.Write(c, rest.Problem{
			Type: "/problems/rate-limited", Title: "Too many requests", Status: fiber.StatusTooManyRequests,
			Detail: fmt.Sprintf("more than %d requests at once or %s a second; retry after the Retry-After seconds",
				d.Limit, strconv.FormatFloat(perSecond, 'f', -1, 64)),
		})
	}
}

// wholeSeconds rounds d up to whole seconds, at least 1.
func wholeSeconds(d time.Duration) int64 { return max(ceilSeconds(d), 1) }

// ceilSeconds rounds d up to whole seconds, after rounding it to milliseconds so that the float
// arithmetic of the bucket does not turn an exact second into two.
func ceilSeconds(d time.Duration) int64 { return int64(math.Ceil(d.Round(time.Millisecond).Seconds())) }
