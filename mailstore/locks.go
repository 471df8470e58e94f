package mailstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The locks of an mbox, as the programs that share one take them
// (mutt, mail(1), procmail, Dovecot's LDA): first the dot-lock PATH.lock,
// a file that holds the holder's PID (written whole under a temporary
// name, then linked into place: see createDotlock), then an fcntl write
// lock on the whole file.
//
// A dot-lock outlives a process killed while holding it, so every
// program breaks one it judges stale: ours are stale when their PID is
// that of no process, or when they have not been touched for
// StaleLockAge. A holder therefore touches its dot-lock while it holds it
// (every StaleLockAge/10), so that no one takes a live run's lock for a
// stale one however long the run, and it removes only its own lock file
// when it lets go: one that replaced it (another program broke it) is the
// other program's.

// dotlock is a dot-lock this process holds.
type dotlock struct {
	path string
	info os.FileInfo // the lock file as created: what release removes
	stop chan struct{}
	done chan struct{}
	// every is how often keepFresh touches the lock: touchEvery when it
	// was taken (read here, not by keepFresh's goroutine, which a test
	// changing touchEvery would race with)
	every time.Duration
}

// touchEvery is how often a held dot-lock is touched (a variable for
// the tests).
var touchEvery = StaleLockAge / 10

// heldDotlocks are the dot-locks this process holds (by path, the lock
// file as created), so that a lock file holding this process's PID that
// it does not hold is known for stale: left by an earlier process that
// had the same PID. dotMu also covers the creation of a lock file and
// its entry here, so that no run takes another run's lock, just created,
// for such a one.
var (
	dotMu        sync.Mutex
	heldDotlocks = map[string]*dotlock{}
)

// takeDotlock creates the dot-lock file lock, waiting until deadline
// while another process holds it.
func takeDotlock(lock string, deadline time.Time) (*dotlock, error) {
	removeDeadLockTemps(lock)
	for {
		d, err := createDotlock(lock)
		if err == nil {
			go d.keepFresh()
			return d, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("dot-lock %s: %w", lock, err)
		}
		if j, stale := judgeDotlock(lock); stale {
			breakDotlock(lock, j)
			continue
		}
		if !time.Now().Before(deadline) {
			holder := ""
			if pid := dotlockPID(lock); pid > 0 {
				holder = fmt.Sprintf(" (pid %d)", pid)
			}
			return nil, fmt.Errorf("dot-lock %s: held by another process%s; gave up waiting", lock, holder)
		}
		time.Sleep(min(100*time.Millisecond, time.Until(deadline)+time.Millisecond))
	}
}

// tempSeq makes the names of this process's temporary lock files unique.
var tempSeq atomic.Int64

// lockTempPrefix is the beginning of the names of the temporary files
// of this host from which the lock file lock is linked: then PID.SEQ.
func lockTempPrefix(lock string) string {
	return lock + ".tmp." + hostPart() + "."
}

// createDotlock creates the lock file holding this process's PID, and
// notes it held. The PID is written to a temporary file of its own name
// in the same directory (LOCK.tmp.HOST.PID.SEQ), which is then linked to
// the lock's name: link(2) fails when the name exists (the way to lock
// that is safe over NFS too, where O_EXCL was not), and no other locker
// ever sees the lock file empty or half written. A link that reports an
// error while the temporary file has two names was made (over NFS, a
// reply lost and the request retried). The temporary file is removed
// either way.
func createDotlock(lock string) (*dotlock, error) {
	dotMu.Lock()
	defer dotMu.Unlock()
	tmp := fmt.Sprintf("%s%d.%d", lockTempPrefix(lock), os.Getpid(), tempSeq.Add(1))
	os.Remove(tmp) // left by an earlier process of this PID: dead
	err := writeLockTemp(tmp)
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("temporary lock file: %v", err) // not ErrExist: no retry
	}
	lerr := linkFile(tmp, lock)
	if lerr != nil {
		if st, err := os.Stat(tmp); err == nil && linkCount(st) == 2 {
			lerr = nil
		}
	}
	os.Remove(tmp)
	var le *os.LinkError
	switch {
	case lerr == nil:
	case errors.As(lerr, &le) && errors.Is(le.Err, os.ErrExist):
		return nil, os.ErrExist
	case errors.As(lerr, &le) && (errors.Is(le.Err, syscall.EPERM) || errors.Is(le.Err, syscall.ENOTSUP) || errors.Is(le.Err, syscall.ENOSYS)):
		// A file system without hard links (FAT, some FUSE ones):
		// O_EXCL, as before links were used, on the local disk atomic.
		if err := createExcl(lock); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%v", lerr) // not ErrExist: no retry
	}
	st, err := os.Stat(lock)
	if err != nil {
		return nil, fmt.Errorf("%v", err)
	}
	d := &dotlock{path: lock, info: st, stop: make(chan struct{}), done: make(chan struct{}), every: touchEvery}
	heldDotlocks[lock] = d
	return d, nil
}

// linkFile is os.Link (a variable for the tests).
var linkFile = os.Link

// createExcl creates the lock file with O_EXCL and writes this process's
// PID to it: for file systems without hard links. Its error is
// os.ErrExist when the lock is held.
func createExcl(lock string) error {
	err := writeLockTemp(lock)
	if errors.Is(err, os.ErrExist) {
		return os.ErrExist
	}
	if err != nil {
		os.Remove(lock)
		return fmt.Errorf("%v", err) // not ErrExist: no retry
	}
	return nil
}

// writeLockTemp writes this process's PID to the new file tmp.
func writeLockTemp(tmp string) error {
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%d\n", os.Getpid())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkCount returns the number of names of the file st describes (0 if
// unknown).
func linkCount(st os.FileInfo) uint64 {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Nlink)
	}
	return 0
}

// lockAsidePrefix is the beginning of the names a stale lock file is
// renamed to while it is broken (see breakDotlock): then PID.SEQ.
func lockAsidePrefix(lock string) string {
	return lock + ".stale." + hostPart() + "."
}

// hostPart is this host's name as it goes into file names.
func hostPart() string {
	h, err := hostname()
	if err != nil || h == "" {
		h = "localhost"
	}
	return escapeHost(h)
}

// removeDeadLockTemps removes the files that processes of this host
// killed while taking the lock file lock (or breaking a stale one) left
// behind: their temporary files (and stale locks renamed aside) whose
// PID is that of no process.
func removeDeadLockTemps(lock string) {
	for _, prefix := range []string{lockTempPrefix(lock), lockAsidePrefix(lock)} {
		names, _ := filepath.Glob(globEscape(prefix) + "*")
		for _, name := range names {
			pidText, _, ok := strings.Cut(strings.TrimPrefix(name, prefix), ".")
			pid, err := strconv.Atoi(pidText)
			if ok && err == nil && pid > 0 && pid != os.Getpid() && syscall.Kill(pid, 0) == syscall.ESRCH {
				os.Remove(name)
			}
		}
	}
}

// keepFresh touches the lock file every d.every until release.
func (d *dotlock) keepFresh() {
	defer close(d.done)
	t := time.NewTicker(d.every)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			if d.ours() {
				now := time.Now()
				os.Chtimes(d.path, now, now)
			}
		}
	}
}

// ours reports whether the lock file is still the one d created: the
// same file (a new one may get the inode number of a removed one), with
// this process's PID, and no other run of this process has taken the
// lock since.
func (d *dotlock) ours() bool {
	st, err := os.Stat(d.path)
	if err != nil || !os.SameFile(st, d.info) || dotlockPID(d.path) != os.Getpid() {
		return false
	}
	dotMu.Lock()
	defer dotMu.Unlock()
	return heldDotlocks[d.path] == d
}

// release stops touching the lock and removes the lock file if it is
// still this process's.
func (d *dotlock) release() {
	if d == nil || d.stop == nil {
		return
	}
	close(d.stop)
	<-d.done
	d.stop = nil
	if d.ours() {
		os.Remove(d.path)
	}
	dotMu.Lock()
	defer dotMu.Unlock()
	if heldDotlocks[d.path] == d {
		delete(heldDotlocks, d.path)
	}
}

// breakSeq makes the names of the stale locks this process breaks
// unique (several runs of one process may break one at once).
var breakSeq atomic.Int64

// lockJudged is a lock file as it was judged: the file and its PID.
type lockJudged struct {
	info os.FileInfo
	pid  int
}

// is reports whether the lock file at path (its information st) is the
// one judged: a lock file removed and created again may get the same
// inode number.
func (j lockJudged) is(path string, st os.FileInfo) bool {
	return os.SameFile(st, j.info) && st.ModTime().Equal(j.info.ModTime()) && dotlockPID(path) == j.pid
}

// breakDotlock removes the stale lock file judged (j) without removing
// a live lock that replaced it meanwhile: the lock is renamed aside (an
// atomic step), and if what was renamed is not the file judged stale
// (another process broke that one and took the lock in between), it is
// linked back in place, unless yet another process has taken the lock
// since.
func breakDotlock(lock string, j lockJudged) {
	aside := fmt.Sprintf("%s%d.%d", lockAsidePrefix(lock), os.Getpid(), breakSeq.Add(1))
	if err := os.Rename(lock, aside); err != nil {
		return
	}
	got, err := os.Stat(aside)
	judged := err == nil && j.is(aside, got)
	if judged && j.pid == os.Getpid() {
		// Taken by another run of this process since?
		dotMu.Lock()
		if d := heldDotlocks[lock]; d != nil && os.SameFile(d.info, got) {
			judged = false
		}
		dotMu.Unlock()
	}
	if !judged {
		os.Link(aside, lock)
	}
	os.Remove(aside)
}

// staleDotlock reports whether the dot-lock lock is stale: older than
// StaleLockAge, or holding the PID of a process that no longer exists
// (as liblockfile decides; a lock written on another host over NFS
// would need the age test alone, and gets it), or this process's PID
// when this process does not hold it.
func staleDotlock(lock string) bool {
	_, stale := judgeDotlock(lock)
	return stale
}

// judgeDotlock is staleDotlock, with what it judged.
func judgeDotlock(lock string) (lockJudged, bool) {
	st, err := os.Stat(lock)
	if err != nil {
		return lockJudged{}, false
	}
	j := lockJudged{info: st, pid: dotlockPID(lock)}
	switch {
	case time.Since(st.ModTime()) > StaleLockAge:
		return j, true
	case j.pid <= 0:
		return j, false
	case j.pid == os.Getpid():
		dotMu.Lock()
		defer dotMu.Unlock()
		d := heldDotlocks[lock]
		return j, d == nil || !os.SameFile(d.info, st)
	}
	return j, syscall.Kill(j.pid, 0) == syscall.ESRCH
}

// dotlockPID returns the PID a dot-lock holds, or 0.
func dotlockPID(lock string) int {
	data, err := os.ReadFile(lock)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// fcntlLock takes an fcntl write lock on the whole of f, waiting until
// deadline while another process holds one.
func fcntlLock(f *os.File, deadline time.Time) error {
	pause := 5 * time.Millisecond
	for {
		lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
		err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
		switch {
		case err == nil:
			return nil
		case err == syscall.EINTR:
			continue
		case err != syscall.EAGAIN && err != syscall.EACCES:
			return fmt.Errorf("fcntl lock: %w", err)
		}
		if !time.Now().Before(deadline) {
			holder := ""
			lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart}
			if syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk) == nil && lk.Type != syscall.F_UNLCK && lk.Pid > 0 {
				holder = fmt.Sprintf(" (pid %d)", lk.Pid)
			}
			return fmt.Errorf("fcntl lock: held by another process%s; gave up waiting", holder)
		}
		time.Sleep(min(pause, time.Until(deadline)+time.Millisecond))
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// namesFile reports whether path (its symbolic links followed) still
// names the open file f.
func namesFile(path string, f *os.File) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}
