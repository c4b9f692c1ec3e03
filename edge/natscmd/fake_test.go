package natscmd

import (
	"context"
	"encoding/json"
	"github.com/aidacrm/aida/policies/access"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/edge"
	"github.com/aidacrm/aida/persistence"
)

// fakeEntities is an Entities whose methods call its function fields; a nil field fails with
// an internal error.
type fakeEntities struct {
	capture  func(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error)
	create   func(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error)
	send     func(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error)
	convert  func(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error)
	onboard  func(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error)
	timeline func(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error)
}

var (
	_ Entities = (*fakeEntities)(nil)
	_ Entities = edge.Entities(nil) // the REST edge's entities serve NATS too
)

var errNotFaked = fault.New(fault.Internal, "not faked")

func (f *fakeEntities) List(context.Context, persistence.Query) (persistence.Page, error) {
	return persistence.Page{}, errNotFaked
}

func (f *fakeEntities) Aggregate(context.Context, string) ([]persistence.Tally, error) {
	return nil, errNotFaked
}

func (f *fakeEntities) Ready(context.Context) error { return nil }

func (f *fakeEntities) Capture(ctx context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
	if f.capture == nil {
		return nil, false, errNotFaked
	}
	return f.capture(ctx, cmd)
}

func (f *fakeEntities) Create(ctx context.Context, kind string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	if f.create == nil {
		return nil, errNotFaked
	}
	return f.create(ctx, kind, cmd)
}

func (f *fakeEntities) Send(ctx context.Context, kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	if f.send == nil {
		return nil, errNotFaked
	}
	return f.send(ctx, kind, id, cmd)
}

func (f *fakeEntities) Convert(ctx context.Context, leadID string, cmd *aidapb.Command) (*aidapb.Deal, error) {
	if f.convert == nil {
		return nil, errNotFaked
	}
	return f.convert(ctx, leadID, cmd)
}

func (f *fakeEntities) StartOnboarding(ctx context.Context, accountID string, cmd *aidapb.Command) (*aidapb.Reply, error) {
	if f.onboard == nil {
		return nil, errNotFaked
	}
	return f.onboard(ctx, accountID, cmd)
}

func (f *fakeEntities) Timeline(ctx context.Context, kind, id string, after int64, limit int) ([]persistence.Entry, error) {
	if f.timeline == nil {
		return nil, errNotFaked
	}
	return f.timeline(ctx, kind, id, after, limit)
}

// startNATS runs an embedded NATS server on a random port and returns a connection to it.
func startNATS(t *testing.T) *nats.Conn {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatalf("nats server: %v", err)
	}
	go ns.Start()
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready in 10s")
	}
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// startServer starts a Server over nc and stops it when the test ends.
func startServer(t *testing.T, nc *nats.Conn, f *fakeEntities, opts ...Option) *Server {
	t.Helper()
	s := New(nc, f, append([]Option{WithNewID(func() string { return "rid-made" }), WithAuthenticator(testAuth)}, opts...)...)
	if err := s.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return s
}

// ask sends payload to subject with the headers and returns the decoded reply and its message.
func ask(t *testing.T, nc *nats.Conn, subject, payload string, hdr nats.Header) (Reply, *nats.Msg) {
	t.Helper()
	if hdr == nil {
		hdr = nats.Header{}
	}
	if _, ok := hdr[HeaderAuthorization]; !ok {
		hdr.Set(HeaderAuthorization, "Bearer "+adminToken)
	} else if hdr.Get(HeaderAuthorization) == "" {
		hdr.Del(HeaderAuthorization)
	}
	msg, err := nc.RequestMsg(&nats.Msg{Subject: subject, Data: []byte(payload), Header: hdr}, 10*time.Second)
	if err != nil {
		t.Fatalf("request %s: %v", subject, err)
	}
	var r Reply
	if err := json.Unmarshal(msg.Data, &r); err != nil {
		t.Fatalf("reply %q: %v", msg.Data, err)
	}
	if got := msg.Header.Get(HeaderStatus); got != itoa(r.Status) {
		t.Errorf("header Status = %q, payload status = %d", got, r.Status)
	}
	if (r.Problem == nil) == (r.Status >= 400) {
		t.Errorf("status %d with problem %v", r.Status, r.Problem)
	}
	if r.Problem != nil && r.Problem.Status != r.Status {
		t.Errorf("problem status %d, reply status %d", r.Problem.Status, r.Status)
	}
	return r, msg
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// The tokens testAuth knows, one per role; ask sends adminToken unless told otherwise.
const (
	adminToken  = "admin-token"
	viewerToken = "viewer-token"
	repToken    = "rep-token"
)

// staticAuth is an authenticator of fixed tokens.
type staticAuth map[string]access.Principal

func (a staticAuth) Authenticate(_ context.Context, credential string) (access.Principal, error) {
	if p, ok := a[credential]; ok {
		return p, nil
	}
	return access.Principal{}, access.ErrInvalidKey
}

var testAuth = staticAuth{
	adminToken:  {Kind: access.KindKey, Name: "billing", Role: access.Admin},
	viewerToken: {Kind: access.KindKey, Name: "watcher", Role: access.Viewer},
	repToken:    {Kind: access.KindKey, Name: "ann", Role: access.Rep},
}

// authorized is a request to subject with the admin token.
func authorized(subject, payload string) *nats.Msg {
	return &nats.Msg{Subject: subject, Data: []byte(payload), Header: nats.Header{HeaderAuthorization: []string{"Bearer " + adminToken}}}
}
