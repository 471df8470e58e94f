package scsh

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// In scsh a (begin ...) process form, and the thunk given to run/port*,
// run/string* and the like, run in a forked child. popsh cannot fork the
// interpreter, so it runs them in-process as a "stage" (see
// %scsh-run-thunk in scm/scsh.scm): the current input and output ports are
// rebound to the stage's input and output, and the parameter
// %scsh-stage-exit holds an escape to the end of the stage. Inside a
// stage, exec, exec-path, %exec, exec-epf and exit end the stage only, as
// they end the child in scsh: exec runs the program as the stage's
// process (its standard input is what the stage has not read, its output
// goes where the stage's goes) and the stage's status is the program's.
// Outside a stage they replace or end popsh, as in scsh.

// stageExit returns the escape of the stage being run, or nil outside one.
func (e *scshEnv) stageExit() interp.Value {
	p, ok := e.it.Lookup("%scsh-stage-exit")
	if !ok {
		return nil
	}
	v, err := e.call(p)
	if err != nil {
		return nil
	}
	if b, ok := v.(bool); ok && !b {
		return nil
	}
	return v
}

// stageStdin is what a program started inside a stage reads: the rest of
// the current input port.
func (e *scshEnv) stageStdin() io.Reader {
	in := e.it.CurrentInput()
	if in.Name == "stdin" && in.Buffered() == 0 {
		return os.Stdin // the child gets the descriptor itself
	}
	if f := in.OSFile(); f != nil && in.Buffered() == 0 {
		return f // a pipe from a forked stage, a file
	}
	if r := in.Reader(); r != nil {
		return r
	}
	return strings.NewReader("")
}

// envArg reads scsh's env argument: #t for the current environment, or an
// alist of (name . value) strings.
func envArg(v interp.Value, pos int, param string) ([]string, error) {
	if b, ok := v.(bool); ok && b {
		return os.Environ(), nil
	}
	items, ok := interp.ListToSlice(v)
	if !ok {
		return nil, argType(pos, param, "#t or an alist of strings", v)
	}
	env := make([]string, 0, len(items))
	for _, it := range items {
		p, ok := it.(*interp.Pair)
		if !ok {
			return nil, argType(pos, param, "#t or an alist of strings", v)
		}
		k, err1 := stringify(p.Car)
		val, err2 := stringify(p.Cdr)
		if err1 != nil || err2 != nil {
			return nil, argType(pos, param, "#t or an alist of strings", v)
		}
		env = append(env, k+"="+val)
	}
	return env, nil
}

// execProgram is exec, exec-path and their /env and % forms: inside a
// stage it runs the program to the end and ends the stage with its
// status; elsewhere it replaces popsh (ports flushed first).
// prog is the program's file (looked up on PATH when search is set and
// it has no slash); argv[0] is what the program sees as its name.
func (e *scshEnv) execProgram(who, prog string, search bool, argv []string, env []string) (interp.Value, error) {
	if len(argv) == 0 {
		argv = []string{prog}
	}
	path := prog
	if search {
		p, err := e.lookPath(path)
		if err != nil {
			return nil, syscallError("exec", err, interp.NewString(path))
		}
		path = p
	}
	// run runs the program as a child of popsh to its end: its wait status
	run := func(stdin io.Reader, stdout, stderr io.Writer) (int, error) {
		cmd := exec.CommandContext(e.ctx(), path, argv[1:]...)
		// the file as it is named: exec (not exec-path) searches no PATH
		cmd.Path, cmd.Err = path, nil
		cmd.Args[0] = argv[0]
		cmd.Env = env
		pumps := &portPumps{}
		var err error
		if stdout, err = pumps.writer(stdout); err == nil {
			stderr, err = pumps.writer(stderr)
		}
		if err != nil {
			pumps.abandon()
			return 0, err
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
		if err := cmd.Start(); err != nil {
			pumps.abandon()
			return 0, syscallError("exec", err, interp.NewString(path))
		}
		pumps.started()
		pumps.deliver(e.it)
		var werr error
		e.it.Blocking(func() error {
			werr = cmd.Wait()
			return nil
		})
		if ctx := e.ctx(); ctx.Err() != nil {
			return 0, &interp.ErrorObject{Who: "exec", Message: "interrupted", Cause: ctx.Err()}
		}
		var ee *exec.ExitError
		if werr != nil && !errors.As(werr, &ee) {
			return 0, syscallError("exec", werr, interp.NewString(path))
		}
		return waitStatus(cmd.ProcessState), nil
	}
	if k := e.stageExit(); k != nil {
		st, err := run(e.stageStdin(), osOrPort(e.it.CurrentOutput(), "stdout", os.Stdout), osOrPort(e.it.CurrentError(), "stderr", os.Stderr))
		if err != nil {
			return nil, err
		}
		return &interp.TailCall{Proc: k, Args: []interp.Value{st}}, nil
	}
	interp.FlushOpenPorts(e.it) // as scsh's exec: the files written so far are complete
	if e.stdin0 != nil || len(e.stages.running()) > 0 {
		// Stages forked by the program run in popsh's process, which
		// replacing it would end, and the program's standard input may be
		// a stage's pipe: the program runs as popsh's child instead, and
		// popsh ends with its status once it and the stages have ended.
		if env == nil {
			env = os.Environ()
		}
		st, err := run(e.processStdin(), os.Stdout, os.Stderr)
		if err != nil {
			return nil, err
		}
		ws := syscall.WaitStatus(st)
		code := ws.ExitStatus()
		if ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		return nil, &interp.ExitError{Code: code}
	}
	if env == nil {
		env = os.Environ()
	}
	err := syscall.Exec(path, argv, env)
	return nil, syscallError("exec", err, interp.NewString(path))
}

// initExecPathList defines exec-path-list, the thread fluid that holds
// the directories exec-path and the process forms search (from $PATH at
// start-up, as in scsh): what (make-fluid dirs) gives, a parameter
// holding (list dirs), made here without compiling make-fluid.
func (e *scshEnv) initExecPathList() error {
	var dirs []interp.Value
	if p, ok := os.LookupEnv("PATH"); ok {
		for _, d := range strings.Split(p, ":") {
			dirs = append(dirs, interp.NewString(d))
		}
	}
	e.it.Define("exec-path-list", e.it.NewParameter(interp.List(interp.List(dirs...))))
	return nil
}

// errNotInPathList says that exec-path-list has no such program.
var errNotInPathList = errors.New("no executable file of that name in exec-path-list")

// lookPath finds prog as exec-path does: a name with a slash is used as
// it is; otherwise the first executable regular file of that name in the
// directories of exec-path-list (an empty directory name is ".").
func (e *scshEnv) lookPath(prog string) (string, error) {
	if strings.Contains(prog, "/") {
		return exec.LookPath(prog)
	}
	var dirs []interp.Value
	if f, ok := e.it.Lookup("exec-path-list"); ok {
		if get, ok := e.it.Lookup("fluid"); ok {
			if v, err := e.it.Call(e.ctx(), get, f); err == nil {
				dirs, _ = interp.ListToSlice(v)
			}
		}
	}
	if dirs == nil {
		return exec.LookPath(prog)
	}
	for _, d := range dirs {
		dir, ok := d.(*interp.String)
		if !ok {
			continue
		}
		name := dir.String()
		if name == "" {
			name = "."
		}
		path := name + "/" + prog
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return path, nil
		}
	}
	return "", &exec.Error{Name: prog, Err: errNotInPathList}
}

func stringifyAll(vals []interp.Value) ([]string, error) {
	out := make([]string, len(vals))
	for i, x := range vals {
		s, err := stringify(x)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// fdReadable polls the file descriptor under an input port made by pipe
// (or stdin) without waiting.
func fdReadable(files pipePorts, p *interp.Port) bool {
	fd := -1
	if f, ok := files[p]; ok {
		fd = fileFd(f)
	} else if p.Name == "stdin" {
		fd = 0
	}
	if fd < 0 {
		return false
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0 && fds[0].Revents&(unix.POLLIN|unix.POLLHUP) != 0
}

// fileFd is the descriptor under f; unlike f.Fd it leaves f in
// non-blocking mode, so reads from it can still be interrupted.
func fileFd(f *os.File) int {
	fd := -1
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(u uintptr) { fd = int(u) })
	}
	return fd
}

// pipePorts records the OS files under the ports made by pipe, for
// port->fdes.
type pipePorts map[*interp.Port]*os.File

// sweep forgets the ports that have been closed.
func (m pipePorts) sweep() {
	for p := range m {
		if p.IsClosed() {
			delete(m, p)
		}
	}
}

func (e *scshEnv) installStage() {
	files := pipePorts{}
	e.it.SetCloseHook(e.letGo)
	execDef := func(name string, search, withEnv bool, doc string) interp.Builtin {
		min := 1
		if withEnv {
			min = 2
		}
		return interp.Builtin{Name: name, MinArgs: min, MaxArgs: -1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var env []string
				if withEnv {
					var err error
					if env, err = envArg(a[1], 2, "env"); err != nil {
						return nil, err
					}
					a = append([]interp.Value{a[0]}, a[2:]...)
				}
				argv, err := stringifyAll(a)
				if err != nil {
					return nil, err
				}
				return e.execProgram(name, argv[0], search, argv, env)
			}}
	}
	// exit ends a (begin ...) stage, else the program (interp's exit).
	origExit, _ := e.it.Lookup("exit")

	// portFd reads a port or descriptor, argument pos (as for argType).
	portFd := func(who string, v interp.Value, pos int) (int, error) {
		switch x := v.(type) {
		case int:
			if x >= 0 {
				return x, nil
			}
		case *interp.Port:
			if fd, ok := e.stdFd(x); ok {
				return fd, nil
			}
			if f, ok := files[x]; ok {
				return fileFd(f), nil
			}
			if f := x.OSFile(); f != nil {
				return fileFd(f), nil
			}
			switch x.Name {
			case "stdin":
				return 0, nil
			case "stdout":
				return 1, nil
			case "stderr":
				return 2, nil
			}
			return 0, scshErr(who, "this port is not over a file descriptor popsh can give (only the standard ports, file ports and those made by pipe are)", v)
		}
		return 0, argType(pos, "port/fd", "a port or a file descriptor", v)
	}
	e.it.DefineBuiltins("scsh: process notation", []interp.Builtin{
		execDef("exec", false, false, "(exec prog arg ...): replace the process by prog (in a stage: end the stage)"),
		execDef("exec-path", true, false, "(exec-path prog arg ...): exec prog found on exec-path-list"),
		execDef("exec/env", false, true, "(exec/env prog env arg ...): exec prog with the environment alist env"),
		execDef("exec-path/env", true, true, "(exec-path/env prog env arg ...): exec-path prog with the environment alist env"),
		// (%exec prog arglist env): arglist includes argv[0].
		{Name: "%exec", MinArgs: 3, MaxArgs: 3,
			Doc: "(%exec prog args env): replace the process (or end the stage) by running prog",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				prog, err := stringify(a[0])
				if err != nil {
					return nil, err
				}
				items, ok := interp.ListToSlice(a[1])
				if !ok {
					return nil, argType(2, "args", "a list of arguments", a[1])
				}
				argv, err := stringifyAll(items)
				if err != nil {
					return nil, err
				}
				env, err := envArg(a[2], 3, "env")
				if err != nil {
					return nil, err
				}
				return e.execProgram("%exec", prog, false, argv, env)
			}},
		{Name: "%exec-epf", MinArgs: 1, MaxArgs: 1,
			Doc: "(%exec-epf epf): run a process form in place of the process",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sp, err := parseEPF(a[0])
				if err != nil {
					return nil, err
				}
				if k := e.stageExit(); k != nil {
					// Run the whole form as the stage's process.
					var st int
					var buf bytes.Buffer
					stdin := e.stageStdin()
					if sp.stdin == nil && !sp.closed[0] {
						b, err := io.ReadAll(stdin)
						if err != nil {
							return nil, scshErr("exec-epf", "reading the stage's input: "+err.Error())
						}
						s := string(b)
						sp.stdin = &redirIn{data: &s}
					}
					wait, err := e.runner(e.ctx()).start(sp, &buf, osOrPort(e.it.CurrentError(), "stderr", os.Stderr), false)
					if err != nil {
						return nil, err
					}
					if st, err = wait(); err != nil {
						return nil, err
					}
					if err := e.it.CurrentOutput().WriteString(buf.String()); err != nil {
						return nil, err
					}
					return &interp.TailCall{Proc: k, Args: []interp.Value{st}}, nil
				}
				if len(sp.stages) != 1 || sp.stages[0].thunk != nil || sp.stdin != nil || sp.out[1] != nil || sp.out[2] != nil || sp.hasGroups() {
					return nil, procErr("exec-epf outside a (begin ...) stage supports a single program without redirections")
				}
				return e.execProgram("exec-epf", sp.stages[0].argv[0], true, sp.stages[0].argv, nil)
			}},
		// (run/port+proc* thunk) and the run/port+proc form: an input port on
		// the output and a process object.
		{Name: "%run/port+proc", MinArgs: 1, MaxArgs: 1,
			Doc: "(%run/port+proc epf): run a process form; a port on its output and its proc",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sp, err := parseEPF(a[0])
				if err != nil {
					return nil, err
				}
				if sp.hasBeginStage() {
					var buf bytes.Buffer
					pr := e.runner(e.ctx())
					wait, err := pr.start(sp, &buf, osOrPort(e.it.CurrentError(), "stderr", os.Stderr), false)
					if err != nil {
						return nil, err
					}
					status, err := wait()
					if err != nil {
						return nil, err
					}
					h := newProcHandle(0, func() (int, error) { return status, nil })
					h.obj = &interp.Opaque{Kind: "proc", Label: "stage", Value: h}
					h.reap()
					return interp.Values(interp.NewStringInputPort(buf.String()), h.obj), nil
				}
				p, pr, wait, err := e.startToPort(it, sp, "run/port+proc")
				if err != nil {
					return nil, err
				}
				return interp.Values(p, e.procs.add(newProcHandle(pr.lastPid, wait))), nil
			}},
		// pipe: two ports over an OS pipe, the read end first. Without fork
		// both ends stay in popsh: the writer blocks once the pipe holds 64 KiB
		// that nobody reads.
		{Name: "pipe", MinArgs: 0, MaxArgs: 0,
			Doc: "(pipe): a connected input port and output port, two values",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				r, w, err := os.Pipe()
				if err != nil {
					return nil, syscallError("pipe", err)
				}
				files.sweep()
				rp := interp.NewInputPort(r, "pipe")
				rp.InterruptWith(it.Context)
				wp := interp.NewOutputPort(w, "pipe")
				files[rp], files[wp] = r, w
				h := e.holder()
				e.pipes.add(rp, h)
				e.pipes.add(wp, h)
				return interp.Values(rp, wp), nil
			}},
		{Name: "port->fdes", MinArgs: 1, MaxArgs: 1,
			Doc: "(port->fdes port): the file descriptor under port (revealed: see port-revealed)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := portFd("port->fdes", a[0], 0)
				if p, ok := a[0].(*interp.Port); ok && err == nil {
					e.reveal(p, fd)
				}
				return fd, err
			}},
		{Name: "port->fd", MinArgs: 1, MaxArgs: 1,
			Doc: "(port->fd port): the file descriptor under port",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return portFd("port->fd", a[0], 0)
			}},
		{Name: "dup", MinArgs: 1, MaxArgs: 2,
			Doc: "(dup port/fd [target]): duplicate a port or file descriptor",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := portFd("dup", a[0], 1)
				if err != nil {
					return nil, err
				}
				if p, ok := a[0].(*interp.Port); ok {
					p.Flush()
				}
				var nfd int
				if len(a) == 2 {
					t, ok := a[1].(int)
					if !ok || t < 0 {
						return nil, argType(2, "target", "a file descriptor", a[1])
					}
					if t <= 2 {
						return nil, scshErr("dup", "popsh does not move file descriptors 0, 1 and 2 of its own process (redirect a process form instead)", a[1])
					}
					if err := runtimeFd("dup", t); err != nil {
						return nil, err
					}
					if err := syscall.Dup3(fd, t, syscall.O_CLOEXEC); err != nil {
						return nil, syscallError("dup2", err, a[0])
					}
					nfd = t
				} else {
					n, err := syscall.Dup(fd)
					if err != nil {
						return nil, syscallError("dup", err, a[0])
					}
					syscall.CloseOnExec(n)
					nfd = n
				}
				p, isPort := a[0].(*interp.Port)
				if !isPort {
					return nfd, nil
				}
				f := os.NewFile(uintptr(nfd), p.Name)
				var np *interp.Port
				if p.Input {
					np = interp.NewInputPort(f, p.Name)
					np.InterruptWith(it.Context)
				} else {
					np = interp.NewOutputPort(f, p.Name)
				}
				files.sweep()
				files[np] = f
				if len(a) == 2 {
					e.reveal(np, nfd)
				} else {
					e.fds.add(nfd, np, 0)
				}
				return np, nil
			}},
		{Name: "move->fdes", MinArgs: 2, MaxArgs: 2,
			Doc: "(move->fdes port/fd target): move a port or descriptor to descriptor target",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, isPort := a[0].(*interp.Port)
				target, isFd := a[1].(int)
				if isPort && isFd && target >= 0 && target <= 2 && !p.IsClosed() {
					// what a forked child does before it execs
					return e.moveToStd(p, target)
				}
				return nil, scshErr("move->fdes", "popsh cannot renumber its own file descriptors; it moves a port onto 0, 1 or 2 only (it then becomes the current input, output or error port); else use a redirection in a process form, such as (> 2 file) or (= 2 1)", a[0])
			}},
		{Name: "select-ports", MinArgs: 1, MaxArgs: -1,
			Doc: "(select-ports timeout port ...): the ports ready for input (timeout #f: wait)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var deadline time.Time
				switch t := a[0].(type) {
				case bool:
					if t {
						return nil, argType(1, "timeout", "#f or a number of seconds", a[0])
					}
				default:
					s, err := secondsArg(a[0], 1, "timeout")
					if err != nil {
						return nil, argType(1, "timeout", "#f or a number of seconds", a[0])
					}
					deadline = time.Now().Add(time.Duration(s * float64(time.Second)))
				}
				ports := make([]*interp.Port, len(a)-1)
				for i, v := range a[1:] {
					p, ok := v.(*interp.Port)
					if !ok {
						return nil, argType(i+2, "port", "a port", v)
					}
					ports[i] = p
				}
				ctx := e.ctx()
				for delay, flushed := time.Millisecond, false; ; {
					var ready []interp.Value
					for _, p := range ports {
						// an output port is taken as ready: writes go to its buffer
						if p.Output || p.Ready() || fdReadable(files, p) {
							ready = append(ready, p)
						}
					}
					if len(ready) > 0 || (!deadline.IsZero() && !time.Now().Before(deadline)) {
						return interp.List(ready...), nil
					}
					if !flushed {
						// Before it waits, Scheme 48 forces the output
						// of the ports it flushes periodically (files,
						// sockets, the current ones): a request written
						// to a socket goes out before the wait for its
						// answer. A failed flush shows at the port's
						// next write.
						interp.FlushOpenPorts(it)
						flushed = true
					}
					wait := delay
					if !deadline.IsZero() {
						if left := time.Until(deadline); left < wait {
							wait = left
						}
					}
					t := time.NewTimer(wait)
					select {
					case <-t.C:
					case <-ctx.Done():
						t.Stop()
						return nil, &interp.ErrorObject{Who: "select-ports", Message: "interrupted", Cause: ctx.Err()}
					}
					if delay < 50*time.Millisecond {
						delay *= 2
					}
				}
			}},
		{Name: "exit", MinArgs: 0, MaxArgs: 1,
			Doc: "(exit [status]): end the program, or the (begin ...) stage it runs in, with status",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if k := e.stageExit(); k != nil {
					code := 0
					if len(a) == 1 {
						switch x := a[0].(type) {
						case int:
							code = x & 0xff
						case bool:
							if !x {
								code = 1
							}
						}
					}
					e.it.CurrentOutput().Flush()
					return &interp.TailCall{Proc: k, Args: []interp.Value{code << 8}}, nil
				}
				return &interp.TailCall{Proc: origExit, Args: append([]interp.Value(nil), a...)}, nil
			}},
	}...)

	// fork and its family: with a thunk, a stage on a thread of its own
	// (fork.go); without one (fork returns twice) an error, as Go cannot
	// fork a running interpreter.
	noThunk := func(name string) error {
		return scshErr(name, "popsh cannot fork the running interpreter, so fork without a thunk (which returns twice) is not supported; give it a thunk, which then runs as a stage beside the program, or run programs with run, & or exec-epf")
	}
	forkDef := func(name string, pipe bool, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 0, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if len(a) == 0 || a[0] == false {
					return nil, noThunk(name)
				}
				var conns []stageConn
				if pipe {
					conns = []stageConn{{from: []int{1}, to: 0}}
				}
				return e.forkStage(name, a[0], conns)
			}}
	}
	forkPlusDef := func(name, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				conns, err := connsArg(a[0])
				if err != nil {
					return nil, err
				}
				if len(a) == 1 || a[1] == false {
					return nil, noThunk(name)
				}
				return e.forkStage(name, a[1], conns)
			}}
	}
	e.it.DefineBuiltins("scsh: process notation",
		forkDef("fork", false, "(fork [thunk]): run thunk as a stage beside the program; its proc object (no thunk: an error)"),
		forkDef("%fork", false, "(%fork [thunk]): as fork"),
		forkDef("fork/pipe", true, "(fork/pipe [thunk]): fork thunk, its output into the current input port"),
		forkDef("%fork/pipe", true, "(%fork/pipe [thunk]): as fork/pipe"),
		forkPlusDef("fork/pipe+", "(fork/pipe+ conns [thunk]): fork/pipe along conns, such as ((1 2 0)): fds 1 and 2 to fd 0"),
		forkPlusDef("%fork/pipe+", "(%fork/pipe+ conns [thunk]): as fork/pipe+"),
		interp.Builtin{Name: "fork-pty-session", MinArgs: 1, MaxArgs: 1, Doc: "(fork-pty-session thunk): fork thunk on a new pty; its proc, an input and an output port on the pty, its tty's name",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.forkPtySession(a[0])
			}},
		interp.Builtin{Name: "%stage-end", MinArgs: 2, MaxArgs: 2, Doc: "(%stage-end proc status): the forked stage proc has ended with status",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return interp.Unspecified, e.stageEnd(a[0], a[1])
			}},
		interp.Builtin{Name: "%stage-error", MinArgs: 2, MaxArgs: 2, Doc: "(%stage-error proc condition): report the error that ends the forked stage proc",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if h, err := e.procOrPid(a[0], 1); err == nil && h.stage != nil && h.stage.sig.Load() != 0 {
					return interp.Unspecified, nil // stopped by a signal: no message
				}
				msg := ""
				if eo, ok := a[1].(*interp.ErrorObject); ok {
					msg = interp.FormatError(eo)
				} else {
					msg = interp.FormatError(&interp.ErrorObject{Message: "uncaught raise:", Irritants: []interp.Value{a[1]}})
				}
				// the frames of the stage's own body (scsh.scm) say nothing
				var lines []string
				for _, l := range strings.Split(strings.TrimRight(msg, "\n"), "\n") {
					if !strings.Contains(l, "(scsh.scm:") {
						lines = append(lines, l)
					}
				}
				p := it.CurrentError()
				p.WriteString(strings.Join(lines, "\n") + "\n")
				p.Flush()
				return interp.Unspecified, nil
			}},
	)
}
