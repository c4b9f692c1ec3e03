package bus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// client connects to e as cred with a channel of the asynchronous errors (permission violations).
func client(t *testing.T, e *Embedded, cred Credential) (*nats.Conn, <-chan error) {
	t.Helper()
	errs := make(chan error, 16)
	nc, err := nats.Connect(e.ClientURL(), nats.UserInfo(cred.User, cred.Password),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
	if err != nil {
		t.Fatalf("connect as %s: %v", cred.User, err)
	}
	t.Cleanup(nc.Close)
	return nc, errs
}

// refused does what act does on nc, then publishes on a subject no role may publish to, and
// reports whether the server refused act: the server answers in order, so the first permission
// violation names act's subject when it refused act, the sentinel's when it allowed it.
func refused(t *testing.T, nc *nats.Conn, errs <-chan error, subject string, act func() error) bool {
	t.Helper()
	if err := act(); err != nil {
		t.Fatalf("%s: %v", subject, err)
	}
	if err := nc.Publish("sentinel.x", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !errors.Is(err, nats.ErrPermissionViolation) {
			t.Fatalf("%s: unexpected error %v", subject, err)
		}
		if strings.Contains(err.Error(), `"`+subject+`"`) {
			<-errs // the sentinel's
			return true
		}
		return false
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no permission violation, not even for the sentinel", subject)
	}
	return false
}

// TestPermissions tries every subject class as every role and checks what the server allows.
func TestPermissions(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	connect(t, e.ClientURL()) // creates the stream
	type action struct {
		pub     bool // publish to subject, else subscribe
		subject string
		queue   string
	}
	pub := func(s string) action { return action{pub: true, subject: s} }
	sub := func(s string) action { return action{subject: s} }
	tests := []struct {
		role  Role
		act   action
		allow bool
	}{
		{RoleIntegration, pub("crm.inbound.email.replied"), true},
		{RoleIntegration, pub("crm.lead.x.captured"), false}, // a forged event
		{RoleIntegration, pub("crm.lead.captured"), false},
		{RoleIntegration, pub("aida.state.lead.x"), false}, // a forged state view
		{RoleIntegration, pub("aida.cmd.lead.new"), true},
		{RoleIntegration, pub("_INBOX.someone.1"), false}, // a forged reply
		{RoleIntegration, pub("$JS.API.STREAM.DELETE.CRM_EVENTS"), false},
		{RoleIntegration, pub("$JS.API.CONSUMER.DELETE.CRM_EVENTS.inbound"), false},
		{RoleIntegration, pub("$JS.API.CONSUMER.CREATE.CRM_EVENTS"), false},
		{RoleIntegration, pub("$JS.ACK.CRM_EVENTS.inbound.1.1.1.1.0"), false},
		{RoleIntegration, sub("crm.>"), true},
		{RoleIntegration, sub("aida.state.>"), true},
		{RoleIntegration, sub("_INBOX.>"), true},
		{RoleIntegration, sub(AidaInbox + ".>"), false}, // AIDA's JetStream replies
		{RoleIntegration, sub("aida.cmd.>"), false},
		{RoleIntegration, action{subject: "aida.cmd.>", queue: "aida"}, false}, // answering requests
		{RoleIntegration, action{subject: "aida.cmd.lead.x", queue: "other"}, false},
		{RoleIntegration, sub(">"), false},
		{RoleCommands, sub("aida.cmd.>"), true},
		{RoleCommands, action{subject: "aida.cmd.>", queue: "aida"}, true},
		{RoleCommands, pub("_INBOX.abc.1"), true},
		{RoleCommands, pub("crm.lead.x.captured"), false}, // a reply subject pointing at the stream
		{RoleCommands, pub("$JS.API.STREAM.DELETE.CRM_EVENTS"), false},
		{RoleCommands, pub(AidaInbox + ".abc"), false},
		{RoleCommands, pub("aida.state.lead.x"), false},
		{RoleCommands, sub("crm.>"), false},
		{RoleAida, pub("crm.lead.x.captured"), true},
		{RoleAida, pub("aida.state.lead.x"), true},
		{RoleAida, pub("$JS.API.STREAM.INFO.CRM_EVENTS"), true},
		{RoleAida, sub("crm.>"), true},
		{RoleAida, sub("aida.>"), true},
		{RoleAida, sub(AidaInbox + ".>"), true},
		{RoleAida, sub("_INBOX.>"), false}, // others' replies
		{RoleAida, pub("_INBOX.abc.1"), false},
	}
	for _, tt := range tests {
		verb := "subscribe"
		if tt.act.pub {
			verb = "publish"
		}
		t.Run(string(tt.role)+" "+verb+" "+tt.act.subject+" "+tt.act.queue, func(t *testing.T) {
			nc, errs := client(t, e, testUsers[tt.role])
			got := refused(t, nc, errs, tt.act.subject, func() error {
				if tt.act.pub {
					return nc.Publish(tt.act.subject, []byte(`{}`))
				}
				_, err := nc.QueueSubscribe(tt.act.subject, tt.act.queue, func(*nats.Msg) {})
				return err
			})
			if got == tt.allow {
				t.Errorf("refused %v, want allowed %v", got, tt.allow)
			}
		})
	}
}

// TestConnectNeedsCredentials: no user, a wrong password and an unknown user are refused.
func TestConnectNeedsCredentials(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	for name, opt := range map[string]nats.Option{
		"anonymous":      func(*nats.Options) error { return nil },
		"wrong password": nats.UserInfo("integration", "guess"),
		"unknown user":   nats.UserInfo("admin", testUsers[RoleAida].Password),
	} {
		t.Run(name, func(t *testing.T) {
			nc, err := nats.Connect(e.ClientURL(), opt)
			if err == nil {
				nc.Close()
				t.Fatal("connected")
			}
			if !errors.Is(err, nats.ErrAuthorization) {
				t.Errorf("got %v, want an authorization violation", err)
			}
		})
	}
}

// TestIntegrationCannotForge: a forged event and a stream deletion by an integration are refused
// and change nothing, while its inbound signal reaches the stream.
func TestIntegrationCannotForge(t *testing.T) {
	e := startServer(t, t.TempDir(), 0)
	b := connect(t, e.ClientURL())
	ctx := testCtx(t, 10*time.Second)
	events, err := b.Conn().SubscribeSync("crm.lead.x.captured")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Conn().Flush(); err != nil {
		t.Fatal(err)
	}
	nc, errs := client(t, e, testUsers[RoleIntegration])
	for _, subject := range []string{"crm.lead.x.captured", "$JS.API.STREAM.DELETE." + DefaultStreamName} {
		if !refused(t, nc, errs, subject, func() error { return nc.Publish(subject, []byte(`{"forged":true}`)) }) {
			t.Errorf("publish %s allowed", subject)
		}
	}
	if err := b.Conn().Publish("crm.lead.x.captured", []byte(`{"real":true}`)); err != nil {
		t.Fatal(err)
	}
	if m, err := events.NextMsg(5 * time.Second); err != nil || string(m.Data) != `{"real":true}` {
		t.Fatalf("first event on the subject: %v, %v; want aida's own", m, err)
	}
	if _, err := b.JetStream().Stream(ctx, DefaultStreamName); err != nil {
		t.Fatalf("the stream after a refused delete: %v", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := js.Publish(ctx, "crm.inbound.email.replied", []byte(`{}`), jetstream.WithMsgID("m1"))
	if err != nil || ack.Stream != DefaultStreamName {
		t.Fatalf("inbound signal: %+v, %v", ack, err)
	}
}

// TestLoadUsers: the first load creates the file (mode 0600) with a long password for every
// role, later loads read the same, and a damaged file is an error, not new credentials.
func TestLoadUsers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nats", "auth.json")
	first, err := LoadUsers(path)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v, %v; want mode 0600", info, err)
	}
	again, err := LoadUsers(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Roles {
		if first[r].User != string(r) || len(first[r].Password) < 40 || again[r] != first[r] {
			t.Errorf("%s: first %+v, again %+v", r, first[r], again[r])
		}
	}
	if first[RoleAida].Password == first[RoleIntegration].Password {
		t.Error("two roles share a password")
	}
	if err := os.WriteFile(path, []byte(`{"aida":{"user":"aida","password":"short"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadUsers(path); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("damaged file: %v, want ErrBadCredentials", err)
	}
}
