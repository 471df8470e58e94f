package scsh

import (
	"math/big"
	"os"
	"syscall"
	"time"

	"popsh/interp"
)

// Process state and time, as scsh gives them: umask, set-umask,
// with-umask[*] (with-umask* is in scm/scsh-more.scm), the process's user
// and group ids, process-sleep[-until], uname and its accessors,
// time+ticks, ticks/sec, cpu-ticks/sec and process-times.

// clockTicksPerSec is the unit of process-times (the kernel's USER_HZ,
// 100 on every Linux architecture).
const clockTicksPerSec = 100

// currentUmask reads the umask: the system call only sets it, so it sets
// 0 and puts the old value back at once.
func currentUmask() int {
	old := syscall.Umask(0)
	syscall.Umask(old)
	return old
}

// utsField is a NUL-terminated field of a Utsname (int8 or uint8,
// depending on the architecture) as a Scheme string.
func utsField[T int8 | uint8](b []T) interp.Value {
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		out = append(out, byte(c))
	}
	return interp.NewString(string(out))
}

// sleepUntil waits until t, or until the evaluation is cancelled (Ctrl-C).
func (e *scshEnv) sleepUntil(who string, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	ctx := e.ctx()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var cause error
	e.it.Blocking(func() error {
		select {
		case <-timer.C:
		case <-ctx.Done():
			cause = ctx.Err()
		}
		return nil
	})
	if cause != nil {
		return &interp.ErrorObject{Who: who, Message: "interrupted", Cause: cause}
	}
	return nil
}

// secondsArg reads a real number of seconds, argument pos named param
// (as for argType).
func secondsArg(v interp.Value, pos int, param string) (float64, error) {
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, nil
	case *big.Rat:
		f, _ := x.Float64()
		return f, nil
	}
	return 0, argType(pos, param, "a real number of seconds", v)
}

func (e *scshEnv) installProcState() {
	id := func(name string, f func() int, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 0, MaxArgs: 0, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return f(), nil
			}}
	}
	// uname
	ut := e.goRecordType("scsh: process state", "uname", []string{"os-name", "node-name", "release", "version", "machine"},
		func(r *interp.Record) string { return "#{uname " + interp.DisplayString(r.Fields[1]) + "}" })

	e.it.DefineBuiltins("scsh: process state", []interp.Builtin{
		id("user-uid", os.Getuid, "(user-uid): the process's real user id"),
		id("user-gid", os.Getgid, "(user-gid): the process's real group id"),
		id("user-effective-uid", os.Geteuid, "(user-effective-uid): the process's effective user id"),
		id("user-effective-gid", os.Getegid, "(user-effective-gid): the process's effective group id"),
		id("parent-pid", os.Getppid, "(parent-pid): the id of the parent process"),
		id("process-group", syscall.Getpgrp, "(process-group): the process group id of the process"),
		{Name: "umask", MinArgs: 0, MaxArgs: 0,
			Doc: "(umask): the process's file-creation mask",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return currentUmask(), nil
			}},
		{Name: "set-umask", MinArgs: 1, MaxArgs: 1,
			Doc: "(set-umask mask): set the process's file-creation mask",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, ok := a[0].(int)
				if !ok || n < 0 || n > 0o7777 {
					return nil, argType(0, "mask", "a file mode mask (0 to #o7777)", a[0])
				}
				syscall.Umask(n)
				return interp.Unspecified, nil
			}},
		{Name: "user-supplementary-gids", MinArgs: 0, MaxArgs: 0,
			Doc: "(user-supplementary-gids): the process's supplementary group ids",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				gs, err := os.Getgroups()
				if err != nil {
					return nil, syscallError("getgroups", err)
				}
				out := make([]interp.Value, len(gs))
				for i, g := range gs {
					out[i] = g
				}
				return interp.List(out...), nil
			}},
		{Name: "process-sleep", MinArgs: 1, MaxArgs: 1,
			Doc: "(process-sleep seconds): sleep for seconds",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := secondsArg(a[0], 0, "seconds")
				if err != nil {
					return nil, err
				}
				return interp.Unspecified, e.sleepUntil("process-sleep", time.Now().Add(time.Duration(s*float64(time.Second))))
			}},
		{Name: "process-sleep-until", MinArgs: 1, MaxArgs: 1,
			Doc: "(process-sleep-until time): sleep until time (seconds since the epoch)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := secondsArg(a[0], 0, "time")
				if err != nil {
					return nil, err
				}
				return interp.Unspecified, e.sleepUntil("process-sleep-until", time.Unix(int64(s), 0))
			}},
		{Name: "uname", MinArgs: 0, MaxArgs: 0,
			Doc: "(uname): the uname record of this machine",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var u syscall.Utsname
				if err := syscall.Uname(&u); err != nil {
					return nil, syscallError("uname", err)
				}
				return &interp.Record{Type: ut, Fields: []interp.Value{
					utsField(u.Sysname[:]), utsField(u.Nodename[:]), utsField(u.Release[:]),
					utsField(u.Version[:]), utsField(u.Machine[:]),
				}}, nil
			}},
		// time
		{Name: "time+ticks", MinArgs: 0, MaxArgs: 0,
			Doc: "(time+ticks): the time in seconds and the ticks (microseconds) within it, two values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				now := time.Now()
				return interp.Values(int(now.Unix()), now.Nanosecond()/1000), nil
			}},
		{Name: "ticks/sec", MinArgs: 0, MaxArgs: 0,
			Doc: "(ticks/sec): the number of ticks of time+ticks per second",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return 1000000, nil
			}},
		{Name: "cpu-ticks/sec", MinArgs: 0, MaxArgs: 0,
			Doc: "(cpu-ticks/sec): the number of ticks of process-times per second",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return clockTicksPerSec, nil
			}},
		{Name: "process-times", MinArgs: 0, MaxArgs: 0,
			Doc: "(process-times): user and system CPU times of the process and its children, four values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var t syscall.Tms
				if _, err := syscall.Times(&t); err != nil {
					return nil, syscallError("times", err)
				}
				return interp.Values(int(t.Utime), int(t.Stime), int(t.Cutime), int(t.Cstime)), nil
			}},
	}...)
}
