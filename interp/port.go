package interp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"
)

// Port is a Scheme port: an input port reads runes (textual) or bytes
// (binary) from an io.Reader, an output port writes to an io.Writer through
// a buffer. String and bytevector output ports accumulate in memory.
type Port struct {
	Name   string
	Input  bool
	Output bool
	Binary bool

	r      *bufio.Reader
	w      *bufio.Writer
	buf    *bytes.Buffer // string/bytevector output port contents
	closer io.Closer

	closed      bool
	inClosed    bool
	outClosed   bool
	atLineStart bool // output: the last character written was a newline (or nothing yet)
	// LineFlush makes the port flush after every newline (terminal output).
	LineFlush bool
}

// ErrPortClosed is returned when a closed port is used.
var ErrPortClosed = errors.New("port is closed")

// NewInputPort returns a textual input port reading from r. name is used in
// messages (a file name, "stdin", "string").
func NewInputPort(r io.Reader, name string) *Port {
	p := &Port{Name: name, Input: true, r: bufio.NewReaderSize(r, 64<<10)}
	if c, ok := r.(io.Closer); ok {
		p.closer = c
	}
	return p
}

// NewOutputPort returns a textual output port writing to w.
func NewOutputPort(w io.Writer, name string) *Port {
	p := &Port{Name: name, Output: true, w: bufio.NewWriterSize(w, 64<<10), atLineStart: true}
	if c, ok := w.(io.Closer); ok {
		p.closer = c
	}
	return p
}

// NewStringInputPort returns a textual input port over s.
func NewStringInputPort(s string) *Port {
	return &Port{Name: "string", Input: true, r: bufio.NewReader(bytes.NewReader([]byte(s)))}
}

// NewStringOutputPort returns a textual output port accumulating a string.
func NewStringOutputPort() *Port {
	b := new(bytes.Buffer)
	return &Port{Name: "string", Output: true, buf: b, w: bufio.NewWriterSize(b, 4096), atLineStart: true}
}

// ReadChar reads one character; io.EOF at the end.
func (p *Port) ReadChar() (rune, error) {
	if p.r == nil || p.inClosed {
		return 0, ErrPortClosed
	}
	r, _, err := p.r.ReadRune()
	return r, err
}

// UnreadChar pushes back the last rune read.
func (p *Port) UnreadChar() error { return p.r.UnreadRune() }

// PeekChar returns the next character without consuming it.
func (p *Port) PeekChar() (rune, error) {
	r, err := p.ReadChar()
	if err != nil {
		return 0, err
	}
	p.r.UnreadRune()
	return r, nil
}

// ReadByte reads one byte (binary ports).
func (p *Port) ReadByte() (byte, error) {
	if p.r == nil || p.inClosed {
		return 0, ErrPortClosed
	}
	return p.r.ReadByte()
}

// Reader returns the buffered reader under an input port.
func (p *Port) Reader() *bufio.Reader { return p.r }

// WriteString writes s.
func (p *Port) WriteString(s string) error {
	if p.w == nil || p.outClosed {
		return ErrPortClosed
	}
	if len(s) == 0 {
		return nil
	}
	if _, err := p.w.WriteString(s); err != nil {
		return err
	}
	p.atLineStart = s[len(s)-1] == '\n'
	if p.LineFlush && p.atLineStart {
		return p.w.Flush()
	}
	return nil
}

// Write writes raw bytes (binary ports, or text already encoded in UTF-8).
func (p *Port) Write(b []byte) (int, error) {
	if p.w == nil || p.outClosed {
		return 0, ErrPortClosed
	}
	if len(b) == 0 {
		return 0, nil
	}
	n, err := p.w.Write(b)
	p.atLineStart = b[len(b)-1] == '\n'
	if err == nil && p.LineFlush && p.atLineStart {
		err = p.w.Flush()
	}
	return n, err
}

// WriteRune writes one character.
func (p *Port) WriteRune(r rune) error {
	var b [utf8.UTFMax]byte
	n := utf8.EncodeRune(b[:], r)
	_, err := p.Write(b[:n])
	return err
}

// AtLineStart reports whether the last character written was a newline.
func (p *Port) AtLineStart() bool { return p.atLineStart }

// Flush writes buffered output to the underlying writer.
func (p *Port) Flush() error {
	if p.w == nil || p.outClosed {
		return nil
	}
	return p.w.Flush()
}

// Contents returns what a string or bytevector output port has accumulated.
func (p *Port) Contents() []byte {
	if p.buf == nil {
		return nil
	}
	p.w.Flush()
	return p.buf.Bytes()
}

// Close flushes and closes both directions of the port.
func (p *Port) Close() error {
	if p.closed {
		return nil
	}
	var err error
	if p.w != nil && !p.outClosed {
		err = p.w.Flush()
	}
	p.closed, p.inClosed, p.outClosed = true, true, true
	if p.closer != nil {
		if cerr := p.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// IsClosed reports whether the port has been closed.
func (p *Port) IsClosed() bool { return p.closed }
