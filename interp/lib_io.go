package interp

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Input and output (R7RS 6.13).

func portArg(v Value) (*Port, error) {
	if p, ok := v.(*Port); ok {
		return p, nil
	}
	return nil, TypeError("a port", v)
}

// ioError turns a port error into the Scheme error for the operation.
func ioError(p *Port, err error) error {
	if errors.Is(err, ErrPortClosed) {
		return Errorf("port %s is closed", p.SchemeString())
	}
	var eo *ErrorObject
	if errors.As(err, &eo) {
		return eo
	}
	return &ErrorObject{Message: "I/O error on " + p.SchemeString() + ": " + err.Error(), Cause: err}
}

// inPortArg returns the optional input port at args[i], defaulting to the
// current input port. textual requires a textual port.
func inPortArg(it *Interp, args []Value, i int, textual bool) (*Port, error) {
	var p *Port
	if len(args) > i && args[i] != DefaultObject {
		q, ok := args[i].(*Port)
		if !ok || !q.Input {
			return nil, TypeError("an input port", args[i])
		}
		p = q
	} else {
		p = it.CurrentInput()
		if p == nil {
			return nil, Errorf("no current input port")
		}
	}
	if textual && p.Binary {
		return nil, TypeError("a textual input port", p)
	}
	p.SetInterp(it)
	return p, nil
}

// outPortArg returns the optional output port at args[i], defaulting to
// the current output port. Text written to a binary output port is written
// as its UTF-8 bytes (a lenience: R7RS calls it an error, chibi and the
// r7rs-coverage suite expect it), so any output port is accepted.
func outPortArg(it *Interp, args []Value, i int) (*Port, error) {
	var p *Port
	if len(args) > i && args[i] != DefaultObject {
		q, ok := args[i].(*Port)
		if !ok || !q.Output {
			return nil, TypeError("an output port", args[i])
		}
		p = q
	} else {
		p = it.CurrentOutput()
		if p == nil {
			return nil, Errorf("no current output port")
		}
	}
	return p, nil
}

func charResult(p *Port, r rune, err error) (Value, error) {
	if err != nil {
		if err == io.EOF {
			return EOF, nil
		}
		return nil, ioError(p, err)
	}
	return Char(r), nil
}

func byteResult(p *Port, b byte, err error) (Value, error) {
	if err != nil {
		if err == io.EOF {
			return EOF, nil
		}
		return nil, ioError(p, err)
	}
	return int(b), nil
}

func printPrim(name, doc string, mode PrintMode) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 2, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		p, err := outPortArg(it, a, 1)
		if err != nil {
			return nil, argAt(2, "port", err)
		}
		if err := WriteValue(p, a[0], mode); err != nil {
			return nil, ioError(p, err)
		}
		return Unspecified, nil
	}}
}

func openFilePrim(name, doc string, flag int, input, binary bool) Builtin {
	return Builtin{Name: name, MinArgs: 1, MaxArgs: 1, Doc: doc, Fn: func(it *Interp, a []Value) (Value, error) {
		s, err := stringArg(a[0])
		if err != nil {
			return nil, err
		}
		p, err := OpenFilePort(s.String(), flag, 0o666, input)
		if err != nil {
			return nil, err
		}
		p.Binary = binary
		if input {
			if it != nil {
				p.InterruptWith(it.Context)
			}
		} else {
			TrackOutputPort(it, p)
		}
		return p, nil
	}}
}

// TrackOutputPort records an output port opened by a program so that
// FlushOpenPorts can flush it when the program exits without closing it.
// Closed ports are dropped from the record as new ones are added.
func TrackOutputPort(it *Interp, p *Port) {
	if it == nil {
		return
	}
	live := it.openPorts[:0]
	for _, q := range it.openPorts {
		if q.OutputOpen() {
			live = append(live, q)
		}
	}
	it.openPorts = append(live, p)
}

// FlushOpenPorts flushes every output port the program opened and has not
// closed, then the current output and error ports. Call it before the
// process exits (exit, end of a script) so that no written text is lost.
// It returns the first error.
func FlushOpenPorts(it *Interp) error {
	var first error
	for _, p := range it.openPorts {
		if err := p.Flush(); err != nil && first == nil {
			first = fmt.Errorf("flush %s: %w", p.Name, err)
		}
	}
	for _, p := range []*Port{it.CurrentOutput(), it.CurrentError()} {
		if p != nil {
			if err := p.Flush(); err != nil && first == nil {
				first = fmt.Errorf("flush %s: %w", p.Name, err)
			}
		}
	}
	return first
}

// readLine implements read-line with scsh's handle-delim modes.
func readLine(it *Interp, a []Value) (Value, error) {
	p, err := inPortArg(it, a, 0, true)
	if err != nil {
		return nil, argAt(1, "port", err)
	}
	mode := "trim"
	if len(a) > 1 && a[1] != DefaultObject {
		s, ok := a[1].(*Symbol)
		if !ok || (s.Name != "trim" && s.Name != "concat" && s.Name != "peek" && s.Name != "split") {
			return nil, ArgTypeError(2, "mode", "one of the symbols trim, concat, peek, split", a[1])
		}
		mode = s.Name
	}
	if mode == "trim" {
		// R7RS: a line ends at LF, CR or CR LF
		line, err := p.ReadLineAnyEnd()
		if err == io.EOF {
			return EOF, nil
		}
		if err != nil {
			return nil, ioError(p, err)
		}
		return NewStringOwnUTF8(line), nil
	}
	line, sawLF, err := p.ReadLine()
	if err != nil {
		if err == io.EOF {
			if mode == "split" {
				return Values(EOF, EOF), nil
			}
			return EOF, nil
		}
		return nil, ioError(p, err)
	}
	s := NewStringOwnUTF8(line)
	switch mode {
	case "concat":
		if sawLF {
			s.AppendRune('\n')
		}
	case "peek":
		if sawLF {
			p.UnreadByte()
		}
	case "split":
		var delim Value = EOF
		if sawLF {
			delim = Char('\n')
		}
		return Values(s, delim), nil
	}
	return s, nil
}

func init() {
	registerBuiltins("input and output", []Builtin{
		{Name: "port?", MinArgs: 1, MaxArgs: 1, Doc: "(port? obj): whether obj is a port",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				_, ok := a[0].(*Port)
				return ok, nil
			}},
		{Name: "input-port?", MinArgs: 1, MaxArgs: 1, Doc: "(input-port? obj): whether obj is an input port",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Port)
				return ok && p.Input, nil
			}},
		{Name: "output-port?", MinArgs: 1, MaxArgs: 1, Doc: "(output-port? obj): whether obj is an output port",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Port)
				return ok && p.Output, nil
			}},
		{Name: "textual-port?", MinArgs: 1, MaxArgs: 1, Doc: "(textual-port? obj): whether obj is a port of characters",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Port)
				return ok && !p.Binary, nil
			}},
		{Name: "binary-port?", MinArgs: 1, MaxArgs: 1, Doc: "(binary-port? obj): whether obj is a port of bytes",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Port)
				return ok && p.Binary, nil
			}},
		{Name: "input-port-open?", MinArgs: 1, MaxArgs: 1, Doc: "(input-port-open? port): whether port is open for input",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, err := portArg(a[0])
				if err != nil {
					return nil, err
				}
				return p.InputOpen(), nil
			}},
		{Name: "output-port-open?", MinArgs: 1, MaxArgs: 1, Doc: "(output-port-open? port): whether port is open for output",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, err := portArg(a[0])
				if err != nil {
					return nil, err
				}
				return p.OutputOpen(), nil
			}},
		{Name: "close-port", MinArgs: 1, MaxArgs: 1, Doc: "(close-port port): close port (flushing its output)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := portArg(a[0])
				if err != nil {
					return nil, err
				}
				if it.keptOpen(p) {
					return Unspecified, nil
				}
				if err := p.Close(); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "close-input-port", MinArgs: 1, MaxArgs: 1, Doc: "(close-input-port port): close the input side of port",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := portArg(a[0])
				if err != nil {
					return nil, err
				}
				if !p.Input {
					return nil, TypeError("an input port", a[0])
				}
				if it.keptOpen(p) {
					return Unspecified, nil
				}
				if err := p.CloseInput(); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "close-output-port", MinArgs: 1, MaxArgs: 1, Doc: "(close-output-port port): close the output side of port (flushing it)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := portArg(a[0])
				if err != nil {
					return nil, err
				}
				if !p.Output {
					return nil, TypeError("an output port", a[0])
				}
				if it.keptOpen(p) {
					return Unspecified, nil
				}
				if err := p.CloseOutput(); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "open-input-string", MinArgs: 1, MaxArgs: 1, Doc: "(open-input-string string): a port reading the characters of string",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, err
				}
				return NewStringInputPort(s.String()), nil
			}},
		{Name: "open-output-string", MinArgs: 0, MaxArgs: 0, Doc: "(open-output-string): a port collecting the characters written to it",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				return NewStringOutputPort(), nil
			}},
		{Name: "get-output-string", MinArgs: 1, MaxArgs: 1, Doc: "(get-output-string port): the characters written so far to a string port",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Port)
				if !ok || !p.Output || p.Binary || p.dst != nil {
					return nil, TypeError("a string output port", a[0])
				}
				return NewStringUTF8(p.Contents()), nil
			}},
		{Name: "open-input-bytevector", MinArgs: 1, MaxArgs: 1, Doc: "(open-input-bytevector bytevector): a port reading the bytes of bytevector",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				bv, err := bytevectorArg(a[0])
				if err != nil {
					return nil, err
				}
				return NewBytevectorInputPort(append([]byte(nil), bv.B...)), nil
			}},
		{Name: "open-output-bytevector", MinArgs: 0, MaxArgs: 0, Doc: "(open-output-bytevector): a port collecting the bytes written to it",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				return NewBytevectorOutputPort(), nil
			}},
		{Name: "get-output-bytevector", MinArgs: 1, MaxArgs: 1, Doc: "(get-output-bytevector port): the bytes written so far to a bytevector port",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				p, ok := a[0].(*Port)
				if !ok || !p.Output || !p.Binary || p.dst != nil {
					return nil, TypeError("a bytevector output port", a[0])
				}
				return &Bytevector{B: append([]byte(nil), p.Contents()...)}, nil
			}},
		openFilePrim("open-input-file", "(open-input-file filename): a textual port reading the file filename", os.O_RDONLY, true, false),
		openFilePrim("open-binary-input-file", "(open-binary-input-file filename): a binary port reading the file filename", os.O_RDONLY, true, true),
		openFilePrim("open-output-file", "(open-output-file filename): a textual port writing the file filename (created or emptied)", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, false, false),
		openFilePrim("open-binary-output-file", "(open-binary-output-file filename): a binary port writing the file filename (created or emptied)", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, false, true),

		{Name: "read-char", MinArgs: 0, MaxArgs: 1, Doc: "(read-char [port]): the next character of port, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, true)
				if err != nil {
					return nil, err
				}
				r, err := p.ReadChar()
				return charResult(p, r, err)
			}},
		{Name: "peek-char", MinArgs: 0, MaxArgs: 1, Doc: "(peek-char [port]): the next character of port without taking it, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, true)
				if err != nil {
					return nil, err
				}
				r, err := p.PeekChar()
				return charResult(p, r, err)
			}},
		{Name: "read-line", MinArgs: 0, MaxArgs: 2, Doc: "(read-line [port [mode]]): the next line of port (ended by LF, CR or CR LF), else eof",
			Fn: readLine},
		{Name: "read", MinArgs: 0, MaxArgs: 1, Doc: "(read [port]): the next datum read from port, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, true)
				if err != nil {
					return nil, err
				}
				return it.ReadDatum(p)
			}},
		{Name: "char-ready?", MinArgs: 0, MaxArgs: 1, Doc: "(char-ready? [port]): whether a character of port can be read without waiting",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, true)
				if err != nil {
					return nil, err
				}
				if !p.InputOpen() {
					return nil, ioError(p, ErrPortClosed)
				}
				return p.Ready(), nil
			}},
		{Name: "read-string", MinArgs: 1, MaxArgs: 2, Doc: "(read-string k [port]): a string of at most k characters from port, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				k, err := countArg(a[0])
				if err != nil {
					return nil, argAt(1, "k", err)
				}
				p, err := inPortArg(it, a, 1, true)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				s, err := p.ReadText(k)
				if err != nil {
					if err == io.EOF {
						return EOF, nil
					}
					return nil, ioError(p, err)
				}
				return s, nil
			}},
		{Name: "read-u8", MinArgs: 0, MaxArgs: 1, Doc: "(read-u8 [port]): the next byte of port, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, false)
				if err != nil {
					return nil, err
				}
				b, err := p.ReadByte()
				return byteResult(p, b, err)
			}},
		{Name: "peek-u8", MinArgs: 0, MaxArgs: 1, Doc: "(peek-u8 [port]): the next byte of port without taking it, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, false)
				if err != nil {
					return nil, err
				}
				b, err := p.PeekByte()
				return byteResult(p, b, err)
			}},
		{Name: "u8-ready?", MinArgs: 0, MaxArgs: 1, Doc: "(u8-ready? [port]): whether a byte of port can be read without waiting",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := inPortArg(it, a, 0, false)
				if err != nil {
					return nil, err
				}
				if !p.InputOpen() {
					return nil, ioError(p, ErrPortClosed)
				}
				return p.Ready(), nil
			}},
		{Name: "read-bytevector", MinArgs: 1, MaxArgs: 2, Doc: "(read-bytevector k [port]): a bytevector of at most k bytes from port, else the eof object",
			Fn: func(it *Interp, a []Value) (Value, error) {
				k, err := countArg(a[0])
				if err != nil {
					return nil, argAt(1, "k", err)
				}
				p, err := inPortArg(it, a, 1, false)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				if k == 0 {
					return &Bytevector{B: []byte{}}, nil
				}
				var out []byte
				buf := make([]byte, min(k, portBufSize))
				for len(out) < k {
					n, err := p.ReadBytes(buf[:min(len(buf), k-len(out))])
					out = append(out, buf[:n]...)
					if err == nil {
						err = p.CheckRead(len(out), "bytevector")
					}
					if err != nil {
						if err == io.EOF {
							break
						}
						return nil, ioError(p, err)
					}
				}
				if len(out) == 0 {
					return EOF, nil
				}
				return &Bytevector{B: out}, nil
			}},
		{Name: "read-bytevector!", MinArgs: 1, MaxArgs: 4, Doc: "(read-bytevector! bytevector [port [start [end]]]): read bytes into bytevector; their count, else eof",
			Fn: func(it *Interp, a []Value) (Value, error) {
				bv, err := mutableBytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "bytevector", err)
				}
				p, err := inPortArg(it, a, 1, false)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				start, end, err := rangeArgs(a, 2, "bytevector", len(bv.B))
				if err != nil {
					return nil, err
				}
				if start == end {
					return 0, nil
				}
				n := 0
				for start+n < end {
					m, err := p.ReadBytes(bv.B[start+n : end])
					n += m
					if err != nil {
						if err == io.EOF {
							break
						}
						return nil, ioError(p, err)
					}
				}
				if n == 0 {
					return EOF, nil
				}
				return n, nil
			}},

		{Name: "write-char", MinArgs: 1, MaxArgs: 2, Doc: "(write-char char [port]): write char to port",
			Fn: func(it *Interp, a []Value) (Value, error) {
				c, err := charArg(a[0])
				if err != nil {
					return nil, argAt(1, "char", err)
				}
				p, err := outPortArg(it, a, 1)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				if err := p.WriteRune(c); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "write-string", MinArgs: 1, MaxArgs: 4, Doc: "(write-string string [port [start [end]]]): write the characters of string from start to end",
			Fn: func(it *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, argAt(1, "string", err)
				}
				p, err := outPortArg(it, a, 1)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				start, end, err := rangeArgs(a, 2, "string", s.Len())
				if err != nil {
					return nil, err
				}
				if err := p.WriteText(s, start, end); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "write-u8", MinArgs: 1, MaxArgs: 2, Doc: "(write-u8 byte [port]): write byte to a binary port",
			Fn: func(it *Interp, a []Value) (Value, error) {
				b, err := byteArg(a[0])
				if err != nil {
					return nil, argAt(1, "byte", err)
				}
				p, err := outPortArg(it, a, 1)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				if err := p.WriteByte(b); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "write-bytevector", MinArgs: 1, MaxArgs: 4, Doc: "(write-bytevector bytevector [port [start [end]]]): write the bytes from start to end to port",
			Fn: func(it *Interp, a []Value) (Value, error) {
				bv, err := bytevectorArg(a[0])
				if err != nil {
					return nil, argAt(1, "bytevector", err)
				}
				p, err := outPortArg(it, a, 1)
				if err != nil {
					return nil, argAt(2, "port", err)
				}
				start, end, err := rangeArgs(a, 2, "bytevector", len(bv.B))
				if err != nil {
					return nil, err
				}
				if _, err := p.WriteOctets(bv.B[start:end]); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "newline", MinArgs: 0, MaxArgs: 1, Doc: "(newline [port]): write an end of line to port",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := outPortArg(it, a, 0)
				if err != nil {
					return nil, err
				}
				if err := p.WriteByte('\n'); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		{Name: "flush-output-port", MinArgs: 0, MaxArgs: 1, Doc: "(flush-output-port [port]): write out what port holds in its buffer",
			Fn: func(it *Interp, a []Value) (Value, error) {
				p, err := outPortArg(it, a, 0)
				if err != nil {
					return nil, err
				}
				if !p.OutputOpen() {
					return nil, ioError(p, ErrPortClosed)
				}
				if err := p.Flush(); err != nil {
					return nil, ioError(p, err)
				}
				return Unspecified, nil
			}},
		printPrim("write", "(write obj [port]): write obj to port as a datum read can read back (cycles as labels)", ModeWrite),
		printPrim("display", "(display obj [port]): write obj to port for people (strings and characters as themselves)", ModeDisplay),
		printPrim("write-shared", "(write-shared obj [port]): write obj with labels for every shared part", ModeWriteShared),
		printPrim("write-simple", "(write-simple obj [port]): write obj without labels (loops forever on a cycle)", ModeWriteSimple),
		{Name: "eof-object", MinArgs: 0, MaxArgs: 0, Doc: "(eof-object): the eof object",
			Fn: func(_ *Interp, a []Value) (Value, error) { return EOF, nil }},
		{Name: "eof-object?", MinArgs: 1, MaxArgs: 1, Doc: "(eof-object? obj): whether obj is the eof object",
			Fn: func(_ *Interp, a []Value) (Value, error) { return a[0] == EOF, nil }},
		{Name: "delete-file", MinArgs: 1, MaxArgs: 1, Doc: "(delete-file filename): remove the file filename",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, err
				}
				if err := os.Remove(s.String()); err != nil {
					return nil, FileError("delete", s.String(), err)
				}
				return Unspecified, nil
			}},
		{Name: "file-exists?", MinArgs: 1, MaxArgs: 1, Doc: "(file-exists? filename): whether the file filename exists",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				s, err := stringArg(a[0])
				if err != nil {
					return nil, err
				}
				_, err = os.Stat(s.String())
				return err == nil, nil
			}},
	}...)
}

// SetCloseHook makes hook the judge of close-port, close-input-port and
// close-output-port: it is called with the port before they close it,
// and when it returns false the port stays open (its output is flushed).
// An embedder whose ports are shared by several holders (scsh's forked
// stages share the ends of a pipe as a fork shares descriptors) lets a
// holder's close drop its own hold only. nil removes the hook.
func (it *Interp) SetCloseHook(hook func(p *Port) bool) { it.closeHook = hook }

// keptOpen asks the close hook whether p stays open; if so, its output is
// flushed.
func (it *Interp) keptOpen(p *Port) bool {
	if it == nil || it.closeHook == nil || it.closeHook(p) {
		return false
	}
	p.Flush()
	return true
}
