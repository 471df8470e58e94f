package scsh

import (
	"errors"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// fdConstants are scsh's seek/..., bufpol/..., fcntl/..., fdflags/ and
// lock/... variables, with Linux values.
var fdConstants = []struct {
	name string
	val  int
	doc  string
}{
	{"seek/set", 0, "seek from the start of the file (SEEK_SET)"},
	{"seek/delta", 1, "seek from the current position (SEEK_CUR)"},
	{"seek/end", 2, "seek from the end of the file (SEEK_END)"},
	{"bufpol/block", bufpolBlock, "set-port-buffering: write or read in blocks"},
	{"bufpol/line", bufpolLine, "set-port-buffering: write out at each newline (output ports)"},
	{"bufpol/none", bufpolNone, "set-port-buffering: no buffer (an input port reads one byte at a time)"},
	{"fcntl/dup-fdes", unix.F_DUPFD, "fcntl command F_DUPFD"},
	{"fcntl/get-fdes-flags", unix.F_GETFD, "fcntl command F_GETFD"},
	{"fcntl/set-fdes-flags", unix.F_SETFD, "fcntl command F_SETFD"},
	{"fcntl/get-status-flags", unix.F_GETFL, "fcntl command F_GETFL"},
	{"fcntl/set-status-flags", unix.F_SETFL, "fcntl command F_SETFL"},
	{"fcntl/get-record-lock", unix.F_GETLK, "fcntl command F_GETLK"},
	{"fcntl/set-record-lock-no-block", unix.F_SETLK, "fcntl command F_SETLK"},
	{"fcntl/set-record-lock", unix.F_SETLKW, "fcntl command F_SETLKW"},
	{"fdflags/close-on-exec", unix.FD_CLOEXEC, "the descriptor flag FD_CLOEXEC"},
	{"lock/read", unix.F_RDLCK, "a shared record lock (F_RDLCK)"},
	{"lock/write", unix.F_WRLCK, "an exclusive record lock (F_WRLCK)"},
	{"lock/release", unix.F_UNLCK, "no record lock (F_UNLCK)"},
}

var fdConstantDocs = func() []interp.DocLine {
	lines := make([]interp.DocLine, 0, len(fdConstants)+1)
	for _, c := range fdConstants {
		lines = append(lines, interp.DocLine{Name: c.name, Doc: c.name + ": " + c.doc + " (" + strconv.Itoa(c.val) + ")"})
	}
	return append(lines, interp.DocLine{Name: "*y-or-n-eof-count*", Doc: "*y-or-n-eof-count*: how many more times y-or-n? asks after end of file (100)"})
}()

func (e *scshEnv) installFdPorts() {
	e.fds = newFdTable()
	for _, c := range fdConstants {
		e.it.Define(c.name, c.val)
	}
	e.it.Define("*y-or-n-eof-count*", 100)
	e.it.Document("scsh: file descriptors", fdConstantDocs...)
	e.it.Document("scsh: file descriptors", fdSchemeDocs...)
	for _, n := range []string{"with-stdio-ports", "with-dot-lock"} {
		nargs := 0
		if n == "with-dot-lock" {
			nargs = 1
		}
		e.it.DefineMacro(n, expandWithThunk(n, nargs))
	}
	e.it.DefineMacro("with-region-lock", expandWithThunk("with-region-lock", 2))
	portsLibrary.Install(e.it)

	fdFlagsProc := func(name string, get, set int, doc string) interp.Builtin {
		if set < 0 {
			return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
				Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
					fd, err := e.fdArg(name, a[0], 0, "fd/port")
					if err != nil {
						return nil, err
					}
					n, err := unix.FcntlInt(uintptr(fd), get, 0)
					if err != nil {
						return nil, syscallError("fcntl", err, a[0])
					}
					return n, nil
				}}
		}
		return interp.Builtin{Name: name, MinArgs: 2, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := e.fdArg(name, a[0], 1, "fd/port")
				if err != nil {
					return nil, err
				}
				flags, ok := a[1].(int)
				if !ok {
					return nil, argType(2, "flags", "an exact integer", a[1])
				}
				if _, err := unix.FcntlInt(uintptr(fd), set, flags); err != nil {
					return nil, syscallError("fcntl", err, a[0], a[1])
				}
				return interp.Unspecified, nil
			}}
	}
	fdesPortProc := func(name string, input bool, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, ok := a[0].(int)
				if !ok || fd < 0 {
					return nil, argType(0, "fd", "a file descriptor", a[0])
				}
				return e.fdesPort(name, fd, input)
			}}
	}
	dupPortProc := func(name string, input bool, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 2, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := e.dupFdes(name, a)
				if err != nil {
					return nil, err
				}
				p := e.newFdPort(os.NewFile(uintptr(fd), "fd "+strconv.Itoa(fd)), input)
				if len(a) > 1 {
					e.reveal(p, fd)
				} else {
					e.fds.add(fd, p, 0)
				}
				return p, nil
			}}
	}
	setCurrent := func(name string, fd int, input bool, doc string) interp.Builtin {
		return interp.Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc,
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, ok := a[0].(*interp.Port)
				if !ok || (input && !p.Input) || (!input && !p.Output) {
					want := "an output port"
					if input {
						want = "an input port"
					}
					return nil, argType(0, "port", want, a[0])
				}
				e.stdPort(0) // the standard ports, before the change
				if fd == 0 {
					p.Tie = it.CurrentOutput()
				}
				it.SetCurrentPort(fd, p)
				return interp.Unspecified, nil
			}}
	}
	portArg := func(v interp.Value, pos int) (*interp.Port, error) {
		p, ok := v.(*interp.Port)
		if !ok {
			return nil, argType(pos, "port", "a port", v)
		}
		return p, nil
	}
	// scsh's read-string returns #f at the end of a file; a program that
	// imports (scheme base) gets R7RS's, which returns the eof object.
	e.it.KeepStandard("(scheme base)", "read-string")
	// scsh's read-line ends lines at LF only (a CR stays in the line);
	// R7RS's, which such a program gets too, also at CR and CR LF
	e.it.KeepStandard("(scheme base)", "read-line")
	e.it.DefineBuiltins("scsh: file descriptors", []interp.Builtin{
		{Name: "error-output-port", MinArgs: 0, MaxArgs: 0,
			Doc: "(error-output-port): the current error port (an old name of current-error-port)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return it.CurrentError(), nil
			}},
		setCurrent("set-current-input-port!", 0, true, "(set-current-input-port! port): make port the current input port (where parameterize bound it: until that ends)"),
		setCurrent("set-current-output-port!", 1, false, "(set-current-output-port! port): make port the current output port (where parameterize bound it: until that ends)"),
		setCurrent("set-current-error-port!", 2, false, "(set-current-error-port! port): make port the current error port (where parameterize bound it: until that ends)"),
		setCurrent("set-error-output-port!", 2, false, "(set-error-output-port! port): make port the current error port"),
		{Name: "open-fdes", MinArgs: 2, MaxArgs: 3,
			Doc: "(open-fdes name flags [mode]): open name with open/... flags; the file descriptor",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				flags, err := intArg(a, 1, "flags", 0)
				if err != nil {
					return nil, err
				}
				mode, err := intArg(a, 2, "mode", 0o666)
				if err != nil {
					return nil, err
				}
				fd, err := unix.Open(name.String(), flags, uint32(mode))
				if err != nil {
					return nil, fileError("open", err, name.String())
				}
				return fd, nil
			}},
		fdesPortProc("fdes->inport", true, "(fdes->inport fd): the input port over file descriptor fd (the same port each time)"),
		fdesPortProc("fdes->outport", false, "(fdes->outport fd): the output port over file descriptor fd (the same port each time)"),
		{Name: "dup->fdes", MinArgs: 1, MaxArgs: 2,
			Doc: "(dup->fdes fd/port [target]): a new file descriptor for fd/port (or target, 3 and above)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.dupFdes("dup->fdes", a)
			}},
		dupPortProc("dup->inport", true, "(dup->inport fd/port [target]): an input port over a new descriptor for fd/port"),
		dupPortProc("dup->outport", false, "(dup->outport fd/port [target]): an output port over a new descriptor for fd/port"),
		{Name: "call/fdes", MinArgs: 2, MaxArgs: 2,
			Doc: "(call/fdes fd/port proc): (proc fd), fd the descriptor of fd/port, revealed while proc runs",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := e.fdArg("call/fdes", a[0], 1, "fd/port")
				if err != nil {
					return nil, err
				}
				p, isPort := a[0].(*interp.Port)
				if isPort {
					e.reveal(p, fd)
					defer e.release(p, fd)
				}
				return e.call(a[1], fd)
			}},
		{Name: "release-port-handle", MinArgs: 1, MaxArgs: 1,
			Doc: "(release-port-handle port): lower port's revealed count (at 0 its descriptor closes on exec)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := portArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				fd := e.portFdes(p)
				if fd < 0 {
					return nil, scshErr("release-port-handle", "the port is not over a file descriptor", a[0])
				}
				e.release(p, fd)
				return interp.Unspecified, nil
			}},
		{Name: "port-revealed", MinArgs: 1, MaxArgs: 1,
			Doc: "(port-revealed port): how many times port's descriptor was handed out, or #f for none",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := portArg(a[0], 0)
				if err != nil {
					return nil, err
				}
				if e.portFdes(p) < 0 {
					return nil, scshErr("port-revealed", "the port is not over a file descriptor", a[0])
				}
				if n := e.revealedCount(p); n > 0 {
					return n, nil
				}
				return false, nil
			}},
		fdFlagsProc("fdes-flags", unix.F_GETFD, -1, "(fdes-flags fd/port): the descriptor flags of fd/port (fdflags/close-on-exec)"),
		fdFlagsProc("set-fdes-flags", 0, unix.F_SETFD, "(set-fdes-flags fd/port flags): set the descriptor flags of fd/port"),
		fdFlagsProc("fdes-status", unix.F_GETFL, -1, "(fdes-status fd/port): the open/... status flags of fd/port"),
		fdFlagsProc("set-fdes-status", 0, unix.F_SETFL, "(set-fdes-status fd/port flags): set the status flags of fd/port (open/append, open/non-blocking ...)"),
		{Name: "seek", MinArgs: 2, MaxArgs: 3,
			Doc: "(seek fd/port offset [whence]): move the file position (seek/set, seek/delta, seek/end); the new position",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := e.fdArg("seek", a[0], 1, "fd/port")
				if err != nil {
					return nil, err
				}
				off, ok := a[1].(int)
				if !ok {
					return nil, argType(2, "offset", "an exact integer", a[1])
				}
				whence, err := seekWhence(a, 2)
				if err != nil {
					return nil, err
				}
				if p, ok := a[0].(*interp.Port); ok {
					pos, err := e.seekPort(p, fd, int64(off), whence)
					if err != nil {
						return nil, err
					}
					return int(pos), nil
				}
				pos, err := unix.Seek(fd, int64(off), whence)
				if err != nil {
					return nil, syscallError("lseek", err, a[0], a[1])
				}
				return int(pos), nil
			}},
		{Name: "tell", MinArgs: 1, MaxArgs: 1,
			Doc: "(tell fd/port): the file position of fd/port (for a port: where the program has read or written to)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				fd, err := e.fdArg("tell", a[0], 0, "fd/port")
				if err != nil {
					return nil, err
				}
				if p, ok := a[0].(*interp.Port); ok {
					pos, err := tellPort(p, fd)
					if err != nil {
						return nil, err
					}
					return int(pos), nil
				}
				pos, err := unix.Seek(fd, 0, 1)
				if err != nil {
					return nil, syscallError("lseek", err, a[0])
				}
				return int(pos), nil
			}},
		{Name: "set-port-buffering", MinArgs: 2, MaxArgs: 3,
			Doc: "(set-port-buffering port policy [size]): bufpol/block, bufpol/line (output) or bufpol/none",
			Fn:  e.setPortBuffering},
		{Name: "flush-all-ports", MinArgs: 0, MaxArgs: 0,
			Doc: "(flush-all-ports): flush every output port the program opened and the current ones",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := interp.FlushOpenPorts(it); err != nil {
					return nil, ioErr("flush-all-ports", err)
				}
				return true, nil
			}},
		{Name: "flush-all-ports-no-threads", MinArgs: 0, MaxArgs: 0,
			Doc: "(flush-all-ports-no-threads): flush-all-ports, one port after the other",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if err := interp.FlushOpenPorts(it); err != nil {
					return nil, ioErr("flush-all-ports-no-threads", err)
				}
				return interp.Unspecified, nil
			}},
		{Name: "read-string!/partial", MinArgs: 1, MaxArgs: 4,
			Doc: "(read-string!/partial string [fd/port start end]): read what is available into string; the count, #f at eof",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := mutableString(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				p, err := e.inFdPort("read-string!/partial", a, 1)
				if err != nil {
					return nil, err
				}
				start, end, err := optRange(s, a, 2)
				if err != nil {
					return nil, err
				}
				n, err := e.readPartial("read-string!/partial", p, s, start, end)
				if err != nil {
					return nil, err
				}
				if n < 0 {
					return false, nil
				}
				return n, nil
			}},
		{Name: "read-string", MinArgs: 1, MaxArgs: 2,
			Doc: "(read-string k [fd/port]): k characters, fewer at end of file; #f at end of file ((scheme base)'s: the eof object)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				k, ok := a[0].(int)
				if !ok || k < 0 {
					return nil, argType(1, "k", "a non-negative exact integer", a[0])
				}
				p, err := e.inFdPort("read-string", a, 1)
				if err != nil {
					return nil, err
				}
				if k == 0 {
					return interp.NewString(""), nil
				}
				s, err := p.ReadText(k)
				if errors.Is(err, io.EOF) {
					return false, nil
				}
				if err != nil {
					return nil, readErr("read-string", err)
				}
				return s, nil
			}},
		{Name: "read-string/partial", MinArgs: 1, MaxArgs: 2,
			Doc: "(read-string/partial k [fd/port]): up to k characters, what is available (waiting for one); #f at end of file",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				k, ok := a[0].(int)
				if !ok || k < 0 {
					return nil, argType(1, "k", "a non-negative exact integer", a[0])
				}
				p, err := e.inFdPort("read-string/partial", a, 1)
				if err != nil {
					return nil, err
				}
				if k == 0 {
					return interp.NewString(""), nil
				}
				if err := p.CheckRead(k, "string"); err != nil {
					return nil, readErr("read-string/partial", err)
				}
				s := interp.NewString(string(make([]byte, k)))
				n, err := e.readPartial("read-string/partial", p, s, 0, k)
				if err != nil {
					return nil, err
				}
				if n < 0 {
					return false, nil
				}
				return s.Slice(0, n), nil
			}},
		{Name: "write-string/partial", MinArgs: 1, MaxArgs: 4,
			Doc: "(write-string/partial string [fd/port start end]): write some of string (to a port: all of it); the count written",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				start, end, err := optRange(s, a, 2)
				if err != nil {
					return nil, err
				}
				if len(a) > 1 {
					if fd, ok := a[1].(int); ok && fd >= 0 {
						b := s.AppendUTF8(nil, start, end)
						if len(b) == 0 {
							return 0, nil
						}
						var n int
						var werr error
						it.Blocking(func() error {
							n, werr = unix.Write(fd, b)
							return nil
						})
						if errors.Is(werr, unix.EAGAIN) {
							return 0, nil // a non-blocking descriptor that is full
						}
						if werr != nil {
							return nil, syscallError("write", werr, a[1])
						}
						// the count of whole characters written
						return len([]rune(string(b[:n]))), nil
					}
				}
				p, err := outPortArg(it, a, 1, 2)
				if err != nil {
					return nil, err
				}
				if err := p.WriteText(s, start, end); err != nil {
					return nil, ioErr("write-string/partial", err)
				}
				return end - start, nil
			}},
		{Name: "select", MinArgs: 3, MaxArgs: 4,
			Doc: "(select read-vec write-vec exception-vec [timeout]): three vectors of the ports and descriptors ready",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.selectFds("select", a, false)
			}},
		{Name: "select!", MinArgs: 3, MaxArgs: 4,
			Doc: "(select! read-vec write-vec exception-vec [timeout]): set the items not ready to #f; the counts ready",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return e.selectFds("select!", a, true)
			}},
		{Name: "select-port-channels", MinArgs: 1, MaxArgs: -1,
			Doc: "(select-port-channels timeout port ...): the ports whose descriptors are ready, not counting what ports hold",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				ms, err := timeoutMs(a, 0)
				if err != nil {
					return nil, err
				}
				var reads, writes []*interp.Port
				var pfds []unix.PollFd
				for i, v := range a[1:] {
					p, ok := v.(*interp.Port)
					if !ok {
						return nil, argType(i+2, "port", "a port", v)
					}
					fd := e.portFdes(p)
					if fd < 0 || p.IsClosed() {
						return nil, scshErr("select-port-channels", "the port is not over an open file descriptor", v)
					}
					if p.Input {
						reads = append(reads, p)
						pfds = append(pfds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
					}
				}
				for _, v := range a[1:] {
					if p := v.(*interp.Port); p.Output {
						writes = append(writes, p)
						pfds = append(pfds, unix.PollFd{Fd: int32(e.portFdes(p)), Events: unix.POLLOUT})
					}
				}
				if len(pfds) > 0 {
					if err := e.poll(pfds, ms); err != nil {
						return nil, err
					}
				}
				var ready []interp.Value
				for k, p := range append(reads, writes...) {
					if pfds[k].Revents != 0 {
						ready = append(ready, p)
					}
				}
				return interp.List(ready...), nil
			}},
		{Name: "temp-file-channel", MinArgs: 0, MaxArgs: 0,
			Doc: "(temp-file-channel): an input port and an output port on a new temporary file, already deleted",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				dir := os.Getenv("TMPDIR")
				if dir == "" {
					dir = "/var/tmp"
				}
				f, err := os.CreateTemp(dir, strconv.Itoa(os.Getpid())+"-")
				if err != nil {
					return nil, fileError("open", err, dir)
				}
				name := f.Name()
				in, err := os.Open(name)
				if err != nil {
					f.Close()
					os.Remove(name)
					return nil, fileError("open", err, name)
				}
				if err := os.Remove(name); err != nil {
					f.Close()
					in.Close()
					return nil, fileError("unlink", err, name)
				}
				ip := interp.NewInputPort(in, name)
				op := interp.NewOutputPort(f, name)
				interp.TrackOutputPort(it, op)
				return interp.Values(ip, op), nil
			}},
	}...)
}

// selectFds implements select and select!.
func (e *scshEnv) selectFds(who string, a []interp.Value, inPlace bool) (interp.Value, error) {
	reads, err := e.selectVec(a[0], 1, "read-vec", true)
	if err != nil {
		return nil, err
	}
	writes, err := e.selectVec(a[1], 2, "write-vec", false)
	if err != nil {
		return nil, err
	}
	exc, ok := a[2].(*interp.Vector)
	if !ok {
		return nil, argType(3, "exception-vec", "a vector", a[2])
	}
	ms, err := timeoutMs(a, 3)
	if err != nil {
		return nil, err
	}
	if inPlace {
		for i, v := range []interp.Value{a[0], a[1], a[2]} {
			if v.(*interp.Vector).Immutable {
				return nil, interp.ArgError(i+1, []string{"read-vec", "write-vec", "exception-vec"}[i], "the vector is immutable (a literal)")
			}
		}
	}
	live := func(vs []interp.Value) []interp.Value {
		out := make([]interp.Value, 0, len(vs))
		for _, v := range vs {
			if v != false {
				out = append(out, v)
			}
		}
		return out
	}
	rl, wl := live(reads), live(writes)
	rr, wr, err := e.readyNow(rl, wl, ms)
	if err != nil {
		return nil, err
	}
	pick := func(vs []interp.Value, ready []bool) []interp.Value {
		var out []interp.Value
		for i, v := range vs {
			if ready[i] {
				out = append(out, v)
			}
		}
		return out
	}
	if !inPlace {
		return interp.Values(&interp.Vector{Items: pick(rl, rr)}, &interp.Vector{Items: pick(wl, wr)}, &interp.Vector{Items: []interp.Value{}}), nil
	}
	mark := func(vs []interp.Value, ready []bool) int {
		n, k := 0, 0
		for i, v := range vs {
			if v == false {
				continue
			}
			if ready[k] {
				n++
			} else {
				vs[i] = false
			}
			k++
		}
		return n
	}
	nr, nw := mark(reads, rr), mark(writes, wr)
	for i := range exc.Items {
		exc.Items[i] = false
	}
	return interp.Values(nr, nw, 0), nil
}
