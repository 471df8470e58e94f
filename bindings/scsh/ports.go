package scsh

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"popsh/interp"
)

// Linux open(2) flags, under scsh's names.
var openFlags = []struct {
	name string
	val  int
	doc  string
}{
	{"open/read", syscall.O_RDONLY, "open for reading only (O_RDONLY)"},
	{"open/write", syscall.O_WRONLY, "open for writing only (O_WRONLY)"},
	{"open/read+write", syscall.O_RDWR, "open for reading and writing (O_RDWR)"},
	{"open/append", syscall.O_APPEND, "write at the end of the file (O_APPEND)"},
	{"open/create", syscall.O_CREAT, "create the file if it does not exist (O_CREAT)"},
	{"open/truncate", syscall.O_TRUNC, "empty the file on opening (O_TRUNC)"},
	{"open/exclusive", syscall.O_EXCL, "with open/create, fail if the file exists (O_EXCL)"},
	{"open/non-blocking", syscall.O_NONBLOCK, "open in non-blocking mode (O_NONBLOCK)"},
	{"open/no-control-tty", syscall.O_NOCTTY, "do not make a terminal the controlling one (O_NOCTTY)"},
	{"open/sync", syscall.O_SYNC, "write synchronously (O_SYNC)"},
	{"open/access-mask", syscall.O_ACCMODE, "the bits of the access mode (O_ACCMODE)"},
}

// outPortArg returns the output port argument at a[i], or the current
// output port when absent. An integer 1 or 2 names stdout or stderr. pos
// is i+1, or 0 in a procedure of one argument (as for argType).
func outPortArg(it *interp.Interp, a []interp.Value, i, pos int) (*interp.Port, error) {
	if len(a) <= i || a[i] == interp.DefaultObject {
		return it.CurrentOutput(), nil
	}
	switch x := a[i].(type) {
	case *interp.Port:
		if x.Output {
			return x, nil
		}
	case int:
		switch x {
		case 1:
			return it.CurrentOutput(), nil
		case 2:
			return it.CurrentError(), nil
		}
	}
	return nil, argType(pos, "port", "an output port", a[i])
}

// inPortArg returns the input port argument at a[i], or the current input
// port when absent (0 names it too). The port's reads get the
// interpreter's read limit and stop on an interrupt. pos is as for
// outPortArg.
func inPortArg(it *interp.Interp, a []interp.Value, i, pos int) (*interp.Port, error) {
	p, err := inPortArg1(it, a, i, pos)
	if p != nil {
		p.SetInterp(it)
	}
	return p, err
}

func inPortArg1(it *interp.Interp, a []interp.Value, i, pos int) (*interp.Port, error) {
	if len(a) <= i || a[i] == interp.DefaultObject {
		return it.CurrentInput(), nil
	}
	switch x := a[i].(type) {
	case *interp.Port:
		if x.Input {
			return x, nil
		}
	case int:
		if x == 0 {
			return it.CurrentInput(), nil
		}
	}
	return nil, argType(pos, "port", "an input port", a[i])
}

func ioErr(who string, err error) error {
	return &interp.ErrorObject{Who: who, Message: err.Error(), Kind: "i/o-error", Cause: err}
}

// readErr is ioErr for a read loop: the interpreter's own errors (the read
// limit, an interrupt) go through as they are, so that an interrupt still
// ends the evaluation.
func readErr(who string, err error) error {
	if eo, ok := err.(*interp.ErrorObject); ok {
		if eo.Who == "" {
			eo.Who = who
		}
		return eo
	}
	return ioErr(who, err)
}

// openFilePort opens path with open(2) flags and mode and wraps it in a port.
// An output port is registered with the interpreter so that the shell
// flushes it at exit even if the script never closes it (as scsh does).
func openFilePort(it *interp.Interp, who, path string, flags int, perm os.FileMode) (*interp.Port, error) {
	f, err := os.OpenFile(path, flags, perm)
	if err != nil {
		return nil, fileError("open", err, path)
	}
	if flags&syscall.O_ACCMODE == syscall.O_RDONLY {
		p := interp.NewInputPort(f, path)
		p.InterruptWith(it.Context)
		return p, nil
	}
	p := interp.NewOutputPort(f, path)
	interp.TrackOutputPort(it, p)
	return p, nil
}

// intArg reads the optional exact integer at a[i], argument i+1 named
// param, or def when absent.
func intArg(a []interp.Value, i int, param string, def int) (int, error) {
	if len(a) <= i || a[i] == interp.DefaultObject {
		return def, nil
	}
	n, ok := a[i].(int)
	if !ok {
		return 0, argType(i+1, param, "an exact integer", a[i])
	}
	return n, nil
}

// readLine implements scsh's read-line: the line ends at LF only (a CR
// before it stays in the string); mode is trim, concat, peek or split.
func readLine(p *interp.Port, mode string) (interp.Value, error) {
	if mode != "peek" {
		line, sawLF, err := p.ReadLine()
		if errors.Is(err, io.EOF) {
			if mode == "split" {
				return interp.Values(interp.EOF, interp.EOF), nil
			}
			return interp.EOF, nil
		}
		if err != nil {
			return nil, readErr("read-line", err)
		}
		switch {
		case mode == "concat" && sawLF:
			line = append(line, '\n')
		case mode == "split":
			var term interp.Value = interp.EOF
			if sawLF {
				term = interp.Char('\n')
			}
			return interp.Values(interp.NewStringOwnUTF8(line), term), nil
		}
		return interp.NewStringOwnUTF8(line), nil // line is a fresh copy
	}
	// peek: the slow path, one character at a time, to leave the LF unread.
	return readDelimited("read-line", "line", p, func(c rune) bool { return c == '\n' }, mode)
}

func readAll(p *interp.Port) (string, error) {
	var b strings.Builder
	for {
		c, err := p.ReadChar()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err == nil {
			err = p.CheckRead(b.Len(), "string")
		}
		if err != nil {
			return "", err
		}
		b.WriteRune(c)
	}
}

func (e *scshEnv) installPorts() {
	for _, f := range openFlags {
		e.it.Define(f.name, f.val)
	}
	e.it.DefineBuiltins("scsh: ports", []interp.Builtin{
		{Name: "write-string", MinArgs: 1, MaxArgs: 4,
			Doc: "(write-string string [port start end]): write string (or its part) to port",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 1, "string")
				if err != nil {
					return nil, err
				}
				p, err := outPortArg(it, a, 1, 2)
				if err != nil {
					return nil, err
				}
				start, end, err := optRange(s, a, 2)
				if err != nil {
					return nil, err
				}
				if err := p.WriteText(s, start, end); err != nil {
					return nil, ioErr("write-string", err)
				}
				return interp.Unspecified, nil
			}},
		{Name: "write-crlf", MinArgs: 0, MaxArgs: 1,
			Doc: "(write-crlf [port]): write CR LF to port and flush it",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := outPortArg(it, a, 0, 0)
				if err != nil {
					return nil, err
				}
				if err := p.WriteString("\r\n"); err != nil {
					return nil, ioErr("write-crlf", err)
				}
				if err := p.Flush(); err != nil {
					return nil, ioErr("write-crlf", err)
				}
				return interp.Unspecified, nil
			}},
		{Name: "force-output", MinArgs: 0, MaxArgs: 1,
			Doc: "(force-output [port]): flush port's buffer",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := outPortArg(it, a, 0, 0)
				if err != nil {
					return nil, err
				}
				if err := p.Flush(); err != nil {
					return nil, ioErr("force-output", err)
				}
				return interp.Unspecified, nil
			}},
		{Name: "open-output-file", MinArgs: 1, MaxArgs: 3,
			Doc: "(open-output-file name [flags mode]): open name for writing (open/... flags)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				flags, err := intArg(a, 1, "flags", syscall.O_CREAT|syscall.O_TRUNC)
				if err != nil {
					return nil, err
				}
				perm, err := intArg(a, 2, "mode", 0o666)
				if err != nil {
					return nil, err
				}
				flags = flags&^syscall.O_ACCMODE | syscall.O_WRONLY
				return openFilePort(it, "open-output-file", name.String(), flags, os.FileMode(perm))
			}},
		{Name: "open-input-file", MinArgs: 1, MaxArgs: 2,
			Doc: "(open-input-file name [flags]): open name for reading",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				flags, err := intArg(a, 1, "flags", 0)
				if err != nil {
					return nil, err
				}
				flags = flags&^syscall.O_ACCMODE | syscall.O_RDONLY
				return openFilePort(it, "open-input-file", name.String(), flags, 0)
			}},
		{Name: "open-file", MinArgs: 2, MaxArgs: 3,
			Doc: "(open-file name flags [mode]): open name with open/... flags",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				flags, err := intArg(a, 1, "flags", 0)
				if err != nil {
					return nil, err
				}
				perm, err := intArg(a, 2, "mode", 0o666)
				if err != nil {
					return nil, err
				}
				return openFilePort(it, "open-file", name.String(), flags, os.FileMode(perm))
			}},
		{Name: "file-exists?", MinArgs: 1, MaxArgs: 2,
			Doc: "(file-exists? name [chase?]): whether name exists (#f on ENOENT, ENOTDIR, EACCES)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				chase := len(a) < 2 || interp.IsTrue(a[1])
				if chase {
					_, err = os.Stat(name.String())
				} else {
					_, err = os.Lstat(name.String())
				}
				switch {
				case err == nil:
					return true, nil
				case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EACCES):
					return false, nil
				}
				return nil, syscallError("stat", err, interp.NewString(name.String()))
			}},
		{Name: "file-not-exists?", MinArgs: 1, MaxArgs: 2,
			Doc: "(file-not-exists? name [chase?]): whether name does not exist",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				name, err := str(a[0], 1, "name")
				if err != nil {
					return nil, err
				}
				if len(a) < 2 || interp.IsTrue(a[1]) {
					_, err = os.Stat(name.String())
				} else {
					_, err = os.Lstat(name.String())
				}
				switch {
				case err == nil:
					return false, nil
				case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
					return true, nil
				case errors.Is(err, syscall.EACCES):
					return interp.Intern("search-denied"), nil
				}
				return nil, fileError("stat", err, name.String())
			}},
		{Name: "close", MinArgs: 1, MaxArgs: 1,
			Doc: "(close port/fd): close a port or a file descriptor",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				if fd, ok := a[0].(int); ok && fd >= 0 {
					return e.closeFdes(fd)
				}
				p, ok := a[0].(*interp.Port)
				if !ok {
					return nil, argType(0, "port/fd", "a port or a file descriptor", a[0])
				}
				if err := e.closePort(p); err != nil {
					return nil, ioErr("close", err)
				}
				return interp.Unspecified, nil
			}},
		{Name: "read-line", MinArgs: 0, MaxArgs: 2,
			Doc: "(read-line [port handle-newline]): the next line of port, without its LF (trim concat peek split)",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := inPortArg(it, a, 0, 1)
				if err != nil {
					return nil, err
				}
				mode, err := delimMode(a, 1, "handle-newline")
				if err != nil {
					return nil, err
				}
				return readLine(p, mode)
			}},
		{Name: "port->string", MinArgs: 0, MaxArgs: 1,
			Doc: "(port->string [port]): the rest of port as a string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := inPortArg(it, a, 0, 0)
				if err != nil {
					return nil, err
				}
				s, err := readAll(p)
				if err != nil {
					return nil, readErr("port->string", err)
				}
				return interp.NewString(s), nil
			}},
		{Name: "port->string-list", MinArgs: 0, MaxArgs: 1,
			Doc: "(port->string-list [port]): the rest of port as a list of lines",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, err := inPortArg(it, a, 0, 0)
				if err != nil {
					return nil, err
				}
				s, err := readAll(p)
				if err != nil {
					return nil, readErr("port->string-list", err)
				}
				return interp.List(splitLines(s)...), nil
			}},
		{Name: "make-string-input-port", MinArgs: 1, MaxArgs: 1,
			Doc: "(make-string-input-port string): an input port reading string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				s, err := str(a[0], 0, "string")
				if err != nil {
					return nil, err
				}
				return interp.NewStringInputPort(s.String()), nil
			}},
		{Name: "make-null-output-port", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-null-output-port): an output port that discards what is written to it",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return interp.NewOutputPort(io.Discard, "null"), nil
			}},
		{Name: "make-string-output-port", MinArgs: 0, MaxArgs: 0,
			Doc: "(make-string-output-port): an output port collecting a string",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				return interp.NewStringOutputPort(), nil
			}},
		{Name: "string-output-port-output", MinArgs: 1, MaxArgs: 1,
			Doc: "(string-output-port-output port): what was written to a string output port",
			Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) {
				p, ok := a[0].(*interp.Port)
				if !ok || !p.Output {
					return nil, argType(0, "port", "a string output port", a[0])
				}
				return interp.NewStringUTF8(p.Contents()), nil
			}},
	}...)
}
