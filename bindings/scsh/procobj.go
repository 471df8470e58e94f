package scsh

import (
	"errors"
	"os"
	"strconv"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// Process objects as scsh 0.6 keeps them: a table of the children started
// by & (and the process objects pid->proc made) that have not been waited
// for, so that wait-any, wait-process-group and pid->proc find them. A
// child is reaped (waited for by a goroutine, its status kept in its
// object) as soon as it ends when the autoreap policy is early, popsh's
// default as it is a scsh script's; with the policy #f or late it stays a
// zombie until the program waits for it or calls reap-zombies. A process
// object that has been waited for (by wait, wait-any or
// wait-process-group) leaves the table.

// Wait flags (waitpid(2)'s).
const waitPoll = unix.WNOHANG

// procTable is an interpreter's table of process objects.
type procTable struct {
	mu      sync.Mutex
	byPid   map[int]*procHandle
	changed chan struct{} // closed and replaced when a process is reaped
	policy  string        // "early", "late" or "" (#f)
}

func newProcTable() *procTable {
	return &procTable{byPid: map[int]*procHandle{}, changed: make(chan struct{}), policy: "early"}
}

// add registers h and returns its Scheme object.
func (t *procTable) add(h *procHandle) *interp.Opaque {
	h.obj = &interp.Opaque{Kind: "proc", Label: strconv.Itoa(h.pid), Value: h}
	if h.stage != nil {
		// a stage runs in popsh's process, in its group
		h.pgid.Store(int64(syscall.Getpgrp()))
	} else if pg, err := unix.Getpgid(h.pid); err == nil {
		h.pgid.Store(int64(pg))
	}
	h.ended = t.notify
	h.child = h.stage == nil
	t.mu.Lock()
	t.byPid[h.pid] = h
	early := t.policy == "early"
	t.mu.Unlock()
	if early {
		h.reap()
	}
	return h.obj
}

// notify wakes the waits for any process.
func (t *procTable) notify() {
	t.mu.Lock()
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

// waited removes h from the table: it has been waited for.
func (t *procTable) waited(h *procHandle) {
	t.mu.Lock()
	if t.byPid[h.pid] == h {
		delete(t.byPid, h.pid)
	}
	t.mu.Unlock()
}

// snapshot returns the process objects not waited for and the channel
// that closes when one of them is next reaped.
func (t *procTable) snapshot() ([]*procHandle, <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	hs := make([]*procHandle, 0, len(t.byPid))
	for _, h := range t.byPid {
		hs = append(hs, h)
	}
	return hs, t.changed
}

// exitedUnreaped reports whether the child pid has ended, without reaping
// it (waitid with WNOWAIT). A process that is no child of popsh's (or was
// reaped already) counts as ended: waiting for it then says why.
func exitedUnreaped(pid int) bool {
	var info [128]byte // siginfo_t; si_pid is at offset 16 on Linux
	const pPid = 1
	_, _, errno := unix.Syscall6(unix.SYS_WAITID, pPid, uintptr(pid), uintptr(unsafe.Pointer(&info[0])),
		unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, 0, 0)
	if errno != 0 {
		return errno != syscall.EINTR
	}
	return *(*int32)(unsafe.Pointer(&info[16])) != 0
}

// procOrPid reads argument pos: a process object, or a process id whose
// object is found in the table or made (as scsh's ->proc does).
func (e *scshEnv) procOrPid(v interp.Value, pos int) (*procHandle, error) {
	if o, ok := v.(*interp.Opaque); ok {
		if h, ok := o.Value.(*procHandle); ok {
			return h, nil
		}
	}
	if n, ok := v.(int); ok && n > 0 {
		e.procs.mu.Lock()
		h := e.procs.byPid[n]
		e.procs.mu.Unlock()
		if h != nil {
			return h, nil
		}
		h = newProcHandle(n, waitPid(n))
		e.procs.add(h)
		return h, nil
	}
	return nil, argType(pos, "proc", "a process object or a process id", v)
}

// waitPid waits for a process popsh did not start with & (pid->proc
// 'create): an error if it is no child of popsh's.
func waitPid(pid int) func() (int, error) {
	return func() (int, error) {
		p, err := os.FindProcess(pid)
		if err != nil {
			return 0, err
		}
		ps, err := p.Wait()
		if err != nil {
			return 0, err
		}
		return waitStatus(ps), nil
	}
}

// waitError is the condition for a failed wait.
func waitError(err error, proc interp.Value) error {
	var eo *interp.ErrorObject
	if errors.As(err, &eo) {
		return eo
	}
	var en syscall.Errno
	if errors.As(err, &en) {
		return syscallError("wait", en, proc)
	}
	return scshErr("wait", err.Error(), proc)
}

// waitFor waits for h (with poll, only if it has ended: ok is false if it
// runs on) and takes it out of the table.
func (e *scshEnv) waitFor(h *procHandle, poll bool) (st int, ok bool, err error) {
	if poll && !h.exited() {
		return 0, false, nil
	}
	ctx := e.ctx()
	e.it.Blocking(func() error {
		st, err = h.result(ctx)
		return nil
	})
	if err != nil {
		return 0, false, waitError(err, h.obj)
	}
	e.procs.waited(h)
	return st, true, nil
}

// waitAnyOf waits for one of the process objects that match (all: match
// is nil) and returns scsh's two values: proc and status; #f #f when
// polling and none has ended; #f #t when there is none.
func (e *scshEnv) waitAnyOf(flags int, match func(h *procHandle) bool) (interp.Value, error) {
	poll := flags&waitPoll != 0
	ctx := e.ctx()
	for {
		all, changed := e.procs.snapshot()
		var hs []*procHandle
		for _, h := range all {
			if match == nil || match(h) {
				hs = append(hs, h)
			}
		}
		if len(hs) == 0 {
			return interp.Values(false, true), nil
		}
		for _, h := range hs {
			if h.exited() {
				st, _, err := e.waitFor(h, false)
				if err != nil {
					return nil, err
				}
				return interp.Values(h.obj, st), nil
			}
		}
		if poll {
			return interp.Values(false, false), nil
		}
		for _, h := range hs {
			h.reap()
		}
		var cause error
		e.it.Blocking(func() error {
			select {
			case <-changed:
			case <-ctx.Done():
				cause = ctx.Err()
			}
			return nil
		})
		if cause != nil {
			return nil, &interp.ErrorObject{Who: "wait-any", Message: "interrupted", Cause: cause}
		}
	}
}

// flagsArg reads optional wait flags at a[i] (0 when absent).
func flagsArg(a []interp.Value, i int) (int, error) {
	if len(a) <= i {
		return 0, nil
	}
	n, ok := a[i].(int)
	if !ok || n < 0 {
		return 0, argType(i+1, "flags", "wait flags (0 or wait/poll)", a[i])
	}
	if n&^waitPoll != 0 {
		return 0, scshErr("wait", "popsh supports only the wait flag wait/poll, got", a[i])
	}
	return n, nil
}

func (e *scshEnv) installProcObjects() {
	e.it.Define("wait/poll", waitPoll)
	const sec = "scsh: process notation"
	e.it.DefineBuiltins(sec, []interp.Builtin{
		{Name: "wait", MinArgs: 1, MaxArgs: 2,
			Doc: "(wait proc [flags]): wait for proc (a process object or id) to end; its exit status, or #f with wait/poll if it runs on",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				h, err := e.procOrPid(a[0], 1)
				if err != nil {
					return nil, err
				}
				flags, err := flagsArg(a, 1)
				if err != nil {
					return nil, err
				}
				st, ok, err := e.waitFor(h, flags&waitPoll != 0)
				if err != nil {
					return nil, err
				}
				if !ok {
					return false, nil
				}
				return st, nil
			}},
		{Name: "wait-any", MinArgs: 0, MaxArgs: 1,
			Doc: "(wait-any [flags]): wait for any child started by & to end; two values, its process object and status",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				flags, err := flagsArg(a, 0)
				if err != nil {
					return nil, err
				}
				return e.waitAnyOf(flags, nil)
			}},
		{Name: "wait-process-group", MinArgs: 0, MaxArgs: 2,
			Doc: "(wait-process-group [pgrp flags]): as wait-any, for the children in process group pgrp (0: popsh's own group)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pgrp := 0
				if len(a) > 0 {
					switch x := a[0].(type) {
					case int:
						pgrp = x
					case *interp.Opaque:
						if h, ok := x.Value.(*procHandle); ok {
							pgrp = h.pid
						} else {
							pgrp = -1
						}
					default:
						pgrp = -1
					}
					if pgrp < 0 {
						return nil, argType(1, "pgrp", "a process object or a process group id", a[0])
					}
				}
				if pgrp == 0 {
					pgrp = syscall.Getpgrp()
				}
				flags, err := flagsArg(a, 1)
				if err != nil {
					return nil, err
				}
				return e.waitAnyOf(flags, func(h *procHandle) bool {
					if !h.reaped() && h.stage == nil {
						if pg, err := unix.Getpgid(h.pid); err == nil {
							h.pgid.Store(int64(pg))
						}
					}
					return int(h.pgid.Load()) == pgrp
				})
			}},
		{Name: "reap-zombies", MinArgs: 0, MaxArgs: 0,
			Doc: "(reap-zombies): collect the status of every child (started by &) that has ended; #t if none runs on",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				hs, _ := e.procs.snapshot()
				ctx := e.ctx()
				done := true
				for _, h := range hs {
					if h.reaped() {
						continue
					}
					if !h.exited() {
						done = false
						continue
					}
					e.it.Blocking(func() error {
						h.result(ctx)
						return nil
					})
				}
				return done, nil
			}},
		{Name: "autoreap-policy", MinArgs: 0, MaxArgs: 1,
			Doc: "(autoreap-policy [policy]): the old policy for reaping children ('early, 'late or #f); with policy, set it",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				e.procs.mu.Lock()
				old := e.procs.policy
				e.procs.mu.Unlock()
				var oldV interp.Value = false
				if old != "" {
					oldV = interp.Intern(old)
				}
				if len(a) == 0 {
					return oldV, nil
				}
				policy := ""
				switch x := a[0].(type) {
				case *interp.Symbol:
					if x.Name != "early" && x.Name != "late" {
						return nil, scshErr("autoreap-policy", "Illegal autoreap policy.", a[0])
					}
					policy = x.Name
				case bool:
					if x {
						return nil, scshErr("autoreap-policy", "Illegal autoreap policy.", a[0])
					}
				default:
					return nil, scshErr("autoreap-policy", "Illegal autoreap policy.", a[0])
				}
				e.procs.mu.Lock()
				e.procs.policy = policy
				e.procs.mu.Unlock()
				if policy == "early" {
					hs, _ := e.procs.snapshot()
					for _, h := range hs {
						h.reap()
					}
				}
				return oldV, nil
			}},
		{Name: "pid->proc", MinArgs: 1, MaxArgs: 2,
			Doc: "(pid->proc pid [probe?]): the process object of pid; if none: an error (probe? #f), a new one ('create) or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pid, ok := a[0].(int)
				if !ok || pid <= 0 {
					return nil, argType(1, "pid", "a process id", a[0])
				}
				e.procs.mu.Lock()
				h := e.procs.byPid[pid]
				e.procs.mu.Unlock()
				if h != nil {
					return h.obj, nil
				}
				var probe interp.Value = false
				if len(a) > 1 {
					probe = a[1]
				}
				switch {
				case probe == false:
					return nil, scshErr("pid->proc", "Pid has no corresponding process object", a[0])
				case probe == interp.Value(interp.Intern("create")):
					return e.procs.add(newProcHandle(pid, waitPid(pid))), nil
				}
				return false, nil
			}},
		{Name: "halts?", MinArgs: 1, MaxArgs: 1,
			Doc: "(halts? proc): #t (scsh's answer to the halting problem for a Unix process)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return true, nil
			}},
		{Name: "exec-path-search", MinArgs: 2, MaxArgs: 2,
			Doc: "(exec-path-search prog path-list): the first dir/prog of path-list that is executable (an absolute prog: itself), or #f",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				prog, err := str(a[0], 1, "prog")
				if err != nil {
					return nil, err
				}
				dirs, ok := interp.ListToSlice(a[1])
				if !ok {
					return nil, argType(2, "path-list", "a list of directory names", a[1])
				}
				p := prog.String()
				if len(p) > 0 && p[0] == '/' {
					if executableFile(p) {
						return a[0], nil
					}
					return false, nil
				}
				for _, d := range dirs {
					ds, ok := d.(*interp.String)
					if !ok {
						return nil, argType(2, "path-list", "a list of directory names", a[1])
					}
					name := ds.String() + "/" + p
					if executableFile(name) {
						return interp.NewString(name), nil
					}
				}
				return false, nil
			}},
		{Name: "%exit", MinArgs: 0, MaxArgs: 1,
			Doc: "(%exit [status]): end popsh (or the (begin ...) stage) at once with status (0): no exit hooks or dynamic-wind exits",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				code := 0
				if len(a) > 0 {
					n, ok := a[0].(int)
					if !ok {
						return nil, argType(0, "status", "an exact integer", a[0])
					}
					code = n
				}
				if k := e.stageExit(); k != nil {
					// in a (begin ...) stage, as in scsh's forked child,
					// only the stage ends
					e.it.CurrentOutput().Flush()
					return &interp.TailCall{Proc: k, Args: []interp.Value{(code & 0xff) << 8}}, nil
				}
				it.FlushOutput()
				return nil, &interp.ExitError{Code: code, Emergency: true}
			}},
	}...)
}

// executableFile reports whether name is a file the process may execute
// (access(2) X_OK, as scsh's file-executable?).
func executableFile(name string) bool {
	st, err := os.Stat(name)
	if err != nil || st.IsDir() {
		return false
	}
	return unix.Access(name, unix.X_OK) == nil
}
