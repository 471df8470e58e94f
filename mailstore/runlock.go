package mailstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RunLock is an exclusive lock on a lock file (flock), held by one
// process at a time: a fetch into a store holds the lock of its state
// file for the whole run, so that two runs of one account never
// interleave. The kernel releases it when the process ends, however it
// ends; the file itself stays (removing a lock file races with the next
// locker). The file holds the PID of the holder.
//
// Within one process the lock is re-entrant: locking a path this process
// already holds returns the same lock (each Lock needs its Unlock).
type RunLock struct {
	path string
	f    *os.File
	refs int
	// base is, for a lock of ClaimRun, the lock LockRun took under it.
	base *RunLock
}

// BusyError is the error of LockRun when another process holds the lock
// after the wait.
type BusyError struct {
	Path string // the lock file
	PID  int    // the holder, 0 if unknown
}

func (e *BusyError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("lock %s: held by another run (pid %d)", e.Path, e.PID)
	}
	return fmt.Sprintf("lock %s: held by another run", e.Path)
}

var (
	heldMu sync.Mutex
	held   = map[string]*RunLock{}
)

// LockRun takes the lock file path (created with mode 0600, its
// directory with 0700, when missing), waiting up to wait for another
// holder to finish; it then fails with a *BusyError naming the holder's
// PID.
func LockRun(path string, wait time.Duration) (*RunLock, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	heldMu.Lock()
	defer heldMu.Unlock()
	if l := held[abs]; l != nil {
		l.refs++
		return l, nil
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, &BusyError{Path: path, PID: lockHolder(abs)}
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The holder's PID, for the message of the next one who waits.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	l := &RunLock{path: abs, f: f, refs: 1}
	held[abs] = l
	return l, nil
}

// lockHolder returns the PID written in a lock file, or 0.
func lockHolder(path string) int {
	for range 5 {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
			return pid
		}
		// The holder has the lock but has not written its PID yet.
		time.Sleep(10 * time.Millisecond)
	}
	return 0
}

// claims are the lock files ClaimRun holds in this process.
var (
	claimMu sync.Mutex
	claims  = map[string]bool{}
)

// ClaimRun is LockRun for a whole run: within this process too, a second
// ClaimRun of the path waits (up to wait) while the first is held, and
// then fails with a *BusyError naming this process, as one of another
// process would. (LockRun of the path, and Open of a state file beside
// it, within the run still succeed: it is the run's own.) Two threads
// running one account so take turns as two processes do.
func ClaimRun(path string, wait time.Duration) (*RunLock, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	if err := claim(claims, &claimMu, abs, path, deadline); err != nil {
		return nil, err
	}
	l, err := LockRun(path, time.Until(deadline))
	if err != nil {
		unclaim(claims, &claimMu, abs)
		return nil, err
	}
	return &RunLock{path: abs, base: l}, nil
}

// claim marks key taken in set (guarded by mu), waiting until deadline
// while it is; then it fails with a *BusyError of path naming this
// process.
func claim(set map[string]bool, mu *sync.Mutex, key, path string, deadline time.Time) error {
	for {
		mu.Lock()
		if !set[key] {
			set[key] = true
			mu.Unlock()
			return nil
		}
		mu.Unlock()
		if !time.Now().Before(deadline) {
			return &BusyError{Path: path, PID: os.Getpid()}
		}
		time.Sleep(min(20*time.Millisecond, time.Until(deadline)+time.Millisecond))
	}
}

func unclaim(set map[string]bool, mu *sync.Mutex, key string) {
	mu.Lock()
	defer mu.Unlock()
	delete(set, key)
}

// Path returns the lock file's absolute name.
func (l *RunLock) Path() string { return l.path }

// Unlock releases the lock (the last Unlock of a re-entrant lock does).
func (l *RunLock) Unlock() error {
	if l.base != nil {
		base := l.base
		l.base = nil
		unclaim(claims, &claimMu, l.path)
		return base.Unlock()
	}
	heldMu.Lock()
	defer heldMu.Unlock()
	if l.f == nil {
		return errors.New("lock " + l.path + ": not held")
	}
	l.refs--
	if l.refs > 0 {
		return nil
	}
	delete(held, l.path)
	err := l.f.Close() // releases the flock
	l.f = nil
	return err
}
