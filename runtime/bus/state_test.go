package bus

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestPublishState delivers a state view to a core subscriber and drops malformed ones.
func TestPublishState(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	sub, err := b.Conn().SubscribeSync(StateSubjectPrefix + ".>")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	b.PublishState("lead", "l1", 3, []byte(`{"id":"l1","status":"new"}`), nil)
	b.PublishState("lead", "bad.id", 1, []byte(`{}`), nil)
	b.PublishState("lead", "l2", 1, []byte(`not json`), nil)

	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatalf("no state view: %v", err)
	}
	if m.Subject != "aida.state.lead.l1" {
		t.Errorf("subject %s", m.Subject)
	}
	var v StateView
	if err := json.Unmarshal(m.Data, &v); err != nil {
		t.Fatal(err)
	}
	if v.Kind != "lead" || v.ID != "l1" || v.Version != 3 || !jsonSame(v.State, []byte(`{"id":"l1","status":"new"}`)) {
		t.Errorf("view %+v", v)
	}
	if _, err := sub.NextMsg(100 * time.Millisecond); err != nats.ErrTimeout {
		t.Errorf("a malformed view was published: %v", err)
	}
	if got := testutil.ToFloat64(b.metrics.stateDropped); got != 2 {
		t.Errorf("dropped %v, want 2", got)
	}
	if got := testutil.ToFloat64(b.metrics.statePublished); got != 1 {
		t.Errorf("published %v, want 1", got)
	}
}

// TestStateNotInStream: state views are not stored in the events stream.
func TestStateNotInStream(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	b.PublishState("deal", "d1", 1, []byte(`{}`), nil)
	if err := b.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	st, err := b.JetStream().Stream(testCtx(t, 5*time.Second), DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(testCtx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 0 {
		t.Fatalf("stream stored %d state views", info.State.Msgs)
	}
}
