package entity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
)

// Loader reads a snapshot; persistence.Store is one.
type Loader interface {
	Load(ctx context.Context, kind, id string) (persistence.Record, error)
}

// Appender makes one entity's change durable; *persistence.Group is one.
type Appender interface {
	Append(ctx context.Context, a persistence.Append) error
}

// Deps are what every entity actor shares.
type Deps struct {
	Loader         Loader
	Appender       Appender
	Clock          func() time.Time // default time.Now
	NewID          func() string    // event IDs; default UUIDv7
	Logger         *slog.Logger
	Metrics        *Metrics      // nil: no metrics
	PassivateAfter time.Duration // idle time before an actor stops; default 10 min
	Timeout        time.Duration // a command without a deadline gets this one; default 10 s
	// OnChange, when set, is told of every durable change (after the append, before the
	// reply) with the new snapshot and the journal entries of the change: live views and the
	// relay's wake-up. It must not block, nor keep events past the call without copying.
	OnChange func(kind, id string, version int64, snapshot []byte, events []persistence.Entry)
	// OnReminder, when set, is told after a durable change that set a reminder, with the
	// earliest due time it set: the scheduler's wake-up. It must not block.
	OnReminder func(due time.Time)
}

func (d *Deps) defaults() {
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.NewID == nil {
		d.NewID = NewID
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.PassivateAfter <= 0 {
		d.PassivateAfter = 10 * time.Minute
	}
	if d.Timeout <= 0 {
		d.Timeout = 10 * time.Second
	}
}

// Props returns the protoactor props of kind b's actors.
func Props[S proto.Message](b Behavior[S], d Deps) *actor.Props {
	d.defaults()
	return actor.PropsFromProducer(func() actor.Actor {
		return &shell[S]{b: b, d: &d}
	})
}

// emptyLinger is how long an actor whose entity does not exist stays in memory.
const emptyLinger = time.Second

// shell is one entity actor. It owns its state: no locks.
type shell[S proto.Message] struct {
	b Behavior[S]
	d *Deps

	id        string
	state     S // zero: does not exist (or not loaded); never modified once set (copy on write)
	loaded    bool
	lingering bool // the entity does not exist: the actor passivates after emptyLinger
	version   int64
	createdAt time.Time
}

func (a *shell[S]) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.d.Metrics.activated(a.b.Kind)
		ctx.SetReceiveTimeout(a.d.PassivateAfter)
	case *actor.ReceiveTimeout:
		a.d.Metrics.passivated(a.b.Kind)
		ctx.Stop(ctx.Self())
	case *actor.Restarting:
		a.d.Metrics.restarted(a.b.Kind)
	case *actor.Stopped:
		a.d.Metrics.stopped(a.b.Kind)
	case *aidapb.Command:
		ctx.Respond(a.handle(m))
		// An actor with nothing to hold (a get of an unknown ID, a create that failed) leaves
		// memory after emptyLinger instead of PassivateAfter.
		empty := a.loaded && !a.state.ProtoReflect().IsValid()
		if empty != a.lingering {
			a.lingering = empty
			if empty {
				ctx.SetReceiveTimeout(emptyLinger)
			} else {
				ctx.SetReceiveTimeout(a.d.PassivateAfter)
			}
		}
	}
}

// handle runs one command and returns the reply. A panic while handling it is recovered here:
// it is logged and counted (aida_actor_panics_total), the command is answered with an internal
// error, and the state is unloaded, so the next command reloads it from the store. The actor
// itself keeps running; protoactor's supervisor never sees the panic.
func (a *shell[S]) handle(cmd *aidapb.Command) (reply *aidapb.Reply) {
	defer func() {
		if r := recover(); r != nil {
			a.d.Logger.Error("entity actor panicked; its state is unloaded and reloads from the store on the next command",
				"kind", a.b.Kind, "id", a.id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			a.d.Metrics.panicked(a.b.Kind)
			a.unload()
			reply = errorReply(fault.New(fault.Internal, "internal error in the %s actor", a.b.Kind))
		}
	}()
	now := a.d.Clock() // the domain's time; deadlines are on the wall clock, which tests do not drive
	wall := time.Now()
	deadline := wall.Add(a.d.Timeout)
	if dl := cmd.GetDeadline(); dl != nil {
		deadline = dl.AsTime()
		if !wall.Before(deadline) {
			return errorReply(fault.New(fault.Unavailable,
				"the %s actor is overloaded: the request waited past its deadline; retry", a.b.Kind))
		}
	}
	if cmd.GetId() == "" {
		return errorReply(fault.New(fault.Invalid, "command without an entity id"))
	}
	if a.id == "" {
		a.id = cmd.GetId()
	} else if a.id != cmd.GetId() {
		return errorReply(fault.New(fault.Internal, "command for %s reached actor %s", cmd.GetId(), a.id))
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	if !a.loaded {
		if err := a.load(ctx, cmd.GetFresh(), now); err != nil {
			return errorReply(err)
		}
	}
	if err := a.inScope(cmd); err != nil {
		return errorReply(err)
	}
	events, stale, err := a.b.decide(a.state, a.id, cmd, now)
	if err != nil {
		return errorReply(err)
	}
	if stale {
		return &aidapb.Reply{Stale: true}
	}
	if len(events) == 0 {
		return a.view(false)
	}
	created := a.version == 0
	if err := a.persist(ctx, cmd, events, now); err != nil {
		return errorReply(err)
	}
	return a.view(created)
}

// inScope refuses a command scoped to an owner (Command.scope_owner) for an entity that
// exists and belongs to someone else.
func (a *shell[S]) inScope(cmd *aidapb.Command) error {
	scope := cmd.GetScopeOwner()
	if scope == "" || !a.state.ProtoReflect().IsValid() {
		return nil
	}
	if owner := a.b.Index(a.state).Owner; owner != "" && owner != scope {
		return fault.New(fault.Forbidden, "this %s belongs to %s; only its owner or a manager may work on it", a.b.Kind, owner)
	}
	return nil
}

// load reads the snapshot, or starts empty for a fresh ID.
func (a *shell[S]) load(ctx context.Context, fresh bool, now time.Time) error {
	var zero S
	a.state, a.version, a.createdAt = zero, 0, now
	if fresh {
		a.loaded = true
		return nil
	}
	rec, err := a.d.Loader.Load(ctx, a.b.Kind, a.id)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		a.loaded = true
		return nil
	case err != nil:
		return storeFault(a.b.Kind, a.id, err)
	}
	s := zero.ProtoReflect().New().Interface().(S)
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(rec.State, s); err != nil {
		return fault.Wrap(fault.Internal, err, "decode %s %s snapshot", a.b.Kind, a.id)
	}
	a.state, a.version, a.createdAt, a.loaded = s, rec.Version, rec.CreatedAt, true
	return nil
}

// persist stamps events and applies them to a copy of the state, then appends them with the new
// snapshot; only then does the copy become the state. When the append fails the in-memory state
// is dropped (the store may or may not hold the change), so the next command reloads it.
func (a *shell[S]) persist(ctx context.Context, cmd *aidapb.Command, events []*aidapb.Event, now time.Time) error {
	actorName := cmd.GetActor()
	if actorName == "" {
		actorName = "api"
	}
	ts := timestamppb.New(now)
	state := a.state // copy on write: replies in flight may still read a.state
	if state.ProtoReflect().IsValid() {
		state = proto.Clone(state).(S)
	}
	entries := make([]persistence.Entry, len(events))
	var reminders []persistence.ReminderChange
	for i, e := range events {
		e.Id = a.d.NewID()
		e.Actor = actorName
		e.Time = ts
		e.Version = a.version + int64(i) + 1
		change, err := a.reminderChange(e)
		if err != nil {
			return err
		}
		if change != nil {
			reminders = append(reminders, *change)
		}
		state = a.b.apply(state, e)
		data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(e) // snake_case: the relay copies the payload as it is
		if err != nil {
			return fault.Wrap(fault.Internal, err, "encode %s event", e.GetType())
		}
		entries[i] = persistence.Entry{
			Kind: a.b.Kind, ID: a.id, Version: e.Version, EventID: e.Id,
			Type: e.GetType(), Actor: actorName, Time: now, Data: data,
		}
	}
	snapshot, err := protojson.Marshal(state)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "encode %s snapshot", a.b.Kind)
	}
	next := a.version + int64(len(events))
	err = a.d.Appender.Append(ctx, persistence.Append{
		ExpectedVersion: a.version,
		Events:          entries,
		Reminders:       reminders,
		Snapshot: persistence.Record{
			Kind: a.b.Kind, ID: a.id, Version: next, State: snapshot,
			Index: a.b.Index(state), CreatedAt: a.createdAt, UpdatedAt: now,
		},
	})
	if err != nil {
		a.unload()
		return storeFault(a.b.Kind, a.id, err)
	}
	a.state, a.version = state, next
	if a.d.OnChange != nil {
		a.d.OnChange(a.b.Kind, a.id, next, snapshot, entries)
	}
	if a.d.OnReminder != nil {
		var earliest time.Time
		for _, r := range reminders {
			if !r.Cancel && (earliest.IsZero() || r.Set.DueAt.Before(earliest)) {
				earliest = r.Set.DueAt
			}
		}
		if !earliest.IsZero() {
			a.d.OnReminder(earliest)
		}
	}
	return nil
}

// reminderChange is the store change a reminder event asks for, made durable in the same append:
// a set reminder gets the event's ID as its token; a fired one is deleted only if it still has
// the token that was delivered (it may have been set again since).
func (a *shell[S]) reminderChange(e *aidapb.Event) (*persistence.ReminderChange, error) {
	switch d := e.GetData().(type) {
	case *aidapb.Event_ReminderSet:
		rs := d.ReminderSet
		rs.Token = e.GetId()
		payload := []byte("{}")
		if rs.GetPayload() != nil {
			var err error
			if payload, err = protojson.Marshal(rs.GetPayload()); err != nil {
				return nil, fault.Wrap(fault.Invalid, err, "reminder payload")
			}
		}
		return &persistence.ReminderChange{Set: persistence.Reminder{Kind: a.b.Kind, ID: a.id, Name: rs.GetName(),
			Token: rs.GetToken(), DueAt: rs.GetDueAt().AsTime(), Payload: payload}}, nil
	case *aidapb.Event_ReminderCancelled:
		return &persistence.ReminderChange{Cancel: true, Set: persistence.Reminder{Kind: a.b.Kind, ID: a.id,
			Name: d.ReminderCancelled.GetName()}}, nil
	case *aidapb.Event_ReminderFired:
		return &persistence.ReminderChange{Cancel: true, Set: persistence.Reminder{Kind: a.b.Kind, ID: a.id,
			Name: d.ReminderFired.GetName(), Token: d.ReminderFired.GetToken()}}, nil
	}
	return nil, nil
}

func (a *shell[S]) unload() {
	var zero S
	a.state, a.version, a.loaded = zero, 0, false
}

// view wraps the state in a reply. The state is never modified once set (persist applies events
// to a copy), so replies share it without copying; their receivers only read them.
func (a *shell[S]) view(created bool) *aidapb.Reply {
	if !a.state.ProtoReflect().IsValid() {
		return errorReply(fault.New(fault.NotFound, "no %s with id %s", a.b.Kind, a.id))
	}
	r := a.b.View(a.state)
	r.Created = created
	return r
}

func errorReply(err error) *aidapb.Reply {
	return &aidapb.Reply{Error: fault.ToProto(err)}
}

// storeFault classifies a store error for the reply.
func storeFault(kind, id string, err error) error {
	var ue *persistence.UniqueError
	switch {
	case errors.As(err, &ue):
		return fault.Wrap(fault.Duplicate, err, "another %s already has %q", kind, ue.Key)
	case errors.Is(err, persistence.ErrConflict):
		return fault.Wrap(fault.Conflict, err, "%s %s was changed concurrently; retry", kind, id)
	case errors.Is(err, persistence.ErrUnavailable), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled), errors.Is(err, persistence.ErrClosed):
		return fault.Wrap(fault.Unavailable, err, "the store is unavailable; retry shortly")
	default:
		return fault.Wrap(fault.Internal, err, "store %s %s", kind, id)
	}
}
