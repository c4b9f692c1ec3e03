package cluster

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// ask is the message of the test kind: echo, or hold the actor until released.
type ask struct {
	text    string
	hold    chan struct{} // the actor waits on it before answering
	stopNow bool          // the actor stops itself instead of answering
}

// echo answers every ask with its identity and text.
type echo struct{}

func (e *echo) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
	case *ask:
		if m.hold != nil {
			<-m.hold
		}
		if m.stopNow {
			ctx.Stop(ctx.Self())
			return
		}
		_, id, _ := Identity(ctx)
		ctx.Respond(id + ":" + m.text)
	}
}

var member *Member

func TestMain(m *testing.M) {
	var err error
	member, err = Start(Config{}, Kind{Name: "echo", Props: actor.PropsFromProducer(func() actor.Actor { return &echo{} })})
	if err != nil {
		panic(err)
	}
	code := m.Run()
	member.Stop()
	os.Exit(code)
}

func TestRequest(t *testing.T) {
	tests := []struct {
		name    string
		kind    string
		msg     *ask
		timeout time.Duration
		want    string
		wantErr error
	}{
		{name: "activates and answers", kind: "echo", msg: &ask{text: "hi"}, timeout: 5 * time.Second, want: "a:hi"},
		{name: "unknown kind", kind: "nope", msg: &ask{text: "hi"}, timeout: 5 * time.Second, wantErr: ErrUnknownKind},
		{name: "deadline", kind: "echo", msg: &ask{text: "slow", hold: make(chan struct{})}, timeout: 100 * time.Millisecond, wantErr: ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			got, err := member.Request(ctx, tt.kind, "a", tt.msg)
			if tt.msg.hold != nil {
				close(tt.msg.hold)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Request() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && got != tt.want {
				t.Fatalf("Request() = %v, want %v", got, tt.want)
			}
		})
	}
}

// An actor that stopped between two requests is activated again: the second request is not lost.
func TestRequestAfterStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := member.Request(ctx, "echo", "b", &ask{text: "one"}); err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err := member.Request(short, "echo", "b", &ask{stopNow: true})
	cancelShort()
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("request to a stopping actor: %v, want ErrTimeout", err)
	}
	got, err := member.Request(ctx, "echo", "b", &ask{text: "two"})
	if err != nil || got != "b:two" {
		t.Fatalf("request after stop = %v, %v", got, err)
	}
}
