package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/aidacrm/aida/cmd/internal/system"
	"github.com/aidacrm/aida/runtime/host"
)

const usage = `aida — a runtime for autonomous CRM agents.

Usage:
  aida [serve] [settings]   start the server (the default command)
  aida migrate [settings]   apply the database schema and exit
  aida keys create --name NAME --role ROLE [--rate-limit N]
                            make an API key (viewer, rep, manager or admin) and print it once
  aida keys list            list the API keys: ID, name, role, created, revoked
  aida keys revoke ID       revoke an API key
  aida nats creds --role integration [--out FILE]
                            print the URL (with user and password) a service connects to the
                            embedded NATS server with
  aida eval [--purpose P]   run the offline brain over the golden set; print pass rates per purpose
  aida version              print the version
  aida help                 print this help

On one machine, with no settings, aida keeps its data in ./data (SQLite) and serves the API
on http://127.0.0.1:8080. Set DATABASE_URL to use PostgreSQL instead.

`

// run is the whole program; it returns the exit code. A fatal error is printed once, on
// stderr, for a person to read.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help":
		printHelp(stdout)
		return 0
	case "version":
		fmt.Fprintln(stdout, "aida", version())
		return 0
	case "keys":
		return keysCommand(ctx, args, getenv, stdout, stderr)
	case "nats":
		return natsCommand(args, getenv, stdout, stderr)
	case "eval":
		return evalCommand(args, getenv, stdout, stderr)
	case "serve", "migrate":
	default:
		fmt.Fprintf(stderr, "aida: unknown command %q; run `aida help`\n", cmd)
		return 2
	}
	cfg, err := Load("aida "+cmd, args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		printHelp(stdout)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "aida: configuration: %v\n", err)
		return 2
	}
	level, _ := cfg.Level()
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	if cmd == "migrate" {
		err = migrate(ctx, cfg, stdout)
	} else {
		err = serve(ctx, cfg, logger, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "aida: %v\n", err)
		return 1
	}
	return 0
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, usage)
	printSettings(w)
	fmt.Fprintln(w, "\nFlags override environment variables. Durations look like 500ms, 30s, 10m, or 14d for whole days.")
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func migrate(ctx context.Context, cfg system.Config, stdout io.Writer) error {
	st, where, err := system.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema of %s is up to date\n", where)
	return st.Close()
}

// serve runs the server until ctx ends.
func serve(ctx context.Context, cfg system.Config, logger *slog.Logger, stdout, stderr io.Writer) error {
	h := host.New(logger, cfg.ShutdownTimeout)
	sys := system.New(cfg, logger)
	sys.Add(h)
	h.Add(host.Component{Name: "banner", Start: func(context.Context) error {
		base := "http://" + browsable(sys.Addr())
		fmt.Fprintf(stdout, "AIDA is serving on %s (data: %s; NATS: %s)\n", base, sys.Where(), sys.NATSURL())
		if key := sys.FirstKey(); key != "" {
			fmt.Fprintf(stdout, "First start: an admin key was made. Open this link to sign in (it holds the key; keep it private):\n    %s/?token=%s\n", base, key)
		} else {
			fmt.Fprintf(stdout, "Sign in at %s/ with an API key (make one with `aida keys create --name NAME --role admin`).\n", base)
		}
		for _, w := range exposed(cfg, sys.Addr().String()) {
			fmt.Fprintln(stderr, "WARNING:", w)
		}
		return nil
	}})
	return h.Run(ctx)
}

// exposed says which doors listen beyond loopback in a way that deserves a warning: the API
// over plain HTTP (keys and session cookies cross the network in clear; put a TLS proxy in
// front), and an external NATS server AIDA connects to without credentials. The API itself
// always authenticates, and the embedded NATS server always requires its generated users.
// Empty when all are local.
func exposed(cfg system.Config, httpAddr string) []string {
	var out []string
	if !loopback(httpAddr) {
		out = append(out, fmt.Sprintf("the API listens on %s, beyond this machine, over plain HTTP: API keys and "+
			"session cookies cross the network in clear. Put a TLS proxy in front (it sets X-Forwarded-Proto: https, "+
			"which makes session cookies Secure) or listen on 127.0.0.1 (AIDA_ADDR).", httpAddr))
	}
	if host, ok := natsWithoutCredentials(cfg); ok {
		out = append(out, fmt.Sprintf("NATS_URL names %s, beyond this machine, and gives no credentials: "+
			"if that server lets anyone in, anyone who reaches it can read events, forge them and send commands. "+
			"Give AIDA a user (NATS_CREDS, or nats://user:password@host in NATS_URL; docs/nats.md).", host))
	}
	return out
}

// natsWithoutCredentials returns the first host of NATS_URL beyond loopback when AIDA connects
// to it without credentials (no NATS_CREDS, no user in the URL).
func natsWithoutCredentials(cfg system.Config) (string, bool) {
	if cfg.NATSURL == "" || cfg.NATSCreds != "" {
		return "", false
	}
	for _, raw := range strings.Split(cfg.NATSURL, ",") {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || u.User != nil {
			return "", false // Validate refuses a bad URL; a user in one URL is AIDA's user on all
		}
		if !loopback(u.Host) {
			return u.Host, true
		}
	}
	return "", false
}

// loopback reports whether addr (host:port) binds only this machine's loopback interface.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// browsable is addr as a browser on this machine reaches it: an unspecified host (":8080",
// "0.0.0.0:8080") becomes 127.0.0.1.
func browsable(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
