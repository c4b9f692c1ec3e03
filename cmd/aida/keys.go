package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aidacrm/aida/cmd/internal/system"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/policies/access"
)

const keysUsage = `Usage:
  aida keys create --name NAME --role ROLE [--rate-limit N] [settings]
  aida keys list [settings]
  aida keys revoke ID [settings]

Roles: viewer, rep, manager, admin. The store is the one the settings select (DATABASE_URL, or
SQLite in AIDA_DATA_DIR; see ` + "`aida --help`" + `); a running server may keep running. create prints
the key alone on stdout, once: AIDA keeps only its hash.
`

// keysCommand runs `aida keys create|list|revoke` against the store and returns the exit code:
// 0 done, 1 the store failed or the key is unknown, 2 the command line is wrong.
func keysCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var (
		name, role string
		rate       int
	)
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	cfg, rest, err := loadWith("aida keys "+sub, args, getenv, stderr, func(fs *flag.FlagSet) {
		if sub == "create" {
			fs.StringVar(&name, "name", "", "who or what holds the key: letters, digits, . _ - @")
			fs.StringVar(&role, "role", "", "viewer, rep, manager or admin")
			fs.IntVar(&rate, "rate-limit", 0, "requests per second this key may make (0: no limit of its own)")
		}
	})
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, keysUsage)
		return 0
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "aida keys: "+format+"; run `aida keys --help`\n", a...)
		return 2
	}
	switch {
	case err != nil:
		return usage("%v", err)
	case sub == "create" && len(rest) > 0, sub == "list" && len(rest) > 0:
		return usage("unexpected argument %q", rest[0])
	case sub == "revoke" && len(rest) != 1:
		return usage("revoke takes one key ID (see `aida keys list`)")
	case sub == "create" && (name == "" || role == ""):
		return usage("create needs --name and --role")
	case sub == "":
		return usage("say what to do: create, list or revoke")
	case sub != "create" && sub != "list" && sub != "revoke":
		return usage("unknown keys command %q", sub)
	}
	keyRole, err := access.ParseRole(role)
	if sub == "create" && err != nil {
		return usage("%v", err)
	}

	st, where, err := system.OpenStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "aida keys: %v\n", err)
		return 1
	}
	defer func() { _ = st.Close() }()
	keys, err := access.New(st, "")
	if err == nil {
		switch sub {
		case "create":
			err = createKey(ctx, keys, name, keyRole, rate, where, stdout, stderr)
		case "list":
			err = listKeys(ctx, keys, stdout)
		case "revoke":
			err = revokeKey(ctx, keys, rest[0], stdout)
		}
	}
	switch {
	case errors.Is(err, access.ErrBadRole) || errors.Is(err, access.ErrBadKeySpec):
		return usage("%v", err)
	case errors.Is(err, persistence.ErrNotFound):
		fmt.Fprintf(stderr, "aida keys: no key %q in %s; `aida keys list` shows the IDs\n", rest[0], where)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "aida keys: %v\n", err)
		return 1
	}
	return 0
}

// createKey makes a key and prints it: the key alone on stdout (so that a script can take it),
// what it is and that it will not be shown again on stderr.
func createKey(ctx context.Context, keys *access.Keys, name string, role access.Role, rate int, where string, stdout, stderr io.Writer) error {
	k, token, err := keys.Create(ctx, name, role, rate)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Created key %s for %q, role %s, rate limit %s, in %s.\n", k.ID, k.Name, k.Role, rateText(k.RateLimit), where)
	fmt.Fprintln(stdout, token)
	fmt.Fprintln(stderr, "This is the only time the key is shown: AIDA keeps only its hash. Store it now.")
	return nil
}

// listKeys prints every key as a table.
func listKeys(ctx context.Context, keys *access.Keys, stdout io.Writer) error {
	list, err := keys.List(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "No keys yet; make one with `aida keys create --name NAME --role ROLE`.")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tPREFIX\tNAME\tROLE\tRATE LIMIT\tCREATED\tLAST USED\tREVOKED")
	for _, k := range list {
		fmt.Fprintf(w, "%s\t%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix(), k.Name, k.Role, rateText(k.RateLimit),
			when(k.CreatedAt), when(k.LastUsedAt), when(k.RevokedAt))
	}
	return w.Flush()
}

// revokeKey revokes a key and says so, or says when it was revoked before.
func revokeKey(ctx context.Context, keys *access.Keys, ref string, stdout io.Writer) error {
	before := time.Now().Truncate(time.Microsecond)
	k, err := keys.Revoke(ctx, ref)
	if err != nil {
		return err
	}
	if k.RevokedAt.Before(before) {
		fmt.Fprintf(stdout, "Key %s (%q, role %s) was already revoked at %s.\n", k.ID, k.Name, k.Role, when(k.RevokedAt))
		return nil
	}
	fmt.Fprintf(stdout, "Revoked key %s (%q, role %s) at %s.\n", k.ID, k.Name, k.Role, when(k.RevokedAt))
	return nil
}

// rateText prints a rate limit for people.
func rateText(rate int) string {
	if rate == 0 {
		return "none"
	}
	return fmt.Sprintf("%d/s", rate)
}

// when prints a time in UTC to the second, or - for none.
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}
