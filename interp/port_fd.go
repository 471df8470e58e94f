package interp

import (
	"bufio"
	"bytes"
	"io"
)

// The methods below let a layer over the interpreter (scsh's seek, tell
// and set-port-buffering) keep a port's buffer right when it moves or
// shares the file descriptor under the port.

// Buffered returns how many bytes an input port has taken from its source
// ahead of the program: a read takes them from the buffer first. It is 0
// for an output port.
func (p *Port) Buffered() int {
	if p.r == nil {
		return 0
	}
	n := p.r.Buffered()
	if p.ahead != nil {
		n += p.ahead.Len()
	}
	return n
}

// Pending returns how many bytes written to a file or stream output port
// still wait in its buffer (0 for in-memory ports).
func (p *Port) Pending() int {
	if p.dst == nil || p.outClosed {
		return 0
	}
	return len(p.wbuf)
}

// DropBuffered discards what an input port's buffer holds, after the file
// under it was repositioned, so that the next read reads the file where it
// now is.
func (p *Port) DropBuffered() {
	if p.r == nil || p.inMemory || p.checkIn() != nil {
		return // checkIn waits for another thread's read of the port
	}
	p.r.Discard(p.r.Buffered())
	if p.ahead != nil {
		p.ahead.Reset(nil)
	}
}

// InputBuffered reports whether an input port reads ahead of the program
// (the default) rather than one byte at a time.
func (p *Port) InputBuffered() bool { return p.r != nil && !p.unbuffered }

// SetInputBuffered makes an input port over a file or stream read its
// source in blocks (on) or one byte at a time (off): unbuffered, the port
// takes from the file only what the program reads, so what follows stays
// in the file for another reader of the same descriptor (a child
// process). What the buffer already holds is read first either way. It
// does nothing for in-memory ports.
func (p *Port) SetInputBuffered(on bool) {
	if p.r == nil || p.inMemory || p.unbuffered == !on || p.checkIn() != nil {
		return // checkIn waits for another thread's read of the port
	}
	under := p.rin
	if under == nil {
		under = p.src
	}
	var src io.Reader = under
	if n := p.r.Buffered(); n > 0 {
		b, _ := p.r.Peek(n)
		if p.ahead != nil && p.ahead.Len() > 0 {
			rest := make([]byte, p.ahead.Len())
			p.ahead.Read(rest)
			b = append(append([]byte(nil), b...), rest...)
		}
		p.ahead = bytes.NewReader(append([]byte(nil), b...))
		src = io.MultiReader(p.ahead, under)
	} else if p.ahead != nil && p.ahead.Len() > 0 {
		src = io.MultiReader(p.ahead, under)
	}
	p.unbuffered = !on
	if on {
		p.r = bufio.NewReaderSize(src, portBufSize)
		return
	}
	p.r = bufio.NewReaderSize(byteReader{src}, 16)
}

// byteReader reads at most one byte per Read.
type byteReader struct{ r io.Reader }

func (b byteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return b.r.Read(p)
}

// StdPort returns the global value of the current input (fd 0), output
// (1) or error (2) port, whatever parameterize binds now: the port New
// made or SetInput, SetOutput or SetErrorOutput installed since, unless
// SetCurrentPort replaced it outside any parameterize. It is nil for other
// descriptors.
func (it *Interp) StdPort(fd int) *Port {
	var v Value
	switch fd {
	case 0:
		v = it.inParam.value
	case 1:
		v = it.outParam.value
	case 2:
		v = it.errParam.value
	}
	p, _ := v.(*Port)
	return p
}

// InMemory reports whether a port reads from or writes to memory (a string
// or bytevector port) rather than a file or stream.
func (p *Port) InMemory() bool { return p.inMemory || (p.Output && p.dst == nil) }

// SetCurrentPort changes the current input (fd 0), output (1) or error (2)
// port as scsh's set-current-output-port! and friends do: the binding that
// parameterize made in the running thread, if any (it ends with the
// parameterize), else the interpreter's global one.
func (it *Interp) SetCurrentPort(fd int, p *Port) {
	var param *Parameter
	switch fd {
	case 0:
		param = it.inParam
	case 1:
		param = it.outParam
	case 2:
		param = it.errParam
	default:
		return
	}
	if _, ok := it.vm.params[param]; ok {
		it.vm.params[param] = p
		return
	}
	param.value = p
}
