package idempotency

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/problemjson"
	"github.com/aidacrm/aida/persistence"
)

// Option configures Middleware.
type Option func(*options)

type options struct{ log *slog.Logger }

// WithLogger sets where the middleware logs a store failure it cannot answer with (saving or
// releasing a key after the handler answered); default slog.Default().
func WithLogger(log *slog.Logger) Option {
	return func(o *options) {
		if log != nil {
			o.log = log
		}
	}
}

// Middleware runs a POST carrying an Idempotency-Key once per (scope, key):
//
//   - no header, another method, or an empty scope (no principal to keep keys apart): the
//     request passes untouched;
//   - a malformed key: 400 problem (/problems/bad-idempotency-key);
//   - a new key: the handler runs; an answer below 500 is saved (status, Content-Type,
//     Location, body) and sent; a 5xx, or an error returned to the error handler, releases the
//     key so that a retry runs again;
//   - a key whose first request is done, with the same method, target and body: the saved
//     answer, with Idempotent-Replayed: true, and the handler does not run;
//   - a key used with another request: 422 problem (/problems/idempotency-key-reused);
//   - a key whose first request still runs: 409 problem (/problems/idempotency-key-in-use) with
//     Retry-After: 1.
//
// A key is kept TTL after its first request, by the clock now; an older one is taken as new.
// A store failure while reserving is returned as the error (wrapping persistence.ErrUnavailable
// when the store is down). Problems are written here, as application/problem+json with the path
// as instance and the response's X-Request-ID as request_id.
func Middleware(store Store, scope func(*fiber.Ctx) string, now func() time.Time, opts ...Option) fiber.Handler {
	o := options{log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	return func(c *fiber.Ctx) error {
		if c.Method() != fiber.MethodPost {
			return c.Next()
		}
		raw := c.Request().Header.Peek(Header)
		if raw == nil {
			return c.Next()
		}
		key, ok := parseKey(string(raw))
		if !ok {
			return problemjson.Write(c, problem(fiber.StatusBadRequest, "bad-idempotency-key", "Bad Idempotency-Key",
				fmt.Sprintf("the Idempotency-Key header must be 1 to %d visible ASCII characters, such as a UUID", MaxKeyLen)))
		}
		sc := scope(c)
		if sc == "" {
			return c.Next()
		}
		rec := persistence.IdempotencyRecord{Scope: sc, Key: key, Fingerprint: fingerprint(c), CreatedAt: now()}
		ctx, cancel := context.WithTimeout(c.UserContext(), storeTimeout)
		got, reserved, err := store.ReserveIdempotency(ctx, rec, rec.CreatedAt.Add(-TTL))
		cancel()
		if err != nil {
			return fmt.Errorf("idempotency key: %w", err)
		}
		if !reserved {
			return answerTaken(c, got, rec.Fingerprint)
		}
		return o.run(c, store, rec)
	}
}

// run calls the handler for a reserved key, then saves its answer or releases the key.
func (o options) run(c *fiber.Ctx, store Store, rec persistence.IdempotencyRecord) error {
	herr := c.Next()
	res := c.Response()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.UserContext()), storeTimeout)
	defer cancel()
	if herr != nil || res.StatusCode() >= 500 {
		if err := store.ReleaseIdempotency(ctx, rec.Scope, rec.Key); err != nil {
			o.log.LogAttrs(ctx, slog.LevelError, "idempotency key kept after a failed request",
				slog.String("scope", rec.Scope), slog.String("error", err.Error()))
		}
		return herr
	}
	rec.Status = res.StatusCode()
	rec.ContentType = string(res.Header.ContentType())
	rec.Location = string(res.Header.Peek(fiber.HeaderLocation))
	rec.Body = append([]byte(nil), res.Body()...)
	rec.Done = true
	if err := store.CompleteIdempotency(ctx, rec); err != nil {
		// The answer stands; without a saved answer a retry would meet a running key for TTL,
		// so the key is released: a retry runs again.
		err = errors.Join(err, store.ReleaseIdempotency(ctx, rec.Scope, rec.Key))
		o.log.LogAttrs(ctx, slog.LevelError, "idempotency key answer not saved",
			slog.String("scope", rec.Scope), slog.String("error", err.Error()))
	}
	return nil
}

// answerTaken answers a request whose key another request holds: a replay, 422 or 409.
func answerTaken(c *fiber.Ctx, got persistence.IdempotencyRecord, fp string) error {
	switch {
	case got.Fingerprint != fp:
		return problemjson.Write(c, problem(fiber.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused",
			"this Idempotency-Key was used with another request; send a new key for a new request"))
	case !got.Done:
		c.Set(fiber.HeaderRetryAfter, "1")
		return problemjson.Write(c, problem(fiber.StatusConflict, "idempotency-key-in-use", "Idempotency-Key in use",
			"the first request with this Idempotency-Key is still running; retry after a second"))
	}
	c.Status(got.Status)
	if got.ContentType != "" {
		c.Set(fiber.HeaderContentType, got.ContentType)
	}
	if got.Location != "" {
		c.Set(fiber.HeaderLocation, got.Location)
	}
	c.Set(HeaderReplayed, "true")
	return c.Send(got.Body)
}

func problem(status int, slug, title, detail string) rest.Problem {
	return rest.Problem{Type: "/problems/" + slug, Title: title, Status: status, Detail: detail}
}
