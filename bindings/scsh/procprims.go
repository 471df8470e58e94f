package scsh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// procHandle is a process object made by & (or pid->proc).
type procHandle struct {
	pid  int
	wait func() (int, error)
	// ended, when set, is called once the process has been reaped
	ended func()
	// obj is the process's Scheme object; pgid its process group when
	// last seen; reaping is set once a goroutine waits for it
	obj     *interp.Opaque
	pgid    atomic.Int64
	reaping atomic.Bool
	// child is set for the children popsh started (the process table's),
	// whose group is read again once they have ended
	child bool
	// stage is set for a forked stage (fork.go), which has no process
	stage *forkStage

	once sync.Once
	done chan struct{} // closed when the process has been waited for
	st   int
	err  error
}

// newProcHandle makes the process object of a child; wait reaps it.
func newProcHandle(pid int, wait func() (int, error)) *procHandle {
	return &procHandle{pid: pid, wait: wait, done: make(chan struct{})}
}

// reap starts waiting for the process in the background, once.
func (h *procHandle) reap() {
	h.once.Do(func() {
		h.reaping.Store(true)
		go func() {
			// Once the process has ended, and before it is reaped, its
			// process group is read again: it may have moved (setsid,
			// setpgid) since it was last seen, and wait-process-group
			// matches on the group it ended in.
			if h.child && waitExitedNoReap(h.pid) {
				if pg, err := unix.Getpgid(h.pid); err == nil {
					h.pgid.Store(int64(pg))
				}
			}
			h.st, h.err = h.wait()
			close(h.done)
			if h.ended != nil {
				h.ended()
			}
		}()
	})
}

// waitExitedNoReap waits until child pid has ended, leaving it a zombie
// (waitid with WNOWAIT); false if pid is no child of popsh's.
func waitExitedNoReap(pid int) bool {
	const pPID = 1     // waitid's P_PID
	var info [128]byte // a siginfo_t
	for {
		_, _, errno := syscall.Syscall6(unix.SYS_WAITID, pPID, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), unix.WEXITED|unix.WNOWAIT, 0, 0)
		if errno != syscall.EINTR {
			return errno == 0
		}
	}
}

// exited reports whether the process has ended, reaped or not.
func (h *procHandle) exited() bool {
	if h.stage != nil {
		return h.stage.exited()
	}
	return h.reaped() || exitedUnreaped(h.pid)
}

// reaped reports whether the process has ended and been waited for.
func (h *procHandle) reaped() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// result waits for the process until it ends or ctx ends (Ctrl-C): the
// process is waited for once, in the background, so a wait interrupted
// can be done again.
func (h *procHandle) result(ctx context.Context) (int, error) {
	h.reap()
	select {
	case <-h.done:
		return h.st, h.err
	case <-ctx.Done():
		return 0, &interp.ErrorObject{Who: "wait", Message: "interrupted", Cause: ctx.Err()}
	}
}

// runner returns a process runner. Synchronous forms (run, run/strings...)
// use the evaluation's context, so Ctrl-C kills their children; & and
// run/port children outlive the evaluation that started them.
func (e *scshEnv) runner(ctx context.Context) *procRunner {
	return &procRunner{it: e.it, ctx: ctx, call: e.call, runStr: e.runThunk, lookPath: e.lookPath, stdin: e.processStdin}
}

// runThunk runs a (begin ...) process stage: the Scheme helper
// %scsh-run-thunk calls thunk with input (nil: the current input port) as
// (current-input-port) and
// returns the stage's wait status (0, or what exec or exit in it gave)
// and what it wrote to (current-output-port).
func (e *scshEnv) runThunk(thunk interp.Value, input *string, stderr io.Writer) (string, int, error) {
	helper, ok := e.it.Lookup("%scsh-run-thunk")
	if !ok {
		return "", 0, procErr("(begin ...) process forms need the scsh prelude")
	}
	var in interp.Value = false
	if input != nil {
		in = interp.NewString(*input)
	}
	var errPort interp.Value = false
	if b, ok := stderr.(*bytes.Buffer); ok { // run/collecting of fd 2
		p := interp.NewOutputPort(b, "run/collecting")
		defer p.Flush()
		errPort = p
	}
	v, err := e.call(helper, thunk, in, errPort)
	if err != nil {
		return "", 0, err
	}
	p, ok := v.(*interp.Pair)
	if !ok {
		return "", 0, procErr("(begin ...) stage: bad result %s", interp.WriteString(v))
	}
	status, _ := p.Car.(int)
	s, _ := p.Cdr.(*interp.String)
	if s == nil {
		return "", status, nil
	}
	return s.String(), status, nil
}

// cappedBuffer collects a process's output up to max bytes; a write
// beyond it fails (the process then gets EPIPE or SIGPIPE) and sets over.
type cappedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		return 0, errors.New("output longer than the read limit")
	}
	return b.Buffer.Write(p)
}

func (e *scshEnv) installProc() {
	// run a form synchronously, stdout into the given writer
	runTo := func(form interp.Value, out *cappedBuffer) (int, error) {
		sp, err := parseEPF(form)
		if err != nil {
			return 0, err
		}
		stdout := osOrPort(e.it.CurrentOutput(), "stdout", os.Stdout)
		if out != nil {
			out.max = e.it.MaxRead()
			stdout = out
		}
		ctx := e.ctx()
		pr := e.runner(ctx)
		wait, err := pr.start(sp, stdout, osOrPort(e.it.CurrentError(), "stderr", os.Stderr), false)
		if err != nil {
			return 0, err
		}
		st, err := e.waitReleased(sp, pr, wait, stdout)
		if err == nil && ctx.Err() != nil {
			err = &interp.ErrorObject{Who: "run", Message: "interrupted", Cause: ctx.Err()}
		}
		if out != nil && out.over && ctx.Err() == nil {
			err = &interp.ErrorObject{Kind: interp.KindReadError, Message: fmt.Sprintf("the output of the process is longer than the read limit of %d bytes (set-read-limit! changes it)", out.max)}
		}
		return st, err
	}
	// exec, exec-path, %exec-epf and the rest: stage.go.
	// procArg reads a process object, argument pos (as for argType).
	procArg := func(v interp.Value, pos int) (*procHandle, error) {
		if o, ok := v.(*interp.Opaque); ok {
			if h, ok := o.Value.(*procHandle); ok {
				return h, nil
			}
		}
		return nil, argType(pos, "proc", "a process object", v)
	}
	e.it.DefineBuiltins("scsh: process notation", []interp.Builtin{
		{Name: "%run", MinArgs: 1, MaxArgs: 1,
			Doc: "(%run epf): run a process form and wait; its exit status",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				st, err := runTo(a[0], nil)
				if err != nil {
					return nil, err
				}
				return st, nil
			}},
		{Name: "%run/strings", MinArgs: 1, MaxArgs: 1,
			Doc: "(%run/strings epf): run a process form; its output as a list of lines",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var buf cappedBuffer
				if _, err := runTo(a[0], &buf); err != nil {
					return nil, err
				}
				return interp.List(splitLines(buf.String())...), nil
			}},
		{Name: "%run/string", MinArgs: 1, MaxArgs: 1,
			Doc: "(%run/string epf): run a process form; its output as a string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				var buf cappedBuffer
				if _, err := runTo(a[0], &buf); err != nil {
					return nil, err
				}
				return interp.NewString(buf.String()), nil
			}},
		// (run/collecting fds pf): run pf to completion with each of the file
		// descriptors fds (1 and/or 2) collected; returns the exit status and,
		// for each fd in order, an input port reading what it received.
		{Name: "%run/collecting", MinArgs: 2, MaxArgs: 2,
			Doc: "(%run/collecting fds epf): run a process form collecting fds into temp files",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fds, ok := interp.ListToSlice(a[0])
				if !ok {
					return nil, argType(1, "fds", "a list of file descriptors", a[0])
				}
				var bufs [3]*bytes.Buffer
				for _, fd := range fds {
					n, ok := fd.(int)
					if !ok || n < 1 || n > 2 {
						return nil, scshErr("run/collecting", "only file descriptors 1 and 2 can be collected, got", fd)
					}
					if bufs[n] != nil {
						return nil, scshErr("run/collecting", "file descriptor listed twice", fd)
					}
					bufs[n] = new(bytes.Buffer)
				}
				sp, err := parseEPF(a[1])
				if err != nil {
					return nil, err
				}
				var stdout, stderr io.Writer = osOrPort(e.it.CurrentOutput(), "stdout", os.Stdout), osOrPort(e.it.CurrentError(), "stderr", os.Stderr)
				if bufs[1] != nil {
					stdout = bufs[1]
				}
				if bufs[2] != nil {
					stderr = bufs[2]
				}
				ctx := e.ctx()
				pr := e.runner(ctx)
				wait, err := pr.start(sp, stdout, stderr, false)
				if err != nil {
					return nil, err
				}
				st, err := e.waitReleased(sp, pr, wait, stdout, stderr)
				if err == nil && ctx.Err() != nil {
					err = &interp.ErrorObject{Who: "run/collecting", Message: "interrupted", Cause: ctx.Err()}
				}
				if err != nil {
					return nil, err
				}
				vals := []interp.Value{st}
				for _, fd := range fds {
					vals = append(vals, interp.NewStringInputPort(bufs[fd.(int)].String()))
				}
				return interp.Values(vals...), nil
			}},
		{Name: "%run/port", MinArgs: 1, MaxArgs: 1,
			Doc: "(%run/port epf): run a process form; a port on its output",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sp, err := parseEPF(a[0])
				if err != nil {
					return nil, err
				}
				if sp.hasBeginStage() {
					var buf cappedBuffer
					if _, err := runTo(a[0], &buf); err != nil {
						return nil, err
					}
					return interp.NewStringInputPort(buf.String()), nil
				}
				p, _, wait, err := e.startToPort(it, sp, "run/port")
				if err != nil {
					return nil, err
				}
				go wait() // reap the children when they finish
				return p, nil
			}},
		{Name: "%&", MinArgs: 1, MaxArgs: 1,
			Doc: "(%& epf): start a process form in the background; its proc",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				sp, err := parseEPF(a[0])
				if err != nil {
					return nil, err
				}
				if sp.hasBeginStage() {
					// a forked stage, as scsh forks a child for the form
					if len(sp.stages) == 1 && sp.plain() {
						return e.forkStage("&", sp.stages[0].thunk, nil)
					}
					mk, ok := e.it.Lookup("%scsh-epf-thunk")
					if !ok {
						return nil, procErr("(begin ...) process forms need the scsh prelude")
					}
					thunk, err := e.call(mk, a[0])
					if err != nil {
						return nil, err
					}
					return e.forkStage("&", thunk, nil)
				}
				e.it.CurrentOutput().Flush()
				pr := e.runner(context.Background())
				wait, err := pr.start(sp, os.Stdout, os.Stderr, true)
				if err != nil {
					return nil, err
				}
				return e.procs.add(newProcHandle(pr.lastPid, wait)), nil
			}},
		// wait: procobj.go
		{Name: "proc?", MinArgs: 1, MaxArgs: 1,
			Doc: "(proc? obj): whether obj is a process object",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				_, err := procArg(a[0], 0)
				return err == nil, nil
			}},
		{Name: "proc:pid", MinArgs: 1, MaxArgs: 1,
			Doc: "(proc:pid proc): the process id of proc",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				h, err := procArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				return h.pid, nil
			}},
	}...)
	status := func(who string, f func(ws syscall.WaitStatus) interp.Value, doc string) interp.Builtin {
		return interp.Builtin{Name: who, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				n, ok := a[0].(int)
				if !ok {
					return nil, interp.TypeError("a wait status", a[0])
				}
				return f(syscall.WaitStatus(n)), nil
			}}
	}
	e.it.DefineBuiltins("scsh: process notation",
		status("status:exit-val", func(ws syscall.WaitStatus) interp.Value {
			if ws.Exited() {
				return ws.ExitStatus()
			}
			return false
		}, "(status:exit-val status): the exit code of a wait status, or #f if killed by a signal"),
		status("status:term-sig", func(ws syscall.WaitStatus) interp.Value {
			if ws.Signaled() {
				return int(ws.Signal())
			}
			return false
		}, "(status:term-sig status): the signal that killed the process, or #f"),
		status("status:stop-sig", func(ws syscall.WaitStatus) interp.Value {
			if ws.Stopped() {
				return int(ws.StopSignal())
			}
			return false
		}, "(status:stop-sig status): the signal that stopped the process, or #f"),
	)
}

// waitReleased waits for a pipeline with the interpreter lock released,
// so that other Scheme threads run meanwhile, when nothing Scheme takes
// part in it: no (begin ...) stage, no Scheme port pumped into or out of
// a child (such pumps must not run beside other threads).
// startToPort starts the programs of sp in the background, their output
// on a pipe, and returns an input port on it named name, the runner and
// the function that waits for them.
func (e *scshEnv) startToPort(it *interp.Interp, sp *procSpec, name string) (*interp.Port, *procRunner, func() (int, error), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, nil, syscallError("pipe", err)
	}
	pr := e.runner(context.Background())
	wait, err := pr.start(sp, w, os.Stderr, false)
	w.Close()
	if err != nil {
		r.Close()
		return nil, nil, nil, err
	}
	p := interp.NewInputPort(r, name)
	p.InterruptWith(it.Context)
	return p, pr, wait, nil
}

func (e *scshEnv) waitReleased(sp *procSpec, pr *procRunner, wait func() (int, error), outs ...io.Writer) (int, error) {
	if sp.stdp || pr.pumped {
		// (a pumped output is written into its port by wait, which
		// releases the lock while it waits for more)
		return wait()
	}
	if sp.hasBeginStage() {
		return wait()
	}
	for _, w := range outs {
		if _, ok := w.(portWriter); ok {
			return wait()
		}
	}
	var st int
	var err error
	e.it.Blocking(func() error {
		st, err = wait()
		return nil
	})
	return st, err
}

// osOrPort gives a child the process's own stdout/stderr when the Scheme
// port is the interpreter's port over it (named "stdout"/"stderr"), so
// that output appears as it is written; otherwise the child's output is
// pumped into the Scheme port (a string port, a file port...). The port
// is flushed first so that output keeps its order.
func osOrPort(p *interp.Port, osName string, f *os.File) io.Writer {
	p.Flush()
	if p.Name == osName {
		return f
	}
	if pf := stagePipeFile(p); pf != nil {
		return pf // a forked stage's pipe: the program writes into it
	}
	return portWriter{p}
}
