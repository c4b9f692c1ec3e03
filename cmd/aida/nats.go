package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/aidacrm/aida/cmd/internal/system"
	"github.com/aidacrm/aida/runtime/bus"
)

const natsUsage = `Usage:
  aida nats creds --role integration [--out FILE] [settings]

Prints the URL, with user and password, that a service connects to the embedded NATS server
with (or writes it to FILE, mode 0600, and prints nothing). The integration user may publish
inbound signals (crm.inbound.>) and commands (aida.cmd.>, each with its own API key), and read
events (crm.>), state views (aida.state.>) and replies; see docs/nats.md. The credentials live in
the data folder (AIDA_DATA_DIR); the first start, or this command, makes them. No server needs
to run. The host and port come from AIDA_NATS_ADDR: give the port a running server printed when
it listens on port 0.
`

// natsCommand runs `aida nats creds` and returns the exit code: 0 done, 1 the credentials could
// not be read or written, 2 the command line is wrong.
func natsCommand(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var role, out string
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	cfg, rest, err := loadWith("aida nats "+sub, args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&role, "role", string(bus.RoleIntegration), "the user: integration")
		fs.StringVar(&out, "out", "", "write the URL to this file (mode 0600) instead of printing it")
	})
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, natsUsage)
		return 0
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "aida nats: "+format+"; run `aida nats --help`\n", a...)
		return 2
	}
	switch {
	case err != nil:
		return usage("%v", err)
	case sub != "creds":
		return usage("say what to do: creds")
	case len(rest) > 0:
		return usage("unexpected argument %q", rest[0])
	case role != string(bus.RoleIntegration): // aida's own users stay inside the process
		return usage("unknown role %q: the only role for other services is integration", role)
	case cfg.NATSURL != "":
		return usage("NATS_URL names an external NATS server: its operator makes its users (docs/nats.md)")
	}
	url, err := natsURL(cfg, bus.Role(role))
	if err != nil {
		fmt.Fprintf(stderr, "aida nats: %v\n", err)
		return 1
	}
	if out == "" {
		fmt.Fprintln(stdout, url)
		return 0
	}
	if err := os.WriteFile(out, []byte(url+"\n"), 0o600); err != nil {
		fmt.Fprintf(stderr, "aida nats: %v\n", err)
		return 1
	}
	return 0
}

// natsURL is the client URL of the embedded server of cfg for role, with its credentials.
func natsURL(cfg system.Config, role bus.Role) (string, error) {
	host, port, err := net.SplitHostPort(cfg.NATSAddr)
	if err != nil {
		return "", fmt.Errorf("AIDA_NATS_ADDR %q is not host:port", cfg.NATSAddr)
	}
	if port == "0" {
		return "", errors.New("AIDA_NATS_ADDR has port 0 (any free port): pass the port the server printed, e.g. --nats-addr 127.0.0.1:4222")
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening everywhere: this machine is one of them
	}
	users, err := system.NATSUsers(cfg)
	if err != nil {
		return "", err
	}
	return users[role].URL("nats://" + net.JoinHostPort(host, port))
}
