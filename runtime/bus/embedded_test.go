package bus

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func TestStartEmbeddedNeedsStoreDir(t *testing.T) {
	if _, err := StartEmbedded(EmbeddedConfig{Port: RandomPort}); !errors.Is(err, ErrNoStoreDir) {
		t.Fatalf("got %v, want ErrNoStoreDir", err)
	}
}

// TestEmbeddedRestartKeepsStream restarts the server on its store dir and port: the stream and
// its messages survive, and a connected bus reconnects by itself.
func TestEmbeddedRestartKeepsStream(t *testing.T) {
	var logs syncBuffer
	dir := t.TempDir()
	e, err := StartEmbedded(EmbeddedConfig{StoreDir: dir, Port: RandomPort, SyncAlways: true,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	if e.Config().Port <= 0 || !strings.HasSuffix(e.ClientURL(), ":"+strconv.Itoa(e.Config().Port)) {
		t.Fatalf("port %d, url %s", e.Config().Port, e.ClientURL())
	}
	b := connect(t, e.ClientURL(), WithStream(StreamConfig{MaxAge: 3 * time.Hour}))
	ctx := testCtx(t, 10*time.Second)
	if err := b.Ping(ctx); err != nil {
		t.Fatalf("ping: %v", err)
	}
	if _, err := b.JetStream().Publish(ctx, "crm.test.one", []byte(`{}`), jetstream.WithMsgID("one")); err != nil {
		t.Fatal(err)
	}
	e.Shutdown()
	e.Shutdown() // twice is fine
	if !strings.Contains(logs.String(), "JetStream") {
		t.Errorf("server logs did not reach slog")
	}
	waitFor(t, 5*time.Second, "the bus to notice", func() bool { return !b.Conn().IsConnected() })
	if !errors.Is(b.Ping(ctx), ErrDisconnected) {
		t.Errorf("ping while down did not report ErrDisconnected")
	}
	e2, err := StartEmbedded(e.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e2.Shutdown)
	waitFor(t, 5*time.Second, "the bus to reconnect", func() bool { return b.Ping(testCtx(t, 500*time.Millisecond)) == nil })
	st, err := b.JetStream().Stream(ctx, DefaultStreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 || info.Config.MaxAge != 3*time.Hour || info.Config.Duplicates != DefaultDuplicateWindow ||
		info.Config.Storage != jetstream.FileStorage || info.Config.Subjects[0] != "crm.>" {
		t.Fatalf("after restart: %d msgs, config %+v", info.State.Msgs, info.Config)
	}
	ack, err := b.JetStream().Publish(ctx, "crm.test.one", []byte(`{}`), jetstream.WithMsgID("one"))
	if err != nil || !ack.Duplicate {
		t.Fatalf("re-sent message id not deduplicated after restart: %+v, %v", ack, err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's logging goroutines and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestStreamConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   StreamConfig
		want StreamConfig
	}{
		{"zero", StreamConfig{}, StreamConfig{Name: "CRM_EVENTS", Subjects: []string{"crm.>"}, MaxAge: 30 * 24 * time.Hour,
			MaxBytes: -1, MaxMsgSize: 1 << 20, DuplicateWindow: 2 * time.Hour, Replicas: 1}},
		{"window capped by max age", StreamConfig{Name: "X", MaxAge: time.Hour, MaxBytes: 1 << 30, MaxMsgSize: 4096},
			StreamConfig{Name: "X", Subjects: []string{"crm.>"}, MaxAge: time.Hour, MaxBytes: 1 << 30, MaxMsgSize: 4096,
				DuplicateWindow: time.Hour, Replicas: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.withDefaults()
			if got.Name != tt.want.Name || strings.Join(got.Subjects, ",") != strings.Join(tt.want.Subjects, ",") ||
				got.MaxAge != tt.want.MaxAge || got.MaxBytes != tt.want.MaxBytes || got.MaxMsgSize != tt.want.MaxMsgSize ||
				got.DuplicateWindow != tt.want.DuplicateWindow || got.Replicas != tt.want.Replicas {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestStartEmbeddedPortTaken: a taken client port is reported at once, not after the start
// timeout, with the address in the error.
func TestStartEmbeddedPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	start := time.Now()
	e, err := StartEmbedded(EmbeddedConfig{StoreDir: t.TempDir(), Port: port, StartTimeout: 30 * time.Second})
	if err == nil {
		e.Shutdown()
		t.Fatal("started on a taken port")
	}
	if !errors.Is(err, ErrStart) || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Errorf("error %q, want ErrStart naming port %d", err, port)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("reported after %s, want at once", d)
	}
}
