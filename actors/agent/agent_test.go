package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/runtime/consumer"
)

// metricsText is the exposition of the agent counters: events by result, then commands.
func metricsText(events map[string]int, commands map[string]int) string {
	var b strings.Builder
	if len(events) > 0 {
		b.WriteString("# HELP aida_agent_events_total Events an agent handled, by result: ok, retry, refused, unreadable, panic.\n")
		b.WriteString("# TYPE aida_agent_events_total counter\n")
		for _, r := range []string{"ok", "panic", "refused", "retry", "unreadable"} {
			if n, ok := events[r]; ok {
				fmt.Fprintf(&b, "aida_agent_events_total{agent=\"nurture\",result=%q} %d\n", r, n)
			}
		}
	}
	if len(commands) > 0 {
		b.WriteString("# HELP aida_agent_commands_total Commands (not reads) an agent sent that the entity accepted, by command.\n")
		b.WriteString("# TYPE aida_agent_commands_total counter\n")
		for _, c := range []string{"advance_sequence", "get", "start_sequence"} {
			if n, ok := commands[c]; ok {
				fmt.Fprintf(&b, "aida_agent_commands_total{agent=\"nurture\",command=%q} %d\n", c, n)
			}
		}
	}
	return b.String()
}

func checkMetrics(t *testing.T, reg *prometheus.Registry, events, commands map[string]int) {
	t.Helper()
	err := testutil.GatherAndCompare(reg, strings.NewReader(metricsText(events, commands)),
		"aida_agent_events_total", "aida_agent_commands_total")
	if err != nil {
		t.Error(err)
	}
}

func TestHandleUnreadableIsPoison(t *testing.T) {
	captured := message(t, lead.TypeCaptured, "lead/l1", nil)
	tests := []struct {
		name string
		data string
	}{
		{"not JSON", "not json"},
		{"empty", ""},
		{"JSON array", "[1,2]"},
		{"time not a time", `{"specversion":"1.0","id":"e","type":"crm.lead.captured","subject":"lead/l1","time":"yesterday"}`},
		{"null", "null"},
		{"no subject", `{"specversion":"1.0","id":"e","type":"crm.lead.captured"}`},
		{"subject without slash", strings.Replace(string(captured.Data), `"lead/l1"`, `"lead"`, 1)},
		{"subject without kind", strings.Replace(string(captured.Data), `"lead/l1"`, `"/l1"`, 1)},
		{"subject without id", strings.Replace(string(captured.Data), `"lead/l1"`, `"lead/"`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			f := &fakeEntities{}
			cfg := testConfig()
			cfg.Registerer = reg
			a := byName("nurture", f, cfg)
			err := a.Handle(context.Background(), consumer.Message{Subject: lead.TypeCaptured, Data: []byte(tt.data)})
			if !errors.Is(err, consumer.ErrPoison) {
				t.Fatalf("Handle = %v, want an error wrapping consumer.ErrPoison", err)
			}
			if calls := f.summary(t); len(calls) != 0 {
				t.Errorf("an unreadable message made calls: %q", calls)
			}
			checkMetrics(t, reg, map[string]int{"unreadable": 1}, nil)
		})
	}
}

func TestHandleRecoversPanic(t *testing.T) {
	reg := prometheus.NewRegistry()
	panics := true
	f := &fakeEntities{send: func(kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
		if panics {
			panic("boom")
		}
		return &aidapb.Reply{}, nil
	}}
	cfg := testConfig()
	cfg.Registerer = reg
	a := byName("nurture", f, cfg)
	m := message(t, lead.TypeCaptured, "lead/l1", &aidapb.LeadCaptured{Lead: &aidapb.Lead{Id: "l1"}})

	err := a.Handle(context.Background(), m)
	if err == nil {
		t.Fatal("Handle of a panicking handler = nil, want an error (redelivery)")
	}
	if errors.Is(err, consumer.ErrPoison) {
		t.Fatalf("Handle = %v: a panic must not drop the message", err)
	}
	if !strings.Contains(err.Error(), "nurture") {
		t.Errorf("Handle = %q, want the agent named", err)
	}
	checkMetrics(t, reg, map[string]int{"panic": 1}, nil)

	panics = false // the agent keeps working
	if err := a.Handle(context.Background(), m); err != nil {
		t.Fatalf("Handle after a panic = %v", err)
	}
	checkMetrics(t, reg, map[string]int{"panic": 1, "ok": 1}, map[string]int{"start_sequence": 1})
}

func TestHandleEntityErrors(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		retry bool
	}{
		{"unavailable", fault.New(fault.Unavailable, "store down"), true},
		{"conflict", fault.New(fault.Conflict, "concurrent write"), true},
		{"internal", fault.New(fault.Internal, "bug"), true},
		{"not a fault", errors.New("connection reset"), true},
		{"deadline", context.DeadlineExceeded, true},
		{"wrapped unavailable", fmt.Errorf("send: %w", fault.New(fault.Unavailable, "x")), true},
		{"not found", fault.New(fault.NotFound, "no lead"), false},
		{"transition", fault.New(fault.Transition, "archived"), false},
		{"invalid", fault.New(fault.Invalid, "bad"), false},
		{"duplicate", fault.New(fault.Duplicate, "taken"), false},
		{"wrapped not found", fmt.Errorf("send: %w", fault.New(fault.NotFound, "x")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			f := &fakeEntities{send: func(kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) { return nil, tt.err }}
			cfg := testConfig()
			cfg.Registerer = reg
			a := byName("nurture", f, cfg)
			err := a.Handle(context.Background(), message(t, lead.TypeCaptured, "lead/l1", nil))
			if tt.retry {
				if !errors.Is(err, tt.err) || errors.Is(err, consumer.ErrPoison) {
					t.Fatalf("Handle = %v, want %v returned for a retry", err, tt.err)
				}
				checkMetrics(t, reg, map[string]int{"retry": 1}, nil)
				return
			}
			if err != nil {
				t.Fatalf("Handle = %v, want nil: a refusal is acknowledged", err)
			}
			checkMetrics(t, reg, map[string]int{"refused": 1}, nil)
		})
	}
}

func TestHandleUnreadablePayloadIsRefused(t *testing.T) {
	reg := prometheus.NewRegistry()
	f := &fakeEntities{}
	cfg := testConfig()
	cfg.Registerer = reg
	a := byName("nurture", f, cfg)
	m := message(t, lead.TypeStatusChanged, "lead/l1", nil)
	m.Data = []byte(strings.Replace(string(m.Data), `"data":{}`, `"data":{"to":5}`, 1))
	if err := a.Handle(context.Background(), m); err != nil {
		t.Fatalf("Handle = %v, want nil: data of the wrong shape is logged and acknowledged", err)
	}
	if calls := f.summary(t); len(calls) != 0 {
		t.Errorf("calls = %q, want none", calls)
	}
	checkMetrics(t, reg, map[string]int{"refused": 1}, nil)
}

func TestHandleIgnoresOtherTypes(t *testing.T) {
	for _, s := range Specs() {
		f := &fakeEntities{}
		a := s.New(f, testConfig())
		if err := a.Handle(context.Background(), message(t, "crm.lead.note_added", "lead/l1", nil)); err != nil {
			t.Errorf("%s: Handle = %v", a.Name(), err)
		}
		if calls := f.summary(t); len(calls) != 0 {
			t.Errorf("%s: calls = %q, want none", a.Name(), calls)
		}
	}
}

func TestAgentsShareMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	cfg := testConfig()
	cfg.Registerer = reg
	f := &fakeEntities{}
	agents := []*Agent{byName("nurture", f, cfg), byName("pipeline", f, cfg), byName("success", f, cfg)}
	for _, a := range agents {
		if err := a.Handle(context.Background(), message(t, "crm.other", "lead/l1", nil)); err != nil {
			t.Fatalf("%s: %v", a.Name(), err)
		}
	}
	want := `# HELP aida_agent_events_total Events an agent handled, by result: ok, retry, refused, unreadable, panic.
# TYPE aida_agent_events_total counter
aida_agent_events_total{agent="nurture",result="ok"} 1
aida_agent_events_total{agent="pipeline",result="ok"} 1
aida_agent_events_total{agent="success",result="ok"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "aida_agent_events_total"); err != nil {
		t.Error(err)
	}
}

func TestAgentNames(t *testing.T) {
	tests := []struct {
		agent   *Agent
		name    string
		filters []string
	}{
		{byName("nurture", nil, Config{}), "nurture", []string{"crm.lead.captured", "crm.lead.status_changed", "crm.lead.reminder_fired"}},
		{byName("pipeline", nil, Config{}), "pipeline", []string{"crm.deal.created", "crm.deal.stage_changed", "crm.deal.updated", "crm.deal.reminder_fired"}},
		{byName("success", nil, Config{}), "success", []string{"crm.deal.won", "crm.account.reminder_fired"}},
	}
	for _, tt := range tests {
		a := tt.agent
		if a.Name() != tt.name || a.Actor() != "agent:"+tt.name || a.Durable() != "agent-"+tt.name {
			t.Errorf("names = %q %q %q", a.Name(), a.Actor(), a.Durable())
		}
		if strings.Join(a.Filters(), " ") != strings.Join(tt.filters, " ") {
			t.Errorf("%s: filters = %q, want %q", tt.name, a.Filters(), tt.filters)
		}
	}
}

func TestEntityKey(t *testing.T) {
	envelope := message(t, "crm.lead.signal_received", "lead/l1",
		&aidapb.DraftMessage{Subject: "Re: your offer", Body: "hi"}) // data has a subject of its own
	tests := []struct {
		name string
		m    consumer.Message
		want string
	}{
		{"envelope", envelope, "lead/l1"},
		{"junk", consumer.Message{Subject: "crm.lead.captured", Data: []byte("junk")}, "crm.lead.captured"},
		{"no data", consumer.Message{Subject: "crm.lead.captured"}, "crm.lead.captured"},
		{"unterminated", consumer.Message{Subject: "crm.x", Data: []byte(`{"subject":"lead/l1`)}, "crm.x"},
		{"spaced", consumer.Message{Subject: "crm.x", Data: []byte(`{"subject": "lead/l1"}`)}, "crm.x"},
	}
	for _, tt := range tests {
		if got := entityKey(tt.m); got != tt.want {
			t.Errorf("%s: entityKey = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// fakeConsumer is a Consumer whose Consume calls consume with the call's number (from 1).
type fakeConsumer struct {
	consume func(ctx context.Context, n int, cfg consumer.Config, h consumer.Handler) error

	mu sync.Mutex
	n  int
}

var _ Consumer = (*fakeConsumer)(nil)

func (c *fakeConsumer) Consume(ctx context.Context, cfg consumer.Config, h consumer.Handler) error {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	return c.consume(ctx, n, cfg, h)
}

func (c *fakeConsumer) calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func TestRunRestartsConsumer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &fakeEntities{}
	a := byName("nurture", f, testConfig())
	second := make(chan consumer.Config, 1)
	c := &fakeConsumer{consume: func(ctx context.Context, n int, cfg consumer.Config, h consumer.Handler) error {
		if n == 1 {
			return errors.New("nats: connection closed")
		}
		if err := h(ctx, message(t, lead.TypeCaptured, "lead/l9", nil)); err != nil {
			t.Errorf("handler: %v", err)
		}
		second <- cfg
		<-ctx.Done()
		return nil
	}}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, c) }()

	var cfg consumer.Config
	select {
	case cfg = <-second:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not restart the consumer")
	}
	if cfg.Durable != "agent-nurture" || strings.Join(cfg.Filters, " ") != strings.Join(a.Filters(), " ") ||
		cfg.Concurrency != concurrency || cfg.KeyFunc == nil {
		t.Errorf("consumer config = %+v", cfg)
	}
	if key := cfg.KeyFunc(message(t, lead.TypeCaptured, "lead/l9", nil)); key != "lead/l9" {
		t.Errorf("KeyFunc = %q, want lead/l9", key)
	}
	equalLines(t, f.summary(t), lines("lead/l9 start_sequence"))

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil after ctx ended", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
	if n := c.calls(); n != 2 {
		t.Errorf("Consume called %d times, want 2", n)
	}
}

func TestRunReturnsWhenCancelledInConsume(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &fakeConsumer{consume: func(ctx context.Context, n int, cfg consumer.Config, h consumer.Handler) error {
		cancel()
		return errors.New("stopped")
	}}
	if err := byName("nurture", &fakeEntities{}, testConfig()).Run(ctx, c); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if n := c.calls(); n != 1 {
		t.Errorf("Consume called %d times, want 1", n)
	}
}

func TestHandleBadPayloads(t *testing.T) {
	tests := []struct {
		agent string
		typ   string
	}{
		{"nurture", "crm.lead.status_changed"},
		{"nurture", "crm.lead.reminder_fired"},
		{"pipeline", "crm.deal.updated"},
		{"pipeline", "crm.deal.reminder_fired"},
		{"success", "crm.account.reminder_fired"},
	}
	for _, tt := range tests {
		f := &fakeEntities{}
		a := byName(tt.agent, f, testConfig())
		m := message(t, tt.typ, "x/1", nil)
		m.Data = []byte(strings.Replace(string(m.Data), `"data":{}`, `"data":[1]`, 1))
		if err := a.handle(context.Background(), mustDecode(t, m)); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("%s %s: handle = %v, want an Invalid fault", a.Name(), tt.typ, err)
		}
		if err := a.Handle(context.Background(), m); err != nil {
			t.Errorf("%s %s: Handle = %v, want nil (logged and acknowledged)", a.Name(), tt.typ, err)
		}
		if calls := f.summary(t); len(calls) != 0 {
			t.Errorf("%s %s: calls = %q", a.Name(), tt.typ, calls)
		}
	}
}

func mustDecode(t *testing.T, m consumer.Message) Event {
	t.Helper()
	ev, err := decode(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestMetricsNameTaken(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "aida_agent_events_total", Help: "something else"}))
	a := byName("nurture", &fakeEntities{}, Config{Registerer: reg, Clock: fixedClock})
	if err := a.Handle(context.Background(), message(t, "crm.other", "lead/l1", nil)); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(a.metrics.handledTotal.WithLabelValues("nurture", "ok")); got != 1 {
		t.Errorf("events counted %v, want 1 on the agent's own counter", got)
	}
}

// TestAgentsMaySendOnlyTheirCommands: an agent is a principal with a list of commands; one
// outside it is refused before any entity sees it.
func TestAgentsMaySendOnlyTheirCommands(t *testing.T) {
	for _, s := range Specs() {
		a := s.New(nil, Config{})
		if len(s.May) == 0 {
			t.Errorf("agent %s may send nothing", s.Name)
		}
		for _, name := range s.May {
			if cmd := commandNamed(t, name); a.allowed(cmd) != nil {
				t.Errorf("agent %s may not send %s, which its spec lists", s.Name, name)
			}
		}
		for _, cmd := range []*aidapb.Command{
			{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 5}}},
			{Body: &aidapb.Command_ArchiveLead{ArchiveLead: &aidapb.ArchiveLead{}}},
			{Body: &aidapb.Command_DecideDraft{DecideDraft: &aidapb.DecideDraft{DraftId: "d"}}},
		} {
			if err := a.allowed(cmd); !isForbidden(err) {
				t.Errorf("agent %s sends %s: %v, want forbidden", s.Name, commandName(cmd), err)
			}
		}
		if err := a.allowed(&aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}); err != nil {
			t.Errorf("agent %s may not read: %v", s.Name, err)
		}
	}
}

// commandNamed returns an empty command whose body field is name.
func commandNamed(t *testing.T, name string) *aidapb.Command {
	t.Helper()
	cmd := &aidapb.Command{}
	m := cmd.ProtoReflect()
	fd := m.Descriptor().Oneofs().ByName("body").Fields().ByName(protoreflect.Name(name))
	if fd == nil {
		t.Fatalf("no command %q", name)
	}
	m.Set(fd, m.NewField(fd))
	return cmd
}

func isForbidden(err error) bool {
	var fe *fault.Error
	return errors.As(err, &fe) && fe.Code == fault.Forbidden
}
