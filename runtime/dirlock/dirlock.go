// Package dirlock keeps two processes from using one data folder: the first to lock it holds
// the lock until it releases it or exits (the kernel drops the lock of a dead process, so a
// crash never leaves the folder locked).
package dirlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FileName is the lock file's name inside the folder; it holds the owner's process ID.
const FileName = "aida.lock"

// ErrLocked: another process holds the folder's lock.
var ErrLocked = errors.New("data folder locked")

// LockedError says which folder is locked and by which process (0 when unknown).
type LockedError struct {
	Dir string
	PID int
}

func (e *LockedError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "another process (pid " + strconv.Itoa(e.PID) + ")"
	}
	return fmt.Sprintf("%s is using the data folder %s: stop it, or set AIDA_DATA_DIR to another folder", who, e.Dir)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Lock is a held lock on a folder.
type Lock struct {
	f *os.File
}

// Acquire creates dir if needed and locks it, without waiting: when another process holds the
// lock it returns a *LockedError (errors.Is ErrLocked).
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lock(f); err != nil {
		pid := owner(f)
		_ = f.Close()
		if errors.Is(err, errWouldBlock) {
			abs, aerr := filepath.Abs(dir)
			if aerr != nil {
				abs = dir
			}
			return nil, &LockedError{Dir: abs, PID: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// owner reads the process ID the lock file holds, 0 when it holds none.
func owner(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// Release unlocks the folder. The lock file stays; it is unlocked, so the next Acquire takes it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
