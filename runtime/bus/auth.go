package bus

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/aidacrm/aida/api/event"
)

// Role is a user of the embedded NATS server. Each has its own generated password and its own
// permissions (Permissions); a client that names no user, or a wrong password, is refused.
type Role string

// The users of the embedded server.
const (
	// RoleAida is the AIDA process's bus: the relay, consumers, state views, the JetStream API.
	RoleAida Role = "aida"
	// RoleCommands is the AIDA process's command door (edge/natscmd): it may only answer requests.
	RoleCommands Role = "commands"
	// RoleIntegration is another service: it publishes inbound signals, sends commands (each
	// authorized by its own API key) and reads events and state views.
	RoleIntegration Role = "integration"
)

// Roles lists every role, in the order Users stores them.
var Roles = []Role{RoleAida, RoleCommands, RoleIntegration}

// CommandPrefix starts the subjects of commands, aida.cmd.<kind>.<id> (edge/natscmd.SubjectPrefix).
const CommandPrefix = "aida.cmd"

// AidaInbox is the reply-subject prefix of AIDA's own requests (JetStream API calls, pull
// consumers), set on every bus connection. It is not under _INBOX., so no integration can read
// AIDA's replies and no answer to a forged reply subject reaches them.
const AidaInbox = "_INBOX_AIDA"

// Credential is one user's name and password.
type Credential struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// URL returns clientURL (nats://host:port) with the credential in it, for clients that take
// one URL. It holds the password: never log it.
func (c Credential) URL(clientURL string) (string, error) {
	u, err := url.Parse(clientURL)
	if err != nil {
		return "", fmt.Errorf("nats url: %w", err)
	}
	u.User = url.UserPassword(c.User, c.Password)
	return u.String(), nil
}

// Users are the credentials of the embedded server, one per role (LoadUsers).
type Users map[Role]Credential

// LoadUsers reads the credentials stored in the file at path. When there is none yet, it
// generates a password of 32 random bytes for every role and stores them first (mode 0600, the
// folder 0700), so that the server and `aida nats creds` agree on every start. Two processes
// creating the file at once end up with the same credentials: the first one written wins.
func LoadUsers(path string) (Users, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createUsers(path); err != nil {
			return nil, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("nats credentials: %w", err)
	}
	var users Users
	if err := json.Unmarshal(data, &users); err != nil {
		return nil, fmt.Errorf("nats credentials %s: %w", path, err)
	}
	for _, r := range Roles {
		if c := users[r]; c.User != string(r) || len(c.Password) < 32 {
			return nil, fmt.Errorf("nats credentials %s: %w: no valid %s user (delete the file to generate new ones)", path, ErrBadCredentials, r)
		}
	}
	return users, nil
}

// createUsers writes fresh credentials to a temporary file and links it to path, which fails
// when another process created path meanwhile; then its credentials are the ones kept.
func createUsers(path string) error {
	users := make(Users, len(Roles))
	for _, r := range Roles {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return fmt.Errorf("nats credentials: %w", err)
		}
		users[r] = Credential{User: string(r), Password: base64.RawURLEncoding.EncodeToString(secret)}
	}
	data, err := json.MarshalIndent(users, "", "  ")
	if err != nil {
		return fmt.Errorf("nats credentials: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("nats credentials: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".auth-*.json") // mode 0600
	if err != nil {
		return fmt.Errorf("nats credentials: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.Write(append(data, '\n'))
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("nats credentials: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("nats credentials: %w", err)
	}
	return nil
}

// Permissions returns what role may do on the embedded server; anything not allowed is refused
// with a permissions violation. docs/nats.md explains each line.
//
//   - aida publishes events (crm.>), state views and anything under aida., calls the JetStream
//     API and acks; it subscribes to crm.>, aida.> (aida.state.> for the live stream) and its
//     own inbox (AidaInbox).
//   - commands subscribes to aida.cmd.> (the queue group "aida") and publishes only to _INBOX.>,
//     the replies: a command whose reply subject names a stream, an event or AIDA's inbox gets a
//     permissions violation instead of an answer.
//   - integration publishes inbound signals (crm.inbound.>) and commands (aida.cmd.>), and
//     subscribes to events (crm.>), state views (aida.state.>) and replies (_INBOX.>). It cannot
//     subscribe to aida.cmd.> (so it cannot join the "aida" queue group and answer requests),
//     cannot publish other crm. subjects, state views or replies, and cannot reach the JetStream
//     API (no stream or consumer can be deleted, and no consumer created: it reads core NATS).
func Permissions(role Role) *server.Permissions {
	perm := func(pub, sub []string) *server.Permissions {
		return &server.Permissions{Publish: &server.SubjectPermission{Allow: pub},
			Subscribe: &server.SubjectPermission{Allow: sub}}
	}
	switch role {
	case RoleAida:
		return perm([]string{event.Prefix + ">", "aida.>", "$JS.API.>", "$JS.ACK.>", "$JS.FC.>"},
			[]string{event.Prefix + ">", "aida.>", AidaInbox + ".>"})
	case RoleCommands:
		return perm([]string{"_INBOX.>"}, []string{CommandPrefix + ".>"})
	case RoleIntegration:
		return perm([]string{event.InboundPrefix + ">", CommandPrefix + ".>"},
			[]string{event.Prefix + ">", StateSubjectPrefix + ".>", "_INBOX.>"})
	}
	return perm([]string{}, []string{}) // unknown: nothing (an empty, non-nil allow list allows nothing)
}

// serverUsers are the server's users for users, each with its Permissions.
func serverUsers(users Users) []*server.User {
	out := make([]*server.User, 0, len(users))
	for _, r := range Roles {
		c := users[r]
		out = append(out, &server.User{Username: c.User, Password: c.Password, Permissions: Permissions(r)})
	}
	return out
}
