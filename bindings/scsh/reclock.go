package scsh

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// POSIX advisory record locks (fcntl F_SETLK, F_SETLKW, F_GETLK) in scsh's
// words: a lock-region record says which bytes (start and len, counted
// from whence; len 0 or #f: to the end of the file, however it grows) and
// whether the lock is exclusive (a write lock) or shared (a read lock);
// get-lock-region also fills in the process holding a conflicting lock.
// The locks are the process's: popsh's own locks never conflict with each
// other, only with other processes'.

var lockRegionFields = []string{"exclusive?", "start", "len", "whence", "proc"}

// lockSpec reads a lock-region record into the flock structure for cmd's
// lock type: shared or exclusive, or typ when it is not 0 (unlocking).
func lockSpec(rt *interp.RecordType, v interp.Value, pos int, typ int16) (*unix.Flock_t, error) {
	r, ok := v.(*interp.Record)
	if !ok || r.Type != rt {
		return nil, argType(pos, "lock", "a lock-region record", v)
	}
	start, ok1 := r.Fields[1].(int)
	whence, ok3 := r.Fields[3].(int)
	length := 0
	ok2 := true
	switch x := r.Fields[2].(type) {
	case int:
		length = x
	case bool:
		ok2 = !x
	default:
		ok2 = false
	}
	if !ok1 || !ok2 || !ok3 || whence < 0 || whence > 2 {
		return nil, interp.ArgError(pos, "lock", "its start must be an exact integer, its len an exact integer or #f and its whence seek/set, seek/delta or seek/end")
	}
	lk := &unix.Flock_t{Whence: int16(whence), Start: int64(start), Len: int64(length)}
	switch {
	case typ != 0:
		lk.Type = typ
	case interp.IsTrue(r.Fields[0]):
		lk.Type = unix.F_WRLCK
	default:
		lk.Type = unix.F_RDLCK
	}
	return lk, nil
}

// otherProc is a process object for a process popsh did not start (the
// holder of a lock): proc:pid gives its pid; wait is an error.
func otherProc(pid int) *interp.Opaque {
	h := newProcHandle(pid, func() (int, error) {
		return 0, fmt.Errorf("process %d is not a child of popsh", pid)
	})
	h.obj = &interp.Opaque{Kind: "proc", Label: strconv.Itoa(pid), Value: h}
	return h.obj
}

// lockBusy reports whether err says that another process holds a
// conflicting lock.
func lockBusy(err error) bool {
	return errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES)
}

// lockWait takes a lock, waiting until no other process holds a
// conflicting one. It retries F_SETLK rather than blocking in F_SETLKW,
// so that Ctrl-C stops the wait and other threads run meanwhile.
func (e *scshEnv) lockWait(fd int, lk *unix.Flock_t, lockArg interp.Value) error {
	ctx := e.ctx()
	for delay := time.Millisecond; ; {
		l := *lk
		err := unix.FcntlFlock(uintptr(fd), unix.F_SETLK, &l)
		if err == nil {
			return nil
		}
		if !lockBusy(err) && !errors.Is(err, syscall.EINTR) {
			return syscallError("fcntl", err, fd, lockArg)
		}
		t := time.NewTimer(delay)
		stopped := false
		e.it.Blocking(func() error {
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				stopped = true
			}
			return nil
		})
		if stopped {
			return &interp.ErrorObject{Who: "lock-region", Message: "interrupted", Cause: ctx.Err()}
		}
		if delay < 50*time.Millisecond {
			delay *= 2
		}
	}
}

func (e *scshEnv) installRecordLocks() {
	rt := e.goRecordType("scsh: file locks", "lock-region", lockRegionFields, nil)
	fdLock := func(who string, a []interp.Value, typ int16) (int, *unix.Flock_t, error) {
		fd, err := e.fdArg(who, a[0], 1, "fdes")
		if err != nil {
			return 0, nil, err
		}
		lk, err := lockSpec(rt, a[1], 2, typ)
		return fd, lk, err
	}
	e.it.DefineBuiltins("scsh: file locks", []interp.Builtin{
		{Name: "make-lock-region", MinArgs: 3, MaxArgs: 4,
			Doc: "(make-lock-region exclusive? start len [whence]): a lock-region record (len 0 or #f: to the end of the file)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if _, ok := a[1].(int); !ok {
					return nil, argType(2, "start", "an exact integer", a[1])
				}
				switch x := a[2].(type) {
				case int:
					if x < 0 {
						return nil, argType(3, "len", "a non-negative exact integer or #f", a[2])
					}
				case bool:
					if x {
						return nil, argType(3, "len", "a non-negative exact integer or #f", a[2])
					}
				default:
					return nil, argType(3, "len", "a non-negative exact integer or #f", a[2])
				}
				whence, err := seekWhence(a, 3)
				if err != nil {
					return nil, err
				}
				return &interp.Record{Type: rt, Fields: []interp.Value{interp.IsTrue(a[0]), a[1], a[2], whence, false}}, nil
			}},
		{Name: "lock-region:pid", MinArgs: 1, MaxArgs: 1,
			Doc: "(lock-region:pid lock): the pid of the process holding lock (from get-lock-region), or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, ok := a[0].(*interp.Record)
				if !ok || r.Type != rt {
					return nil, argType(0, "lock", "a lock-region record", a[0])
				}
				if o, ok := r.Fields[4].(*interp.Opaque); ok {
					if h, ok := o.Value.(*procHandle); ok {
						return h.pid, nil
					}
				}
				return false, nil
			}},
		{Name: "lock-region", MinArgs: 2, MaxArgs: 2,
			Doc: "(lock-region fdes lock): take the record lock, waiting while another process holds a conflicting one",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, lk, err := fdLock("lock-region", a, 0)
				if err != nil {
					return nil, err
				}
				if err := e.lockWait(fd, lk, a[1]); err != nil {
					return nil, err
				}
				return interp.Unspecified, nil
			}},
		{Name: "lock-region/no-block", MinArgs: 2, MaxArgs: 2,
			Doc: "(lock-region/no-block fdes lock): take the record lock if no other process holds a conflicting one; whether it did",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, lk, err := fdLock("lock-region/no-block", a, 0)
				if err != nil {
					return nil, err
				}
				if err := unix.FcntlFlock(uintptr(fd), unix.F_SETLK, lk); err != nil {
					if lockBusy(err) {
						return false, nil
					}
					return nil, syscallError("fcntl", err, a[0], a[1])
				}
				return true, nil
			}},
		{Name: "get-lock-region", MinArgs: 2, MaxArgs: 2,
			Doc: "(get-lock-region fdes lock): the first lock of another process that conflicts with lock, or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, lk, err := fdLock("get-lock-region", a, 0)
				if err != nil {
					return nil, err
				}
				if err := unix.FcntlFlock(uintptr(fd), unix.F_GETLK, lk); err != nil {
					return nil, syscallError("fcntl", err, a[0], a[1])
				}
				if lk.Type == unix.F_UNLCK {
					return false, nil
				}
				return &interp.Record{Type: rt, Fields: []interp.Value{lk.Type == unix.F_WRLCK, int(lk.Start), int(lk.Len), int(lk.Whence), otherProc(int(lk.Pid))}}, nil
			}},
		{Name: "unlock-region", MinArgs: 2, MaxArgs: 2,
			Doc: "(unlock-region fdes lock): release the record lock on lock's bytes",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, lk, err := fdLock("unlock-region", a, unix.F_UNLCK)
				if err != nil {
					return nil, err
				}
				if err := unix.FcntlFlock(uintptr(fd), unix.F_SETLK, lk); err != nil {
					return nil, syscallError("fcntl", err, a[0], a[1])
				}
				return interp.Unspecified, nil
			}},
		{Name: "break-dot-lock", MinArgs: 1, MaxArgs: 1,
			Doc: "(break-dot-lock file): remove file.lock whoever holds it (no error if there is none)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 0, "file")
				if err != nil {
					return nil, err
				}
				lock := name.String() + ".lock"
				if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, fileError("unlink", err, lock)
				}
				return interp.Unspecified, nil
			}},
	}...)
}
