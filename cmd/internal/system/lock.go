package system

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockFile is the file in the data directory whose flock says which process uses the folder.
const lockFile = "aida.lock"

// dataLock is an exclusive flock on the data directory's lock file, held while the system
// runs. The kernel drops it when the process ends, however it ends, so a crash never leaves
// a stale lock; the file stays, with the pid of the last holder.
type dataLock struct {
	f *os.File
}

// usesDataDir says whether the system keeps anything in the data directory: the SQLite
// database, or the embedded NATS server's store.
func (c Config) usesDataDir() bool { return c.DatabaseURL == "" || c.NATSURL == "" }

// startLock takes the data directory for this system, or says which process holds it.
func (s *System) startLock(context.Context) (err error) {
	if !s.cfg.usesDataDir() {
		return nil
	}
	s.lock, err = lockDataDir(s.cfg.DataDir)
	return err
}

func (s *System) stopLock(context.Context) error {
	if s.lock == nil {
		return nil
	}
	return s.lock.release()
}

// lockDataDir creates dir if needed and locks it, without waiting.
func lockDataDir(dir string) (*dataLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory (check AIDA_DATA_DIR): %w", err)
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer func() { _ = f.Close() }() // only read, for the holder's pid
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another aida is using data folder %s (pid %s); stop it or set AIDA_DATA_DIR", dir, holder(f))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	l := &dataLock{f: f}
	if err := l.writePID(); err != nil {
		return nil, errors.Join(fmt.Errorf("write %s: %w", path, err), l.release())
	}
	return l, nil
}

// writePID leaves this process's pid in the lock file, for the message another one prints.
func (l *dataLock) writePID() error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// holder reads the pid the lock's holder wrote, or "unknown".
func holder(f *os.File) string {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	if pid := strings.TrimSpace(string(b[:n])); pid != "" {
		return pid
	}
	return "unknown"
}

// release unlocks and closes the lock file.
func (l *dataLock) release() error {
	return errors.Join(syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN), l.f.Close())
}
