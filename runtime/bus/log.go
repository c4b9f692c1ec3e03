package bus

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// slogAdapter writes nats-server logs to slog: notices, debug and trace lines at debug level
// (the server is chatty), warnings at warn, errors and fatal errors at error. A fatal error
// (the client port is taken, JetStream cannot start) is also told to fatal, if set.
type slogAdapter struct {
	l     *slog.Logger
	fatal func(msg string)
}

var _ server.Logger = slogAdapter{}

func (a slogAdapter) log(level slog.Level, format string, v ...any) {
	if a.l.Enabled(context.Background(), level) {
		a.l.Log(context.Background(), level, fmt.Sprintf(format, v...))
	}
}

func (a slogAdapter) Noticef(format string, v ...any) { a.log(slog.LevelDebug, format, v...) }

// Warnf logs at warn, but for the server's note on plain passwords: the embedded server's
// users are generated, kept in a 0600 file AIDA's own clients read, and handed to the server in
// memory (docs/nats.md); a bcrypt hash in the options would change nothing there.
func (a slogAdapter) Warnf(format string, v ...any) {
	level := slog.LevelWarn
	if strings.HasPrefix(format, "Plaintext passwords detected") {
		level = slog.LevelDebug
	}
	a.log(level, format, v...)
}
func (a slogAdapter) Fatalf(format string, v ...any) {
	a.log(slog.LevelError, format, v...)
	if a.fatal != nil {
		a.fatal(fmt.Sprintf(format, v...))
	}
}

func (a slogAdapter) Errorf(format string, v ...any) { a.log(slog.LevelError, format, v...) }
func (a slogAdapter) Debugf(format string, v ...any) { a.log(slog.LevelDebug, format, v...) }
func (a slogAdapter) Tracef(format string, v ...any) { a.log(slog.LevelDebug, format, v...) }

// portOf returns the port of a host:port address.
func portOf(addr string) (int, bool) {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(p)
	return n, err == nil
}
