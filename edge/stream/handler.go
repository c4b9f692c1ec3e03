package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/edge/problemjson"
)

// Handler serves the stream protocol on a websocket: mount it on GET /api/v1/stream. A plain
// HTTP request gets 426 with a problem+json body. snaps gives subscriptions their snapshots;
// nil sends empty ones. Cancel the hub's Run before shutting the fiber app down: fiber does not
// wait for websocket connections, the hub does.
func Handler(h *Hub, snaps Snapshots, opts ...HandlerOption) fiber.Handler {
	ho := handlerOptions{snapshotTimeout: DefaultSnapshotTimeout}
	for _, opt := range opts {
		opt(&ho)
	}
	upgrade := websocket.New(func(conn *websocket.Conn) {
		if ho.limits != nil {
			who, _ := conn.Locals(localConnectionsPrincipal).(string)
			defer ho.limits.release(who)
		}
		serve(h, snaps, ho, conn)
	}, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		WriteBufferPool:  &sync.Pool{}, // write buffers only while a frame is written: 1,000 idle clients hold none
	})
	return func(c *fiber.Ctx) error {
		if !websocket.IsWebSocketUpgrade(c) {
			return upgradeRequired(c)
		}
		if origin := c.Get(fiber.HeaderOrigin); !ho.originAllowed(origin, c.Get(fiber.HeaderHost)) {
			return forbiddenOrigin(c, origin)
		}
		if ho.limits == nil {
			return upgrade(c)
		}
		who := ho.limits.who(c)
		if ok, why := ho.limits.acquire(who); !ok {
			return tooMany(c, why)
		}
		c.Locals(localConnectionsPrincipal, who)
		err := upgrade(c)
		if c.Response().StatusCode() != fiber.StatusSwitchingProtocols { // no connection to count
			ho.limits.release(who)
		}
		return err
	}
}

// originAllowed reports whether a browser page from origin may open the stream served at host:
// a request without Origin (not from a browser page) may; a page of the same host may; a page
// of another origin only when WithOrigins names it. Cross-site pages are how a browser is made
// to read the stream with its user's access.
func (o handlerOptions) originAllowed(origin, host string) bool {
	if origin == "" {
		return true
	}
	if slices.ContainsFunc(o.origins, func(a string) bool { return strings.EqualFold(strings.TrimSuffix(a, "/"), origin) }) {
		return true // listed, as the API's CORS origins match: any case, a trailing slash or not
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, host)
}

// forbiddenOrigin answers an upgrade from a page of another origin with 403 and a problem.
func forbiddenOrigin(c *fiber.Ctx, origin string) error {
	if len(origin) > 100 {
		origin = strings.ToValidUTF8(origin[:100], "") + "…"
	}
	return problemjson.Write(c, rest.Problem{Type: "/problems/forbidden-origin", Title: "Origin not allowed", Status: fiber.StatusForbidden,
		Detail: fmt.Sprintf("a page of %q may not open this stream: open the dashboard from this server, "+
			"or list the page's origin in the server's allowed origins", origin)})
}

// upgradeRequired answers a plain HTTP request with 426 and a problem.
func upgradeRequired(c *fiber.Ctx) error {
	c.Set(fiber.HeaderUpgrade, "websocket")
	c.Set(fiber.HeaderConnection, "Upgrade")
	return problemjson.Write(c, rest.Problem{Type: "/problems/upgrade-required", Title: "Upgrade required",
		Status: fiber.StatusUpgradeRequired, Detail: "this endpoint speaks websocket: send Connection: Upgrade and Upgrade: websocket"})
}

// serve runs one connection: it attaches a client, starts its writer and reads until the
// connection ends; it returns after the writer, with the client detached.
func serve(h *Hub, snaps Snapshots, ho handlerOptions, conn *websocket.Conn) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &wsWire{conn: conn, writeTimeout: h.o.writeTimeout}
	c, err := h.attach(w, conn.IP(), cancel)
	if err != nil { // the hub stopped
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(closeGoingAway, "server shutting down"),
			time.Now().Add(h.o.closeGrace))
		_ = conn.Close()
		return
	}
	go c.writeLoop()
	conn.SetPongHandler(func(string) error { c.extendRead(); return nil })
	r := reader{h: h, c: c, conn: conn, snaps: snaps, ho: ho,
		bucket: bucket{rate: h.o.inboundRate, burst: float64(h.o.inboundBurst), tokens: float64(h.o.inboundBurst), last: h.o.now()}}
	r.loop(ctx)
	c.close(0, "", false)
	<-c.writerDone
	_ = conn.Close()
	h.detach(c)
}

// reader is the read side of one connection.
type reader struct {
	h      *Hub
	c      *client
	conn   *websocket.Conn
	snaps  Snapshots
	ho     handlerOptions
	bucket bucket
	buf    bytes.Buffer
}

// loop reads client messages until the connection fails or the peer answers the close frame.
// Once the client is closing it reads on only to take the peer's answer.
func (r *reader) loop(ctx context.Context) {
	limit := int64(r.h.o.messageBytes)
	for {
		r.c.extendRead()
		typ, msg, err := r.conn.NextReader()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && r.c.close(0, "", false) {
				r.h.metrics.dropped.WithLabelValues(dropIdle).Inc()
			}
			return
		}
		if r.c.isClosing() {
			continue // the next NextReader skips the rest of the message
		}
		r.buf.Reset()
		if _, err := r.buf.ReadFrom(io.LimitReader(msg, limit+1)); err != nil {
			return
		}
		if int64(r.buf.Len()) > limit {
			r.c.enqueueFrame(newProtoError("", CodeMessageTooBig, "messages are at most %d bytes", limit).frame(), frameError)
			r.policyClose(dropTooBig, "message too big")
			continue
		}
		if !r.bucket.take(r.h.o.now()) {
			r.policyClose(dropFlooding, "too many messages")
			continue
		}
		if typ != websocket.TextMessage {
			r.c.enqueueFrame(newProtoError("", CodeBadJSON, "send JSON in text frames").frame(), frameError)
			continue
		}
		if !utf8.Valid(r.buf.Bytes()) { // RFC 6455 §8.1: a text frame must be UTF-8; close 1007
			if r.c.close(closeInvalidData, "text frames must be valid UTF-8", true) {
				r.h.metrics.dropped.WithLabelValues(dropInvalidUTF8).Inc()
			}
			continue
		}
		r.handle(ctx, r.buf.Bytes())
	}
}

// policyClose closes the client with 1008 after what is queued.
func (r *reader) policyClose(reason, text string) {
	if r.c.close(closePolicy, text, true) {
		r.h.metrics.dropped.WithLabelValues(reason).Inc()
	}
}

// handle acts on one client message.
func (r *reader) handle(ctx context.Context, data []byte) {
	m, perr := decodeClientMessage(data, r.h.limits)
	if perr != nil {
		r.c.enqueueFrame(perr.frame(), frameError)
		return
	}
	switch m.Type {
	case msgPing:
		r.c.enqueueFrame(pongOf(m.At), framePong)
	case msgUnsubscribe:
		if err := r.h.unsubscribe(r.c, m.Sub); err != nil {
			r.c.enqueueFrame(newProtoError(m.Sub, CodeBadSubscription, "no subscription %q", m.Sub).frame(), frameError)
		}
	case msgSubscribe:
		r.subscribe(ctx, m)
	}
}

// subscribe registers the subscription first, so that no change between the snapshot read and
// the registration is lost: what it matches meanwhile waits, and is merged with the snapshot.
func (r *reader) subscribe(ctx context.Context, m clientMessage) {
	s := newSubscription(r.c, m)
	switch err := r.h.register(s); {
	case errors.Is(err, ErrTooManySubscriptions):
		r.c.enqueueFrame(newProtoError(m.Sub, CodeTooManySubscriptions,
			"at most %d subscriptions per connection: unsubscribe one first", r.h.o.subscriptions).frame(), frameError)
		return
	case err != nil:
		return // the hub stopped: the client is closing
	}
	ctx, cancel := context.WithTimeout(ctx, r.ho.snapshotTimeout)
	defer cancel()
	groups, err := loadGroups(ctx, r.snaps, m, s.filter)
	if err != nil {
		r.h.remove(s)
		r.h.o.logger.Debug("stream snapshot failed", "client", r.c.id, "sub", m.Sub, "err", err)
		r.c.enqueueFrame(newProtoError(m.Sub, CodeUnavailable, "the snapshot could not be read; subscribe again").frame(), frameError)
		return
	}
	r.c.ready(s, groups)
}

// loadGroups reads the snapshot of a subscription: the most recent entities of each kind it
// names (snapshot of them), then the current view of each id, grouped by kind in the order the
// subscription names them. Views that are not JSON are left out.
func loadGroups(ctx context.Context, snaps Snapshots, m clientMessage, filter Filter) ([]group, error) {
	var groups []group
	at := map[string]int{}
	groupOf := func(kind string) *group {
		i, ok := at[kind]
		if !ok {
			i = len(groups)
			at[kind] = i
			groups = append(groups, group{kind: kind})
		}
		return &groups[i]
	}
	for _, kind := range m.Kinds {
		if _, ok := at[kind]; ok {
			continue
		}
		g := groupOf(kind)
		if snaps == nil || m.Snapshot == 0 {
			continue
		}
		items, err := snaps.Recent(ctx, kind, filter, m.Snapshot)
		if err != nil {
			return nil, fmt.Errorf("recent %s: %w", kind, err)
		}
		if len(items) > m.Snapshot {
			items = items[:m.Snapshot]
		}
		for _, it := range items {
			if json.Valid(it.View) {
				g.items = append(g.items, it)
			}
		}
	}
	for _, key := range m.IDs {
		kind, id, _ := strings.Cut(key, "/")
		g := groupOf(kind)
		if snaps == nil {
			continue
		}
		it, ok, err := snaps.Get(ctx, kind, id)
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", key, err)
		}
		if !ok || !json.Valid(it.View) || containsID(g.items, id) {
			continue
		}
		it.Kind, it.ID = kind, id
		g.items = append(g.items, it)
	}
	return groups, nil
}

func containsID(items []Item, id string) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// bucket is a token bucket of client messages.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

// take reports whether a message may pass at now.
func (b *bucket) take(now time.Time) bool {
	if d := now.Sub(b.last).Seconds(); d > 0 {
		b.tokens = min(b.burst, b.tokens+d*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// wsWire writes to a websocket connection. Writes come from the client's writer only; pings,
// close frames and deadlines are safe beside them.
type wsWire struct {
	conn         *websocket.Conn
	writeTimeout time.Duration
}

var _ wire = (*wsWire)(nil)

func (w *wsWire) write(parts ...[]byte) error {
	if err := w.conn.SetWriteDeadline(time.Now().Add(w.writeTimeout)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	wr, err := w.conn.NextWriter(websocket.TextMessage)
	if err != nil {
		return fmt.Errorf("next writer: %w", err)
	}
	for _, p := range parts {
		if _, err := wr.Write(p); err != nil {
			return fmt.Errorf("write frame: %w", err)
		}
	}
	if err := wr.Close(); err != nil {
		return fmt.Errorf("flush frame: %w", err)
	}
	return nil
}

func (w *wsWire) ping() error {
	return w.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(w.writeTimeout))
}

func (w *wsWire) close(code int, reason string) error {
	return w.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason),
		time.Now().Add(w.writeTimeout))
}

func (w *wsWire) setReadDeadline(t time.Time) { _ = w.conn.SetReadDeadline(t) }

func (w *wsWire) abort() { _ = w.conn.Close() }
