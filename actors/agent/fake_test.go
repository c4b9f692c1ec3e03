package agent

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/event"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/runtime/consumer"
)

// call is one call an agent made on its Entities.
type call struct {
	method   string // send, create, start_onboarding
	kind, id string
	cmd      *aidapb.Command
	deadline bool // the call's context had a deadline
}

// String is "<kind>/<id> <command>": "deal/d1 schedule_reminder", "account/ create_account".
func (c call) String() string { return c.kind + "/" + c.id + " " + commandName(c.cmd) }

// fakeEntities is an Entities that records every call and answers with its function fields.
type fakeEntities struct {
	get     func(kind, id string) (*aidapb.Reply, error)                       // get commands; nil: NotFound
	send    func(kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)  // other commands; nil: an empty reply
	create  func(kind string, cmd *aidapb.Command) (*aidapb.Reply, error)      // nil: errNotFaked
	onboard func(accountID string, cmd *aidapb.Command) (*aidapb.Reply, error) // nil: errNotFaked

	mu    sync.Mutex
	calls []call
}

var _ Entities = (*fakeEntities)(nil)

var errNotFaked = fault.New(fault.Internal, "not faked")

func (f *fakeEntities) record(ctx context.Context, method, kind, id string, cmd *aidapb.Command) {
	_, ok := ctx.Deadline()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{method: method, kind: kind, id: id, cmd: proto.Clone(cmd).(*aidapb.Command), deadline: ok})
}

func (f *fakeEntities) Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	f.record(ctx, "send", kind, id, cmd)
	if cmd.GetGet() != nil {
		if f.get == nil {
			return nil, fault.New(fault.NotFound, "%s %s not found", kind, id)
		}
		return f.get(kind, id)
	}
	if f.send == nil {
		return &aidapb.Reply{}, nil
	}
	return f.send(kind, id, cmd)
}

func (f *fakeEntities) Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	f.record(ctx, "create", kind, "", cmd)
	if f.create == nil {
		return nil, errNotFaked
	}
	return f.create(kind, cmd)
}

func (f *fakeEntities) StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	f.record(ctx, "start_onboarding", "account", accountID, cmd)
	if f.onboard == nil {
		return nil, errNotFaked
	}
	return f.onboard(accountID, cmd)
}

// recorded returns the calls made so far.
func (f *fakeEntities) recorded() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// summary returns the calls made so far as "<kind>/<id> <command>" lines, and fails the test if
// one of them carried no deadline.
func (f *fakeEntities) summary(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, c := range f.recorded() {
		if !c.deadline {
			t.Errorf("%s: the call had no deadline", c)
		}
		out = append(out, c.String())
	}
	return out
}

// only returns the one recorded command with body name, failing the test if there is not
// exactly one.
func (f *fakeEntities) only(t *testing.T, name string) call {
	t.Helper()
	var found []call
	for _, c := range f.recorded() {
		if commandName(c.cmd) == name {
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s command, got %d in %q", name, len(found), f.summary(t))
	}
	return found[0]
}

// lines is the summary format of expected calls.
func lines(s ...string) []string { return s }

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n  got  %q\n  want %q", got, want)
	}
}

// now is the fixed clock of the tests: a Tuesday noon, UTC.
var now = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return now }

// testConfig is the agents' config in tests: the fixed clock and 14 days to stale.
func testConfig() Config { return Config{Clock: fixedClock, StaleAfter: 14 * 24 * time.Hour} }

// message returns the stream message of an event of type typ about subject (lead/l1) with
// payload as its data ({} when nil), as the relay publishes it.
func message(t testing.TB, typ, subject string, payload proto.Message) consumer.Message {
	t.Helper()
	data := json.RawMessage("{}")
	if payload != nil {
		b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(payload)
		if err != nil {
			t.Fatalf("marshal payload: %v", err)
		}
		data = b
	}
	env := event.Envelope{SpecVersion: event.SpecVersion, ID: "ev-1", Source: event.Source, Type: typ, Subject: subject,
		Time: now.Add(-time.Minute), DataContentType: event.DataContentType, Data: data, EntityVersion: 3, Actor: "user:ann"}
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatalf("marshal envelope: %v", err)
	}
	return consumer.Message{Subject: typ, Data: b, MsgID: "ev-1", StreamSeq: 7, Delivered: 1, Time: now}
}

func ts(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }

func reminderFired(name string, due time.Time) *aidapb.ReminderFired {
	return &aidapb.ReminderFired{Name: name, Token: "tok", DueAt: ts(due), Attempts: 1}
}

// byName returns the agent of the table named name; the names are test constants.
func byName(name string, e Entities, cfg Config) *Agent {
	a, err := New(name, e, cfg)
	if err != nil {
		panic(err)
	}
	return a
}
