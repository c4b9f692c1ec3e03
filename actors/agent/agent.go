package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/runtime/consumer"
	"github.com/aidacrm/aida/runtime/metric"
)

// Entities is what agents need from the actor layer; *entity.Gateway is one. Errors are
// *fault.Error.
type Entities interface {
	Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
	Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error)
	StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error)
}

// Consumer runs a handler on a durable JetStream consumer until ctx ends; *bus.Bus is one.
type Consumer interface {
	Consume(ctx context.Context, cfg consumer.Config, h consumer.Handler) error
}

// Defaults of Config.
const (
	DefaultStaleAfter  = 14 * 24 * time.Hour
	DefaultHealthEvery = 24 * time.Hour
	DefaultTimeout     = 10 * time.Second
)

// Config is what every agent shares.
type Config struct {
	Clock       func() time.Time      // default time.Now; the entities' clock
	StaleAfter  time.Duration         // pipeline: a deal without activity this long is stale; default 14 days
	HealthEvery time.Duration         // success: how often an account's health is recomputed; default 1 day
	Timeout     time.Duration         // per command; default 10 s
	Logger      *slog.Logger          // default: discard
	Registerer  prometheus.Registerer // nil: no metrics
	Brain       Brain                 // the language model the ai agent asks; nil: that agent does nothing
}

func (c *Config) defaults() {
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.StaleAfter <= 0 {
		c.StaleAfter = DefaultStaleAfter
	}
	if c.HealthEvery <= 0 {
		c.HealthEvery = DefaultHealthEvery
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Agent is one background agent: a durable consumer of some event types and what it does with
// each event. New makes one from the agent table (Specs).
type Agent struct {
	name     string
	filters  []string
	may      []string // the commands it may send (Spec.May)
	entities Entities
	cfg      Config
	handle   func(ctx context.Context, ev Event) error
	metrics  *metrics
}

// Name returns the agent's name (nurture, pipeline, success).
func (a *Agent) Name() string { return a.name }

// Actor returns the actor the agent's commands carry: agent:<name>, and "ai" for the agent
// that speaks for the language model.
func (a *Agent) Actor() string {
	if a.name == NameAI {
		return "ai"
	}
	return "agent:" + a.name
}

// Durable returns the name of the agent's JetStream consumer: agent-<name>.
func (a *Agent) Durable() string { return "agent-" + a.name }

// Filters returns the event types the agent consumes.
func (a *Agent) Filters() []string { return a.filters }

// Run consumes the agent's events until ctx ends, then returns nil. It supervises itself: when
// the consumer stops with an error it is restarted after a backoff that doubles up to a minute.
func (a *Agent) Run(ctx context.Context, c Consumer) error {
	backoff := time.Second
	for {
		err := c.Consume(ctx, consumer.Config{Durable: a.Durable(), Filters: a.filters, Concurrency: concurrency,
			KeyFunc: entityKey, Registerer: a.cfg.Registerer, Logger: a.cfg.Logger}, a.Handle)
		if ctx.Err() != nil {
			return nil
		}
		a.cfg.Logger.Warn("agent consumer stopped; restarting", "agent", a.name, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// concurrency is how many events an agent handles at once; events of one entity are handled one
// at a time, in stream order.
const concurrency = 4

// entityKey returns the CloudEvents subject of an envelope (lead/<id>) without decoding it: the
// relay writes it with encoding/json, so the attribute reads "subject":"…" with no spaces.
func entityKey(m consumer.Message) string {
	const attr = `"subject":"`
	i := bytes.Index(m.Data, []byte(attr))
	if i < 0 {
		return m.Subject
	}
	rest := m.Data[i+len(attr):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return m.Subject
	}
	return string(rest[:j])
}

// Handle handles one message of the stream: it is the consumer.Handler Run consumes with. A
// panic is recovered and the message redelivered; an error the entities call transient is
// returned (the message is redelivered); anything else is logged and the message acknowledged.
func (a *Agent) Handle(ctx context.Context, m consumer.Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			a.cfg.Logger.Error("agent panicked; the message is redelivered", "agent", a.name, "subject", m.Subject,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			a.metrics.handled(a.name, "panic")
			err = fmt.Errorf("agent %s panicked on %s", a.name, m.Subject)
		}
	}()
	ev, err := decode(m.Data)
	if err != nil {
		a.cfg.Logger.Warn("agent dropped a message it cannot read", "agent", a.name, "subject", m.Subject, "err", err)
		a.metrics.handled(a.name, "unreadable")
		return fmt.Errorf("%w: %w", consumer.ErrPoison, err)
	}
	err = a.handle(ctx, ev)
	if err == nil {
		a.metrics.handled(a.name, "ok")
		return nil
	}
	switch fault.CodeOf(err) {
	case fault.Unavailable, fault.Conflict, fault.Internal:
		a.cfg.Logger.Debug("agent will retry", "agent", a.name, "event", ev.ID, "type", ev.Type, "err", err)
		a.metrics.handled(a.name, "retry")
		return err
	default:
		a.cfg.Logger.Info("agent skipped an event the entity refused", "agent", a.name, "event", ev.ID,
			"type", ev.Type, "subject", ev.Subject, "err", err)
		a.metrics.handled(a.name, "refused")
		return nil
	}
}

// Event is a stream message as agents read it: the CloudEvents attributes, the entity it is
// about, and its data.
type Event struct {
	event.Envelope
	Kind, ID string // from the subject lead/<id>
}

func decode(data []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(data, &ev.Envelope); err != nil {
		return ev, fmt.Errorf("decode envelope: %w", err)
	}
	kind, id, ok := strings.Cut(ev.Subject, "/")
	if !ok || kind == "" || id == "" {
		return ev, fmt.Errorf("envelope %s: subject %q is not <kind>/<id>", ev.ID, ev.Subject)
	}
	ev.Kind, ev.ID = kind, id
	return ev, nil
}

// payload decodes the event's data into m.
func (ev Event) payload(m proto.Message) error {
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(ev.Data, m); err != nil {
		return &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("event %s (%s) has data that is not a %s", ev.Envelope.ID, ev.Type,
			m.ProtoReflect().Descriptor().Name()), Err: err}
	}
	return nil
}

// send delivers cmd from the agent to (kind, id) with the agent's timeout.
func (a *Agent) send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	if err := a.allowed(cmd); err != nil {
		return nil, err
	}
	cmd.Actor = a.Actor()
	reply, err := a.entities.Send(ctx, kind, id, cmd)
	if name := commandName(cmd); err == nil && name != "get" {
		a.metrics.command(a.name, name)
	}
	return reply, err
}

// allowed refuses a command the agent may not send (Spec.May), with a Forbidden fault.
func (a *Agent) allowed(cmd *aidapb.Command) error {
	if name := commandName(cmd); name != "get" && !slices.Contains(a.may, name) {
		return fault.New(fault.Forbidden, "%s may not send %s; it may send %s", a.Actor(), name, strings.Join(a.may, ", "))
	}
	return nil
}

func (a *Agent) get(ctx context.Context, kind, id string) (*aidapb.Reply, error) {
	return a.send(ctx, kind, id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
}

func commandName(cmd *aidapb.Command) string {
	m := cmd.ProtoReflect()
	if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("body")); fd != nil {
		return string(fd.Name())
	}
	return ""
}

type metrics struct {
	handledTotal  *prometheus.CounterVec
	commandsTotal *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	m := &metrics{
		handledTotal: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aida_agent_events_total",
			Help: "Events an agent handled, by result: ok, retry, refused, unreadable, panic."}, []string{"agent", "result"}),
		commandsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "aida_agent_commands_total",
			Help: "Commands (not reads) an agent sent that the entity accepted, by command."}, []string{"agent", "command"}),
	}
	m.handledTotal = metric.Register(reg, m.handledTotal, log)
	m.commandsTotal = metric.Register(reg, m.commandsTotal, log)
	return m
}

func (m *metrics) handled(agent, result string) { m.handledTotal.WithLabelValues(agent, result).Inc() }
func (m *metrics) command(agent, cmd string)    { m.commandsTotal.WithLabelValues(agent, cmd).Inc() }

// shorten cuts s to at most n characters, ending a cut text with "…", so a title built around
// an entity's name stays within the limits of the command it goes in.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
