package entity

import (
	"context"
	"errors"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/runtime/cluster"
)

// Requester delivers a message to the actor (kind, id); *cluster.Member is one.
type Requester interface {
	Request(ctx context.Context, kind, id string, msg any) (any, error)
}

// Reader is the part of the store the gateway reads directly.
type Reader interface {
	FindUnique(ctx context.Context, kind, key string) (string, error)
	List(ctx context.Context, q persistence.Query) (persistence.Page, error)
	Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error)
	Journal(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
	Ping(ctx context.Context) error
}

// Gateway is the actor layer as a caller sees it, for any kind: it routes commands to entity
// actors and reads lists, tallies and journals from the store. It knows no kind's rules; the
// flows that span entities are built on it (actors/crm). Errors are *fault.Error.
type Gateway struct {
	actors Requester
	store  Reader
}

// NewGateway returns a gateway over actors and store.
func NewGateway(actors Requester, store Reader) *Gateway {
	return &Gateway{actors: actors, store: store}
}

// Send delivers cmd to the entity (kind, id) and returns its reply. cmd is not changed: the
// actor gets a copy addressed to id, carrying ctx's deadline when it has one, which shares cmd's body (an
// actor only reads a command).
func (g *Gateway) Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	msg := &aidapb.Command{}
	m := msg.ProtoReflect()
	cmd.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		m.Set(fd, v)
		return true
	})
	msg.Id = id
	if dl, ok := ctx.Deadline(); ok {
		msg.Deadline = timestamppb.New(dl)
	}
	res, err := g.actors.Request(ctx, kind, id, msg)
	switch {
	case errors.Is(err, cluster.ErrTimeout), errors.Is(err, cluster.ErrStopped):
		return nil, fault.Wrap(fault.Unavailable, err, "the %s actor did not answer in time; retry", kind)
	case errors.Is(err, cluster.ErrUnknownKind):
		return nil, fault.Wrap(fault.NotFound, err, "no entity kind %q", kind)
	case err != nil:
		return nil, fault.Wrap(fault.Internal, err, "request %s %s", kind, id)
	}
	reply, ok := res.(*aidapb.Reply)
	if !ok {
		return nil, fault.New(fault.Internal, "the %s actor answered %T", kind, res)
	}
	if reply.GetError() != nil {
		return nil, fault.FromProto(reply.GetError())
	}
	return reply, nil
}

// Get returns the view of the entity (kind, id).
func (g *Gateway) Get(ctx context.Context, kind, id string) (*aidapb.Reply, error) {
	return g.Send(ctx, kind, id, &aidapb.Command{Body: &aidapb.Command_Get{Get: &aidapb.Get{}}})
}

// FindUnique returns the ID of the entity of kind whose unique key (Index.UniqueKey) is key; a
// key no entity holds is fault.NotFound.
func (g *Gateway) FindUnique(ctx context.Context, kind, key string) (string, error) {
	id, err := g.store.FindUnique(ctx, kind, key)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return "", fault.Wrap(fault.NotFound, err, "no %s with key %s", kind, key)
	case err != nil:
		return "", storeFault(kind, key, err)
	}
	return id, nil
}

// List reads a page of snapshots from the store.
func (g *Gateway) List(ctx context.Context, q persistence.Query) (persistence.Page, error) {
	p, err := g.store.List(ctx, q)
	if errors.Is(err, persistence.ErrBadCursor) {
		return p, &fault.Error{Code: fault.Invalid, Message: "the cursor is not one this server gave out",
			Fields: []fault.Field{{Name: "cursor", Message: "use next_cursor from a previous page, or omit it"}}, Err: err}
	}
	if err != nil {
		return p, storeFault(q.Kind, "list", err)
	}
	return p, nil
}

// Aggregate reads the store's tallies of kind: counts and amounts per status and autonomy level.
func (g *Gateway) Aggregate(ctx context.Context, kind string) ([]persistence.Tally, error) {
	ts, err := g.store.Aggregate(ctx, kind)
	if err != nil {
		return nil, storeFault(kind, "aggregate", err)
	}
	return ts, nil
}

// Timeline reads the journal of (kind, id); an entity with no journal is not found.
func (g *Gateway) Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
	es, err := g.store.Journal(ctx, kind, id, after, limit)
	if err != nil {
		return nil, storeFault(kind, id, err)
	}
	if len(es) == 0 && after == 0 {
		return nil, fault.New(fault.NotFound, "no %s with id %s", kind, id)
	}
	return es, nil
}

// Ready reports whether the store answers.
func (g *Gateway) Ready(ctx context.Context) error {
	if err := g.store.Ping(ctx); err != nil {
		return fault.Wrap(fault.Unavailable, err, "the store does not answer")
	}
	return nil
}

// Fire delivers a due reminder to its entity's actor (activating it if it is passivated). stale
// is true when the entity no longer has that reminder (it was replaced, cancelled or already
// fired): nothing was applied, and the reminder may be deleted.
func (g *Gateway) Fire(ctx context.Context, r persistence.Reminder) (stale bool, err error) {
	fr := &aidapb.FireReminder{Name: r.Name, Token: r.Token, DueAt: timestamppb.New(r.DueAt)}
	if len(r.Payload) > 0 {
		fr.Payload = &structpb.Struct{}
		if err := protojson.Unmarshal(r.Payload, fr.Payload); err != nil {
			return false, fault.Wrap(fault.Internal, err, "decode reminder %s of %s %s", r.Name, r.Kind, r.ID)
		}
	}
	reply, err := g.Send(ctx, r.Kind, r.ID, &aidapb.Command{Actor: "reminder:" + r.Name,
		Body: &aidapb.Command_FireReminder{FireReminder: fr}})
	if err != nil {
		return false, err
	}
	return reply.GetStale(), nil
}
