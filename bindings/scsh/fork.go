package scsh

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// Forked stages. In scsh, (fork thunk) forks a child process that calls
// thunk and exits; fork/pipe also connects the child's standard output to
// the parent's standard input. Go cannot fork a running interpreter, so
// popsh runs the thunk as a stage on a Scheme thread of its own, at once
// and beside the program (a (begin ...) form given to run/port* and the
// like runs to its end first; see stage.go): its current input, output
// and error ports are the parent's at the time of the fork, or the ends
// of its pipes; exit, exec and the end of the thunk end the stage only,
// with a wait status the proc object returned gives to wait, wait-any and
// wait/poll. An error ends the stage with status 1 after its message (as
// scsh's call-terminally does). signal-process stops a stage as a signal
// would stop a process. Unlike a child process, a stage shares the heap
// of the program: what it assigns to a variable or a data structure, the
// parent sees.
//
// A stage has a process id of its own for proc:pid and pid->proc, taken
// above Linux's largest process id (PID_MAX_LIMIT, 2^22), so that no
// signal sent by that number reaches a real process.

const stagePidBase = 1 << 22

// forkStage is a stage started by fork and its family.
type forkStage struct {
	pid    int
	thread *interp.Thread
	// sig is the signal that stopped the stage (0: none)
	sig atomic.Int32
	// st and ended are set by %stage-end, in the stage's thread, when
	// the thunk has ended (returned, exited, failed)
	st    int
	ended bool
	// port is the stage's output port on its pipe or terminal (nil:
	// none), closed when the thunk ends; files are the stage's ends of
	// its pipe or terminal, closed once the stage has ended
	port  *interp.Port
	files []*os.File
	// done is closed when the stage has ended and its pipe is closed;
	// status is then its wait status
	done   chan struct{}
	status int
	// fds are the ports of the stage's descriptors 0, 1 and 2, as
	// fdes->inport and fdes->outport give them inside the stage
	fds [3]*interp.Port
}

// stageTable holds the stages that run.
type stageTable struct {
	mu       sync.Mutex
	next     int
	live     map[int]*forkStage
	byThread map[*interp.Thread]*forkStage
}

// current returns the stage the thread t runs, or nil.
func (t *stageTable) current(th *interp.Thread) *forkStage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byThread[th]
}

func (t *stageTable) setThread(st *forkStage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byThread == nil {
		t.byThread = map[*interp.Thread]*forkStage{}
	}
	t.byThread[st.thread] = st
}

func (t *stageTable) add(st *forkStage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.live == nil {
		t.live = map[int]*forkStage{}
	}
	t.next++
	st.pid = stagePidBase + t.next
	t.live[st.pid] = st
}

func (t *stageTable) remove(st *forkStage) {
	t.mu.Lock()
	delete(t.live, st.pid)
	if st.thread != nil {
		delete(t.byThread, st.thread)
	}
	t.mu.Unlock()
}

// running returns the stages that have not ended.
func (t *stageTable) running() []*forkStage {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*forkStage, 0, len(t.live))
	for _, st := range t.live {
		out = append(out, st)
	}
	return out
}

// finish waits for the stage's thread to end, then gives the stage its
// status and closes its pipe, so that the reader sees the end of file.
func (st *forkStage) finish(t *stageTable) {
	<-st.thread.Done()
	switch s := st.sig.Load(); {
	case s != 0:
		st.status = int(s) // killed by the signal
	case st.ended:
		st.status = st.st
	default:
		// stopped with the program (Ctrl-C) before its end
		st.status = int(syscall.SIGINT)
	}
	for _, f := range st.files {
		f.Close()
	}
	t.remove(st)
	close(st.done)
}

// wait is the stage's proc object's wait.
func (st *forkStage) wait() (int, error) {
	<-st.done
	return st.status, nil
}

// exited reports whether the stage has ended.
func (st *forkStage) exited() bool {
	select {
	case <-st.done:
		return true
	default:
		return false
	}
}

// signal does to the stage what sig does to a process by default:
// most signals stop it (its status then says which); those a process
// ignores by default do nothing; stop signals are refused, as a stage
// cannot be stopped and continued.
func (st *forkStage) signal(proc interp.Value, sig syscall.Signal) error {
	if st.exited() {
		return syscallError("kill", syscall.ESRCH, proc, int(sig))
	}
	switch sig {
	case 0, syscall.SIGCHLD, syscall.SIGCONT, syscall.SIGURG, syscall.SIGWINCH:
		return nil
	case syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return scshErr("signal-process", "popsh cannot stop a forked stage (it runs in popsh's process); it can end it (signal/term, signal/kill, signal/int)", proc, int(sig))
	}
	st.sig.CompareAndSwap(0, int32(sig))
	st.thread.Terminate()
	return nil
}

// stagePipeWriter writes a stage's output into its pipe. The reader is
// usually the program itself, on another Scheme thread: a write waits
// for room in the pipe with the interpreter lock released, and stops
// when the stage is stopped. A reader that has closed its end stops the
// stage as SIGPIPE would stop a process.
type stagePipeWriter struct {
	f  *os.File
	it *interp.Interp
	st *forkStage
}

func (w *stagePipeWriter) Write(b []byte) (n int, err error) {
	ctx := w.it.Context()
	w.it.Blocking(func() error {
		n, err = writeCtx(ctx, w.f, b)
		return nil
	})
	if errors.Is(err, syscall.EPIPE) {
		w.st.sig.CompareAndSwap(0, int32(syscall.SIGPIPE))
		w.st.thread.Terminate()
	}
	return n, err
}

func (w *stagePipeWriter) Close() error { return w.f.Close() }

// writeCtx writes b to the pipe f, giving up when ctx ends.
func writeCtx(ctx context.Context, f *os.File, b []byte) (int, error) {
	if ctx.Done() == nil {
		return f.Write(b)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		_ = f.SetWriteDeadline(time.Unix(1, 0))
	})
	n, err := f.Write(b)
	if !stop() {
		<-fired
		_ = f.SetWriteDeadline(time.Time{})
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = ctx.Err()
		}
	}
	return n, err
}

// stagePipeFile is the pipe under a stage's output port, or nil: a
// program the stage runs writes into it directly.
func stagePipeFile(p *interp.Port) *os.File {
	if w, ok := p.Sink().(*stagePipeWriter); ok {
		return w.f
	}
	return nil
}

// inputSource is what a program reads when it is to read what the port
// p would: the file under p when p holds nothing read ahead, else p's
// buffered reader.
func inputSource(p *interp.Port) io.Reader {
	if f := p.OSFile(); f != nil && p.Buffered() == 0 {
		return f
	}
	return p.Reader()
}

// stageConn is a connection of fork/pipe+: the stage's descriptors from
// write into a pipe that the parent's descriptor to reads.
type stageConn struct {
	from []int
	to   int
}

// connsArg reads fork/pipe+'s connection list: ((from ... to) ...).
// A stage's descriptors are its current output (1) and error (2) ports;
// the parent's is its current input port (0).
func connsArg(v interp.Value) ([]stageConn, error) {
	items, ok := interp.ListToSlice(v)
	if !ok || len(items) == 0 {
		return nil, argType(1, "conns", "a list of connections ((from-fd ... to-fd) ...)", v)
	}
	var out []stageConn
	for _, c := range items {
		fds, ok := interp.ListToSlice(c)
		if !ok || len(fds) < 2 {
			return nil, argType(1, "conns", "a list of connections ((from-fd ... to-fd) ...)", v)
		}
		var sc stageConn
		for i, x := range fds {
			n, ok := x.(int)
			if !ok || n < 0 {
				return nil, argType(1, "conns", "a list of connections ((from-fd ... to-fd) ...)", v)
			}
			if i == len(fds)-1 {
				if n != 0 {
					return nil, scshErr("fork/pipe+", "popsh connects a stage's pipe to the parent's descriptor 0 (its current input port) only, got", x)
				}
				sc.to = n
			} else {
				if n != 1 && n != 2 {
					return nil, scshErr("fork/pipe+", "a stage writes into a pipe from its descriptors 1 and 2 (current output and error ports) only, got", x)
				}
				sc.from = append(sc.from, n)
			}
		}
		out = append(out, sc)
	}
	if len(out) > 1 {
		return nil, scshErr("fork/pipe+", "popsh connects one pipe to the parent's descriptor 0; got several connections", v)
	}
	return out, nil
}

// forkStage starts thunk as a stage (see above) and returns its proc
// object; with conns, the stage's descriptors they name write into a
// pipe that becomes the parent's current input port.
func (e *scshEnv) forkStage(who string, thunk interp.Value, conns []stageConn) (interp.Value, error) {
	if !interp.IsProcedure(thunk) {
		return nil, argType(1, "thunk", "a procedure", thunk)
	}
	// as scsh's fork: the output so far is written before the child's
	interp.FlushOpenPorts(e.it)
	in, out, errp := e.it.CurrentInput(), e.it.CurrentOutput(), e.it.CurrentError()
	st := &forkStage{done: make(chan struct{})}
	var rp *interp.Port
	if len(conns) > 0 {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, syscallError("pipe", err)
		}
		st.files = []*os.File{w}
		st.port = interp.NewOutputPort(&stagePipeWriter{f: w, it: e.it, st: st}, "fork/pipe")
		for _, fd := range conns[0].from {
			if fd == 1 {
				out = st.port
			} else {
				errp = st.port
			}
		}
		rp = interp.NewInputPort(r, "fork/pipe")
		rp.InterruptWith(e.it.Context)
	}
	obj, err := e.spawnStage(who, thunk, st, in, out, errp)
	if err != nil {
		if rp != nil {
			rp.Close()
		}
		return nil, err
	}
	if rp != nil {
		// the parent reads the stage's output: as scsh's fork/pipe moves
		// the pipe to the parent's descriptor 0
		e.it.SetCurrentPort(0, rp)
		if parent := e.stages.current(e.it.Current()); parent != nil {
			parent.fds[0] = rp
		} else if e.stageExit() == nil {
			e.stdin0 = rp
		}
	}
	return obj, nil
}

// spawnStage starts the stage st running thunk with the ports given as
// its descriptors 0, 1 and 2; its proc object.
func (e *scshEnv) spawnStage(who string, thunk interp.Value, st *forkStage, in, out, errp *interp.Port) (interp.Value, error) {
	body, ok := e.it.Lookup("%scsh-fork-body")
	if !ok {
		return nil, procErr("fork needs the scsh prelude")
	}
	st.fds = [3]*interp.Port{in, out, errp}
	forker := e.holder()
	e.stages.add(st)
	e.pipes.inherit(forker, st.pid)
	h := newProcHandle(st.pid, st.wait)
	h.stage = st
	obj := e.procs.add(h)
	run, err := e.call(body, obj, thunk, in, out, errp)
	if err == nil {
		st.thread, err = e.it.Spawn(run, interp.Intern(who))
	}
	if err != nil {
		e.stages.remove(st)
		e.procs.waited(h)
		for _, f := range st.files {
			f.Close()
		}
		close(st.done)
		return nil, err
	}
	e.stages.setThread(st)
	go st.finish(&e.stages)
	return obj, nil
}

// forkPtySession is fork-pty-session: thunk runs as a stage whose
// descriptors 0, 1 and 2 are the terminal of a new pseudo terminal;
// four values: its proc object, an input and an output port on the
// pty's master side, and the terminal's name. Unlike scsh's child, the
// stage has no session of its own, and the terminal is not its
// controlling terminal.
func (e *scshEnv) forkPtySession(thunk interp.Value) (interp.Value, error) {
	if !interp.IsProcedure(thunk) {
		return nil, argType(1, "thunk", "a procedure", thunk)
	}
	interp.FlushOpenPorts(e.it)
	master, name, err := openPTY()
	if err != nil {
		return nil, err
	}
	slave, err := os.OpenFile(name, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, fileError("open", unwrapPathErr(err), name)
	}
	mfd, err := unix.Dup(fileFd(master))
	if err != nil {
		master.Close()
		slave.Close()
		return nil, syscallError("dup", err)
	}
	unix.CloseOnExec(mfd)
	st := &forkStage{done: make(chan struct{}), files: []*os.File{slave}}
	in := e.newFdPort(slave, true)
	st.port = interp.NewOutputPort(&stagePipeWriter{f: slave, it: e.it, st: st}, name)
	st.port.LineFlush = true // a terminal: each line is there to be read
	obj, err := e.spawnStage("fork-pty-session", thunk, st, in, st.port, st.port)
	if err != nil {
		master.Close()
		unix.Close(mfd)
		return nil, err
	}
	ptyIn := e.newFdPort(master, true)
	ptyOut := e.newFdPort(os.NewFile(uintptr(mfd), "/dev/ptmx"), false)
	return interp.Values(obj, ptyIn, ptyOut, interp.NewString(name)), nil
}

// stageFd is the port of descriptor fd (0, 1 or 2) where fork has
// changed it: inside a forked stage, the stage's; in the program, the
// pipe fork/pipe made its descriptor 0. Otherwise nil.
func (e *scshEnv) stageFd(fd int) *interp.Port {
	if fd < 0 || fd > 2 {
		return nil
	}
	if st := e.stages.current(e.it.Current()); st != nil {
		return st.fds[fd]
	}
	if fd == 0 && e.stdin0 != nil && e.stdin0.InputOpen() {
		return e.stdin0
	}
	return nil
}

// stageEnd is %stage-end: the stage's thunk has ended with status; its
// output port is flushed and closed.
func (e *scshEnv) stageEnd(proc interp.Value, status interp.Value) error {
	h, err := e.procOrPid(proc, 1)
	if err != nil || h.stage == nil {
		return argType(1, "proc", "the proc object of a forked stage", proc)
	}
	st := h.stage
	n, _ := status.(int)
	st.st, st.ended = n, true
	if st.port != nil {
		st.port.Close()
	}
	e.stageLetGo(st)
	return nil
}

// processStdin is what a program started by popsh (not inside a stage)
// reads by default: popsh's standard input, or the pipe from a stage
// that fork/pipe made the program's input.
func (e *scshEnv) processStdin() io.Reader {
	if p := e.stdin0; p != nil && p.InputOpen() {
		return inputSource(p)
	}
	return os.Stdin
}

// WaitStages waits, at the end of a program, for the stages it forked
// that still run, as their output is part of the program's: err is the
// outcome of the program, returned as it is when it is an error (the
// stages are then stopped with the process). Cancelling ctx (Ctrl-C)
// stops the wait and the stages; the outcome is then an interrupt.
func WaitStages(ctx context.Context, it *interp.Interp, err error) error {
	e, ok := it.Local(envKey).(*scshEnv)
	if !ok || !endsNormally(err) {
		return err
	}
	live := e.stages.running()
	if len(live) == 0 {
		return err
	}
	var cause error
	it.Blocking(func() error {
		for _, st := range live {
			select {
			case <-st.done:
			case <-ctx.Done():
				cause = ctx.Err()
				return nil
			}
		}
		return nil
	})
	if cause != nil {
		for _, st := range e.stages.running() {
			st.sig.CompareAndSwap(0, int32(syscall.SIGINT))
			st.thread.Terminate()
		}
		return &interp.ErrorObject{Message: "interrupted", Cause: cause}
	}
	return err
}

// A forked child in scsh has its own copies of the parent's descriptors:
// closing a pipe's end in one leaves the other's open, and the reader
// sees the end of file once every copy of the write end is closed. The
// ports made by pipe are shared by the program and its stages, so popsh
// counts who holds each: the program or stage that made it, and the
// stages forked while their forker held it. close by one holder only
// drops that holder; the port closes when none is left. A stage that
// ends drops what it held (its output there flushed first, as a process
// flushes at exit).

// pipeHolders records the holders of the ports made by pipe (0 stands
// for the program, a stage for itself by its process id).
type pipeHolders struct {
	mu   sync.Mutex
	held map[*interp.Port]map[int]bool
}

// holder is the holder id of the code running: its stage's id, or 0.
func (e *scshEnv) holder() int {
	if st := e.stages.current(e.it.Current()); st != nil {
		return st.pid
	}
	return 0
}

// add records a port made by pipe, held by h.
func (ph *pipeHolders) add(p *interp.Port, h int) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	if ph.held == nil {
		ph.held = map[*interp.Port]map[int]bool{}
	}
	ph.held[p] = map[int]bool{h: true}
}

// inherit makes the new stage child a holder of every open pipe port the
// forking holder parent holds.
func (ph *pipeHolders) inherit(parent, child int) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	for p, hs := range ph.held {
		if p.IsClosed() {
			delete(ph.held, p)
			continue
		}
		if hs[parent] {
			hs[child] = true
		}
	}
}

// drop removes holder h from port p; it reports whether p is to be
// closed: no holder left, or a port not made by pipe.
func (ph *pipeHolders) drop(p *interp.Port, h int) bool {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	hs, ok := ph.held[p]
	if !ok {
		return true
	}
	delete(hs, h)
	if len(hs) > 0 {
		return false
	}
	delete(ph.held, p)
	return true
}

// dropAll removes holder h from every port; the ports it held, and
// those left with no holder.
func (ph *pipeHolders) dropAll(h int) (held, orphans []*interp.Port) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	for p, hs := range ph.held {
		if !hs[h] {
			continue
		}
		held = append(held, p)
		delete(hs, h)
		if len(hs) == 0 {
			delete(ph.held, p)
			orphans = append(orphans, p)
		}
	}
	return held, orphans
}

// closePort is scsh's close of a port: for a port made by pipe, the
// holder running lets go of it, and it closes when no holder is left.
// close-port, close-input-port and close-output-port ask the same
// (letGo, the interpreter's close hook).
func (e *scshEnv) closePort(p *interp.Port) error {
	if !e.letGo(p) {
		p.Flush()
		return nil
	}
	return p.Close()
}

// letGo drops the running holder's hold on p: whether p is to close.
func (e *scshEnv) letGo(p *interp.Port) bool { return e.pipes.drop(p, e.holder()) }

// stageLetGo is the end of stage st for the pipes it held: its output
// there is flushed, and the ports no one else holds are closed.
func (e *scshEnv) stageLetGo(st *forkStage) {
	held, orphans := e.pipes.dropAll(st.pid)
	for _, p := range held {
		p.Flush()
	}
	for _, p := range orphans {
		p.Close()
	}
}

// moveToStd is move->fdes of a port onto descriptor 0, 1 or 2 in a
// forked stage (or the program): the port becomes the current input,
// output or error port, and what fdes->inport and fdes->outport give
// for that descriptor, as the renumbered descriptor would be in scsh's
// child. Its value is the port.
func (e *scshEnv) moveToStd(p *interp.Port, fd int) (interp.Value, error) {
	if (fd == 0) != p.Input {
		return nil, scshErr("move->fdes", "the port cannot be descriptor "+strconv.Itoa(fd)+" (an input port goes to 0, an output port to 1 or 2)", p, fd)
	}
	e.it.SetCurrentPort(fd, p)
	if st := e.stages.current(e.it.Current()); st != nil {
		st.fds[fd] = p
	} else if fd == 0 {
		e.stdin0 = p
	}
	return p, nil
}
