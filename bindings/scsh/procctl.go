package scsh

import (
	"context"
	_ "embed"
	"errors"
	"syscall"

	"popsh/interp"
)

// The process-state procedures scsh 0.6 names process-... (in scsh they
// are the process's own state, beside the per-thread resources; popsh's
// state is the process's, so cwd and process-cwd agree), the ids, and the
// exit hooks: thunks the program registers, run when a script ends
// normally or calls exit (RunExitHooks, called by the shell).

//go:embed scm/sigproc.scm
var sigprocPrelude string

// sigprocLibrary holds the Scheme definitions of signals, process objects
// and process state: the with-... procedures and forms.
var sigprocLibrary = interp.NewLibrary("sigproc.scm", sigprocPrelude)

// idArg reads a user or group id.
func idArg(v interp.Value, pos int, param string) (int, error) {
	n, ok := v.(int)
	if !ok || n < 0 || n > 1<<32-2 {
		return 0, argType(pos, param, "a user or group id", v)
	}
	return n, nil
}

// endsNormally reports whether err, the outcome of a program, is a
// normal end: none, or an (exit) (not an emergency exit).
func endsNormally(err error) bool {
	var ee *interp.ExitError
	return err == nil || (errors.As(err, &ee) && !ee.Emergency)
}

// RunExitHooks runs the exit hooks of the program in it (the most
// recently added first, then the narrowed ones) when err, the outcome of
// the program, is a normal end (nil) or an (exit): not after an error,
// an interrupt or an emergency exit (%exit). It returns the outcome to
// report: err, or what a hook did (an error, or its own exit).
func RunExitHooks(ctx context.Context, it *interp.Interp, err error) error {
	e, ok := it.Local(envKey).(*scshEnv)
	if !ok || !endsNormally(err) {
		return err
	}
	hooks := append(append([]interp.Value(nil), e.exitHooks...), e.narrowedHooks...)
	e.exitHooks, e.narrowedHooks = nil, nil
	for _, h := range hooks {
		if _, herr := it.Call(ctx, h); herr != nil {
			return herr
		}
	}
	return err
}

func (e *scshEnv) installProcControl() {
	const sec = "scsh: process state"
	thunkArg := func(v interp.Value) error {
		if !interp.IsProcedure(v) {
			return argType(0, "thunk", "a procedure", v)
		}
		return nil
	}
	e.it.DefineBuiltins(sec, []interp.Builtin{
		{Name: "process-cwd", MinArgs: 0, MaxArgs: 0,
			Doc: "(process-cwd): the process's working directory",
			Fn:  primCwd},
		{Name: "process-chdir", MinArgs: 0, MaxArgs: 1,
			Doc: "(process-chdir [dir]): change the process's working directory to dir (the home directory)",
			Fn:  primChdir},
		{Name: "set-process-group", MinArgs: 1, MaxArgs: 2,
			Doc: "(set-process-group [proc] pgrp): put proc (popsh itself) in process group pgrp (setpgid; 0: a group of its own)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				pid := 0
				pv := a[0]
				if len(a) == 2 {
					p, _, err := e.signalTarget("set-process-group", a[0])
					if err != nil {
						return nil, err
					}
					pid, pv = p, a[1]
				}
				pgrp, ok := pv.(int)
				if !ok || pgrp < 0 {
					return nil, argType(len(a), "pgrp", "a process group id", pv)
				}
				if err := syscall.Setpgid(pid, pgrp); err != nil {
					return nil, syscallError("setpgid", err, a...)
				}
				return interp.Unspecified, nil
			}},
		{Name: "become-session-leader", MinArgs: 0, MaxArgs: 0,
			Doc: "(become-session-leader): make popsh the leader of a new session and process group (setsid); the new session id",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sid, err := syscall.Setsid()
				if err != nil {
					return nil, syscallError("setsid", err)
				}
				return sid, nil
			}},
		idSetter("set-uid", "setuid", syscall.Setuid, "uid", "(set-uid uid): set the process's user ids (setuid)"),
		idSetter("set-gid", "setgid", syscall.Setgid, "gid", "(set-gid gid): set the process's group ids (setgid)"),
		idSetter("set-user-effective-uid", "seteuid", syscall.Seteuid, "uid", "(set-user-effective-uid uid): set the process's effective user id (seteuid)"),
		idSetter("set-user-effective-gid", "setegid", syscall.Setegid, "gid", "(set-user-effective-gid gid): set the process's effective group id (setegid)"),
		{Name: "add-exit-hook!", MinArgs: 1, MaxArgs: 1,
			Doc: "(add-exit-hook! thunk): call thunk when the script ends normally or calls exit (the hooks added last run first)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := thunkArg(a[0]); err != nil {
					return nil, err
				}
				e.exitHooks = append([]interp.Value{a[0]}, e.exitHooks...)
				return interp.Unspecified, nil
			}},
		{Name: "add-narrowed-exit-hook!", MinArgs: 1, MaxArgs: 1,
			Doc: "(add-narrowed-exit-hook! thunk): call thunk at exit after the hooks of add-exit-hook!",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := thunkArg(a[0]); err != nil {
					return nil, err
				}
				e.narrowedHooks = append([]interp.Value{a[0]}, e.narrowedHooks...)
				return interp.Unspecified, nil
			}},
		{Name: "call-exit-hooks-and-narrow", MinArgs: 1, MaxArgs: 1,
			Doc: "(call-exit-hooks-and-narrow thunk): run the exit hooks, then the narrowed ones, then call thunk (each hook runs once)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := thunkArg(a[0]); err != nil {
					return nil, err
				}
				if err := RunExitHooks(e.ctx(), it, nil); err != nil {
					return nil, err
				}
				return e.call(a[0])
			}},
	}...)
	e.it.Document(sec, []interp.DocLine{
		{Name: "with-user-effective-uid*", Doc: "(with-user-effective-uid* uid thunk): call thunk with uid as the effective user id, then put the old one back"},
		{Name: "with-user-effective-gid*", Doc: "(with-user-effective-gid* gid thunk): call thunk with gid as the effective group id, then put the old one back"},
		{Name: "with-user-effective-uid", Doc: "(with-user-effective-uid uid body ...): run body with uid as the effective user id"},
		{Name: "with-user-effective-gid", Doc: "(with-user-effective-gid gid body ...): run body with gid as the effective group id"},
		{Name: "with-autoreaping", Doc: "(with-autoreaping thunk): set the autoreap policy to 'early and call thunk"},
	}...)
}

// idSetter is a procedure of one user or group id calling set.
func idSetter(name, syscallName string, set func(int) error, param, doc string) interp.Builtin {
	return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
			id, err := idArg(a[0], 0, param)
			if err != nil {
				return nil, err
			}
			if err := set(id); err != nil {
				return nil, syscallError(syscallName, err, a[0])
			}
			return interp.Unspecified, nil
		}}
}
