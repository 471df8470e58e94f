package scsh

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"weak"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// scsh ties a port to its file descriptor: a table maps each descriptor
// to the port over it (fdes->inport returns that port again), and a port's
// "revealed" count says how many times its descriptor was handed out
// (port->fdes, fdes->inport ...). A revealed descriptor stays open across
// exec (children inherit it); an unrevealed one is closed on exec.
// fdTable is that table for one interpreter. The standard ports (fds 0, 1
// and 2) are the interpreter's own (interp.Interp.StdPort); the others
// are over os.File values, which popsh never makes twice for one
// descriptor it knows. As in scsh, the table holds an unrevealed port
// weakly: a port the program dropped is collected, and its descriptor
// closed, as any file port's.
type fdTable struct {
	ports map[int]*fdEntry
	// std are the interpreter's standard ports, taken on first use
	// (before set-current-output-port! and friends can change them)
	std [3]*interp.Port
}

// fdEntry is a descriptor's port and its revealed count; strong holds the
// port while the count is above 0.
type fdEntry struct {
	strong *interp.Port
	weak   weak.Pointer[interp.Port]
	count  int
}

func newFdTable() *fdTable {
	return &fdTable{ports: map[int]*fdEntry{}}
}

// port is the open port over fd in the table, or nil.
func (t *fdTable) port(fd int) *interp.Port {
	en := t.ports[fd]
	if en == nil {
		return nil
	}
	p := en.strong
	if p == nil {
		p = en.weak.Value()
	}
	if p == nil || p.IsClosed() {
		delete(t.ports, fd)
		return nil
	}
	return p
}

// add puts p in the table as the port of fd, revealed count times.
func (t *fdTable) add(fd int, p *interp.Port, count int) *fdEntry {
	en := &fdEntry{weak: weak.Make(p), count: count}
	if count > 0 {
		en.strong = p
	}
	t.ports[fd] = en
	return en
}

// entry is p's entry in the table and its descriptor, or nil.
func (t *fdTable) entry(p *interp.Port) (int, *fdEntry) {
	for fd := range t.ports {
		if t.port(fd) == p {
			return fd, t.ports[fd]
		}
	}
	return -1, nil
}

// stdFd says whether p is one of the interpreter's standard ports, and
// which descriptor it stands for.
func (e *scshEnv) stdFd(p *interp.Port) (int, bool) {
	for fd := 0; fd <= 2; fd++ {
		if e.stdPort(fd) == p {
			return fd, true
		}
	}
	return 0, false
}

// stdPort is the interpreter's port for descriptor 0, 1 or 2.
func (e *scshEnv) stdPort(fd int) *interp.Port {
	if e.fds.std[0] == nil {
		for i := range e.fds.std {
			e.fds.std[i] = e.it.StdPort(i)
		}
	}
	return e.fds.std[fd]
}

// portFdes is the descriptor under a port, or -1 when it has none (a
// string port, a socket wrapper).
func (e *scshEnv) portFdes(p *interp.Port) int {
	if fd, ok := e.stdFd(p); ok {
		return fd
	}
	if f := p.OSFile(); f != nil {
		return fileFd(f)
	}
	fd, _ := e.fds.entry(p)
	return fd
}

// fdArg reads a port or file descriptor, argument pos named param (as for
// argType), and gives the descriptor without revealing it (scsh's
// sleazy-call/fdes).
func (e *scshEnv) fdArg(who string, v interp.Value, pos int, param string) (int, error) {
	switch x := v.(type) {
	case int:
		if x >= 0 {
			return x, nil
		}
	case *interp.Port:
		if x.IsClosed() {
			return 0, scshErr(who, "the port is closed", v)
		}
		if fd := e.portFdes(x); fd >= 0 {
			return fd, nil
		}
		return 0, scshErr(who, "the port is not over a file descriptor", v)
	}
	return 0, argType(pos, param, "a port or a file descriptor", v)
}

// reveal records that p's descriptor fd was handed out once more: the
// port joins the table and its descriptor stays open across exec.
func (e *scshEnv) reveal(p *interp.Port, fd int) {
	en := e.fds.ports[fd]
	if e.fds.port(fd) != p {
		en = e.fds.add(fd, p, e.revealedCount(p))
	}
	en.count++
	en.strong = p
	if en.count == 1 && fd > 2 {
		setCloexec(fd, false)
		// a descriptor handed out is for programs, which expect it in
		// blocking mode (popsh's poller put its pipes in non-blocking
		// mode, and the mode belongs to the open file the child shares:
		// cat on a revealed pipe failed at once with EAGAIN)
		unix.SetNonblock(fd, false)
	}
}

// release lowers a port's revealed count; at 0 its descriptor is closed
// on exec again and the table holds the port weakly.
func (e *scshEnv) release(p *interp.Port, fd int) {
	if e.fds.port(fd) != p {
		e.fds.add(fd, p, e.revealedCount(p))
	}
	en := e.fds.ports[fd]
	if en.count == 0 {
		return
	}
	en.count--
	if en.count == 0 {
		en.strong = nil
		if fd > 2 {
			setCloexec(fd, true)
		}
	}
}

func setCloexec(fd int, on bool) {
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil {
		return
	}
	if on {
		flags |= unix.FD_CLOEXEC
	} else {
		flags &^= unix.FD_CLOEXEC
	}
	unix.FcntlInt(uintptr(fd), unix.F_SETFD, flags)
}

// revealedCount is a port's revealed count: 1 for the standard ports
// until released, as in scsh, where they are made revealed.
func (e *scshEnv) revealedCount(p *interp.Port) int {
	if _, en := e.fds.entry(p); en != nil {
		return en.count
	}
	if _, std := e.stdFd(p); std {
		return 1
	}
	return 0
}

// fdesPort implements fdes->inport and fdes->outport: the port already
// over fd (its revealed count raised), else a new one, revealed once.
func (e *scshEnv) fdesPort(who string, fd int, input bool) (*interp.Port, error) {
	want := "an output port"
	if input {
		want = "an input port"
	}
	if p := e.stageFd(fd); p != nil {
		// a forked stage's descriptor, or the pipe from one
		if p.Input != input {
			return nil, scshErr(who, "file descriptor "+strconv.Itoa(fd)+" is the descriptor of a port that is not "+want, fd, p)
		}
		return p, nil
	}
	if p := e.fds.port(fd); p != nil {
		if p.Input != input {
			return nil, scshErr(who, "file descriptor "+strconv.Itoa(fd)+" is already the descriptor of a port that is not "+want, fd, p)
		}
		e.reveal(p, fd)
		return p, nil
	}
	if fd <= 2 {
		if p := e.stdPort(fd); p != nil && !p.IsClosed() {
			if p.Input != input {
				return nil, scshErr(who, "file descriptor "+strconv.Itoa(fd)+" is the interpreter's standard port, not "+want, fd, p)
			}
			e.reveal(p, fd)
			return p, nil
		}
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		return nil, syscallError("fcntl", err, fd)
	}
	if err := runtimeFd(who, fd); err != nil {
		return nil, err
	}
	var f *os.File
	switch fd {
	case 0:
		f = os.Stdin
	case 1:
		f = os.Stdout
	case 2:
		f = os.Stderr
	default:
		f = os.NewFile(uintptr(fd), "fd "+strconv.Itoa(fd))
	}
	p := e.newFdPort(f, input)
	e.reveal(p, fd)
	return p, nil
}

// newFdPort makes a port over f, an input port reading it or an output
// port writing it.
func (e *scshEnv) newFdPort(f *os.File, input bool) *interp.Port {
	if input {
		p := interp.NewInputPort(f, f.Name())
		p.InterruptWith(e.it.Context)
		return p
	}
	p := interp.NewOutputPort(f, f.Name())
	interp.TrackOutputPort(e.it, p)
	// a port to a terminal writes each line out, as C's stdio and popsh's
	// own standard output do: a line written to a pty is there to be read
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { p.LineFlush = isTTY(int(fd)) })
	}
	return p
}

// dupFdes implements dup->fdes: a new descriptor for fd/port, or fd/port
// duplicated onto target (not 0, 1 or 2, which popsh does not move).
func (e *scshEnv) dupFdes(who string, a []interp.Value) (int, error) {
	fd, err := e.fdArg(who, a[0], 1, "fd/port")
	if err != nil {
		return 0, err
	}
	if p, ok := a[0].(*interp.Port); ok {
		p.Flush()
	}
	if len(a) < 2 {
		n, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
		if err != nil {
			return 0, syscallError("dup", err, a[0])
		}
		return n, nil
	}
	t, ok := a[1].(int)
	if !ok || t < 0 {
		return 0, argType(2, "target", "a file descriptor", a[1])
	}
	if t <= 2 {
		return 0, scshErr(who, "popsh does not move file descriptors 0, 1 and 2 of its own process (redirect a process form instead)", a[1])
	}
	if p := e.fds.port(t); p != nil && t != fd {
		return 0, scshErr(who, "file descriptor "+strconv.Itoa(t)+" is the descriptor of a port; close the port first", a[1], p)
	}
	if t == fd {
		return t, nil
	}
	if err := runtimeFd(who, t); err != nil {
		return 0, err
	}
	if err := unix.Dup3(fd, t, 0); err != nil {
		return 0, syscallError("dup2", err, a[0], a[1])
	}
	return t, nil
}

// seekWhence reads the optional whence argument: seek/set (0), seek/delta
// (1) or seek/end (2).
func seekWhence(a []interp.Value, i int) (int, error) {
	if len(a) <= i || a[i] == interp.DefaultObject {
		return io.SeekStart, nil
	}
	w, ok := a[i].(int)
	if !ok || w < 0 || w > 2 {
		return 0, argType(i+1, "whence", "seek/set, seek/delta or seek/end", a[i])
	}
	return w, nil
}

// seekPort moves a port's file and keeps its buffer right: an output port
// is flushed first; an input port drops what it read ahead, and a
// seek/delta counts from where the program has read to, not from where
// the descriptor is.
func (e *scshEnv) seekPort(p *interp.Port, fd int, off int64, whence int) (int64, error) {
	if err := positionable("seek", p); err != nil {
		return 0, err
	}
	if p.OutputOpen() {
		if err := p.Flush(); err != nil {
			return 0, ioErr("seek", err)
		}
	}
	if p.InputOpen() && whence == io.SeekCurrent {
		off -= int64(p.Buffered())
	}
	pos, err := unix.Seek(fd, off, whence)
	if err != nil {
		return 0, syscallError("lseek", err, p)
	}
	if p.InputOpen() {
		p.DropBuffered()
	}
	return pos, nil
}

// positionable refuses a port that does not read or write its file
// directly (the interpreter's standard input when it reads through a
// buffer of the shell's): what that buffer holds would be miscounted.
func positionable(who string, p *interp.Port) error {
	if p.OSFile() == nil {
		return scshErr(who, "the port reads or writes through a buffer popsh cannot count; use its descriptor", p)
	}
	return nil
}

// tellPort is where the program is in a port's file: the descriptor's
// offset less what an input port read ahead, plus what an output port
// holds unwritten.
func tellPort(p *interp.Port, fd int) (int64, error) {
	if err := positionable("tell", p); err != nil {
		return 0, err
	}
	pos, err := unix.Seek(fd, 0, io.SeekCurrent)
	if err != nil {
		return 0, syscallError("lseek", err, p)
	}
	if p.InputOpen() {
		pos -= int64(p.Buffered())
	}
	if p.OutputOpen() {
		pos += int64(p.Pending())
	}
	return pos, nil
}

// scsh's buffering policies (stdio's values).
const (
	bufpolBlock = 0
	bufpolLine  = 1
	bufpolNone  = 2
)

// setPortBuffering implements (set-port-buffering port policy [size]) with
// scsh's checks on size.
func (e *scshEnv) setPortBuffering(it *interp.Interp, a []interp.Value) (interp.Value, error) {
	p, ok := a[0].(*interp.Port)
	if !ok {
		return nil, argType(1, "port", "a port", a[0])
	}
	if p.InMemory() {
		return nil, scshErr("set-port-buffering", "not a port over a file or stream", a[0])
	}
	if p.IsClosed() {
		return nil, scshErr("set-port-buffering", "the port is closed", a[0])
	}
	pol, ok := a[1].(int)
	if !ok || pol < bufpolBlock || pol > bufpolNone {
		return nil, argType(2, "policy", "bufpol/block, bufpol/line or bufpol/none", a[1])
	}
	size := -1
	if len(a) > 2 {
		n, ok := a[2].(int)
		if !ok {
			return nil, argType(3, "size", "an exact integer", a[2])
		}
		size = n
	}
	if p.InputOpen() {
		switch {
		case pol == bufpolLine:
			return nil, scshErr("set-port-buffering", "bufpol/line not allowed on input", a[0])
		case pol == bufpolNone && size != -1 && size != 1:
			return nil, scshErr("set-port-buffering", "buffer size must be 1 for bufpol/none on input ports", a[0], a[1], a[2])
		case size != -1 && size <= 0:
			return nil, scshErr("set-port-buffering", "buffer size must be at least 1 for input ports", a[0], a[1], a[2])
		}
		p.SetInputBuffered(pol == bufpolBlock && size != 1)
		return interp.Unspecified, nil
	}
	switch {
	case pol == bufpolNone && size != -1 && size != 0:
		return nil, scshErr("set-port-buffering", "buffer size must be 0 for bufpol/none on output ports", a[0], a[1], a[2])
	case size != -1 && size < 0:
		return nil, scshErr("set-port-buffering", "buffer size must be at least 0 for output ports", a[0], a[1], a[2])
	}
	p.NoBuffer = pol == bufpolNone || (pol == bufpolBlock && size == 0)
	p.LineFlush = pol == bufpolLine
	if p.NoBuffer {
		if err := p.Flush(); err != nil {
			return nil, ioErr("set-port-buffering", err)
		}
	}
	return interp.Unspecified, nil
}

// mutableString reads a string argument that the procedure fills.
func mutableString(v interp.Value, pos int, param string) (*interp.String, error) {
	s, err := str(v, pos, param)
	if err != nil {
		return nil, err
	}
	if s.Immutable {
		return nil, interp.ArgError(pos, param, "the string is immutable (a literal)")
	}
	return s, nil
}

// inFdPort reads the optional fd/port argument of the partial reads: an
// input port, or a descriptor, which stands for the port over it (made
// unbuffered, as scsh does).
func (e *scshEnv) inFdPort(who string, a []interp.Value, i int) (*interp.Port, error) {
	if len(a) <= i || a[i] == interp.DefaultObject {
		return inPortArg(e.it, a, i, i+1)
	}
	if fd, ok := a[i].(int); ok && fd >= 0 {
		p, err := e.fdesPort(who, fd, true)
		if err != nil {
			return nil, err
		}
		p.SetInputBuffered(false)
		p.SetInterp(e.it)
		return p, nil
	}
	p, ok := a[i].(*interp.Port)
	if !ok || !p.Input {
		return nil, argType(i+1, "fd/port", "an input port or a file descriptor", a[i])
	}
	p.SetInterp(e.it)
	return p, nil
}

// readPartial reads into s[start:end] what is available: at least one
// character (waiting for it) unless at end of file, then whatever more
// the port holds without waiting. It returns the count, or -1 at end of
// file.
func (e *scshEnv) readPartial(who string, p *interp.Port, s *interp.String, start, end int) (int, error) {
	if start == end {
		return 0, nil
	}
	i := start
	for i < end {
		if i > start && p.Buffered() == 0 && !e.readable(p) {
			break
		}
		c, err := p.ReadChar()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, readErr(who, err)
		}
		s.Set(i, c)
		i++
	}
	if i == start {
		return -1, nil
	}
	return i - start, nil
}

// readable reports whether a read from p's descriptor would not wait (for
// a port without one: whether the port says it is ready).
func (e *scshEnv) readable(p *interp.Port) bool {
	fd := e.portFdes(p)
	if fd < 0 {
		return p.Ready()
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0
}

// selectArgs reads a vector of ports and descriptors, argument pos.
func (e *scshEnv) selectVec(v interp.Value, pos int, param string, input bool) ([]interp.Value, error) {
	vec, ok := v.(*interp.Vector)
	if !ok {
		return nil, argType(pos, param, "a vector of ports and file descriptors", v)
	}
	for _, x := range vec.Items {
		switch y := x.(type) {
		case int:
			if y >= 0 {
				continue
			}
		case *interp.Port:
			if (input && y.Input) || (!input && y.Output) {
				continue
			}
		case bool:
			if !y {
				continue // select! leaves #f in a vector
			}
		}
		return nil, argType(pos, param, "a vector of ports and file descriptors", v)
	}
	return vec.Items, nil
}

// readyNow reports which of the read and write items are ready, polling
// the descriptors with timeout ms (-1: wait; 0: do not wait). An input
// port with buffered data is ready at once; so is an output port that is
// not over a descriptor (its writes go to memory).
func (e *scshEnv) readyNow(reads, writes []interp.Value, ms int) ([]bool, []bool, error) {
	rr := make([]bool, len(reads))
	wr := make([]bool, len(writes))
	var pfds []unix.PollFd
	var where []int // index into reads (>= 0) or -1-index into writes
	immediate := false
	add := func(fd int, ev int16, idx int) {
		pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: ev})
		where = append(where, idx)
	}
	for i, x := range reads {
		switch y := x.(type) {
		case int:
			add(y, unix.POLLIN, i)
		case *interp.Port:
			if y.InMemory() || y.Buffered() > 0 || !y.InputOpen() {
				rr[i], immediate = true, true
				continue
			}
			if fd := e.portFdes(y); fd >= 0 {
				add(fd, unix.POLLIN, i)
			} else if y.Ready() {
				rr[i], immediate = true, true
			}
		}
	}
	for i, x := range writes {
		switch y := x.(type) {
		case int:
			add(y, unix.POLLOUT, -1-i)
		case *interp.Port:
			if fd := e.portFdes(y); fd >= 0 && y.OutputOpen() {
				add(fd, unix.POLLOUT, -1-i)
			} else {
				wr[i], immediate = true, true
			}
		}
	}
	if immediate {
		ms = 0
	}
	if len(pfds) == 0 {
		return rr, wr, nil
	}
	if err := e.poll(pfds, ms); err != nil {
		return nil, nil, err
	}
	for k, pf := range pfds {
		if pf.Revents&unix.POLLNVAL != 0 {
			return nil, nil, syscallError("select", unix.EBADF, int(pf.Fd))
		}
		if pf.Revents == 0 {
			continue
		}
		if where[k] >= 0 {
			rr[where[k]] = true
		} else {
			wr[-1-where[k]] = true
		}
	}
	return rr, wr, nil
}

// poll waits for the descriptors, ms milliseconds at most (-1: without
// limit), in slices short enough for Ctrl-C to stop it, with the
// interpreter's lock released so that other threads run meanwhile.
func (e *scshEnv) poll(pfds []unix.PollFd, ms int) error {
	const slice = 100
	ctx := e.ctx()
	for {
		wait := slice
		if ms >= 0 && ms < wait {
			wait = ms
		}
		var n int
		var err error
		e.it.Blocking(func() error {
			n, err = unix.Poll(pfds, wait)
			return nil
		})
		if err != nil && !errors.Is(err, syscall.EINTR) {
			return syscallError("select", err)
		}
		if n > 0 {
			return nil
		}
		if ctx.Err() != nil {
			return &interp.ErrorObject{Who: "select", Message: "interrupted", Cause: ctx.Err()}
		}
		if ms >= 0 {
			ms -= wait
			if ms <= 0 {
				return nil
			}
		}
	}
}

// timeoutMs reads select's optional timeout in seconds (#f: wait) as
// milliseconds (-1: wait).
func timeoutMs(a []interp.Value, i int) (int, error) {
	if len(a) <= i || a[i] == false || a[i] == interp.DefaultObject {
		return -1, nil
	}
	s, err := secondsArg(a[i], i+1, "timeout")
	if err != nil || s < 0 {
		return 0, argType(i+1, "timeout", "#f or a non-negative number of seconds", a[i])
	}
	return int(s * 1000), nil
}

// runtimeFd refuses a descriptor the Go runtime keeps for itself (its
// epoll and eventfd descriptors, process handles, the cgroup files it
// reads): a port over it, or closing it, would break popsh itself.
func runtimeFd(who string, fd int) error {
	target, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(fd))
	if err != nil {
		return nil
	}
	if strings.HasPrefix(target, "anon_inode:") || strings.HasPrefix(target, "/sys/fs/cgroup/") {
		return scshErr(who, "file descriptor "+strconv.Itoa(fd)+" belongs to popsh's runtime ("+target+")", fd)
	}
	return nil
}

// closeFdes closes a file descriptor (close on an integer). A descriptor
// under a port popsh knows (the standard ports, ports made by
// fdes->inport, dup->inport ..., ports revealed by port->fdes) is refused:
// closing it under the port would leave the port writing to whatever file
// next gets the number.
func (e *scshEnv) closeFdes(fd int) (interp.Value, error) {
	if p := e.fds.port(fd); p != nil {
		return nil, scshErr("close", "file descriptor "+strconv.Itoa(fd)+" is the descriptor of a port; close the port", fd, p)
	}
	if fd <= 2 && e.stdPort(fd) != nil {
		p := e.stdPort(fd)
		return nil, scshErr("close", "file descriptor "+strconv.Itoa(fd)+" is the descriptor of the interpreter's standard port; close the port", fd, p)
	}
	if err := runtimeFd("close", fd); err != nil {
		return nil, err
	}
	if err := unix.Close(fd); err != nil {
		return nil, syscallError("close", err, fd)
	}
	return true, nil
}
