package interp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Port is a Scheme port. An input port reads characters (textual) or bytes
// (binary) from an io.Reader through a buffer; an output port writes to an
// io.Writer through a buffer. String and bytevector output ports have no
// writer: they accumulate their text in memory and Contents returns it.
//
// Ports stream: reading or writing any amount of data through a port keeps
// only the buffer (64 KiB) in memory, except for string/bytevector output
// ports, whose whole purpose is to hold their contents. What one read
// gathers in memory (a line, a string, a datum) is bounded by the read
// limit (DefaultMaxRead, or the interpreter's: see SetInterp).
//
// Ordering with a terminal: output to a file or pipe is buffered, which is
// fast but means text appears only when the buffer fills, on Flush, or on
// Close. Two fields change this for interactive use:
//
//   - LineFlush: the port is flushed at the end of every write operation
//     whose text contains a newline (line buffering, as for a terminal).
//   - Tie: another port flushed before every operation on this one. Tie the
//     error port and the input port to the output port so that everything
//     written to stdout before a message on stderr (or before a read from
//     stdin waits) is out first, in order.
//
// A Port is not safe for concurrent use.
type Port struct {
	Name   string // a file name, "stdin", "string", ... for messages
	Input  bool   // an input port
	Output bool   // an output port
	Binary bool   // a binary port (bytes) rather than a textual one (characters)
	// LineFlush makes an output port flush after each write operation whose
	// text contains a newline.
	LineFlush bool
	// NoBuffer makes an output port flush after every write operation
	// (scsh's bufpol/none).
	NoBuffer bool
	// Tie, when set, is flushed before every read from or write to this port.
	Tie *Port

	r        *bufio.Reader
	inMemory bool // input from memory: always ready
	src      io.Reader
	// rin, when set, is what r reads from in place of src (a wrapper of
	// it); unbuffered: r reads it a byte at a time (SetInputBuffered)
	rin        io.Reader
	unbuffered bool
	ahead      *bytes.Reader // what the buffer held when r was replaced, read first

	wbuf   []byte    // pending output (all of it for in-memory ports)
	dst    io.Writer // nil: in-memory output port
	closer io.Closer
	werr   error // sticky write error
	// limit, when not 0, replaces maxStringPortBytes (tests use a small one).
	limit int
	// it, when set, gives the read limit and the interrupt flag (SetInterp)
	it *Interp

	// readBusy is set while a thread waits for input for this port with
	// the interpreter lock (gate's) released; readDone closes when it is
	// over. shared: the buffered reader was handed out (Reader), so reads
	// may come from other goroutines and never release the lock.
	readBusy bool
	readDone chan struct{}
	gate     *Interp
	shared   bool

	// foldCase: a #!fold-case read from this port is in force (R7RS 2.1:
	// it holds for the data read later from the same port)
	foldCase bool

	inClosed  bool
	outClosed bool
	closed    bool
	lastByte  int // last byte written, -1 when nothing yet
	scratch   [32]byte
}

// portBufSize is the buffer size of file and stream ports.
const portBufSize = 64 << 10

// ErrPortClosed is returned when a closed port is used.
var ErrPortClosed = errors.New("port is closed")

// NewInputPort returns a textual input port reading from r. name is used in
// messages (a file name, "stdin", "string"). If r is an io.Closer, closing the
// port closes it.
func NewInputPort(r io.Reader, name string) *Port {
	p := &Port{Name: name, Input: true, r: bufio.NewReaderSize(r, portBufSize), src: r, lastByte: -1}
	if c, ok := r.(io.Closer); ok {
		p.closer = c
	}
	return p
}

// NewOutputPort returns a textual output port writing to w through a 64 KiB
// buffer (allocated by the first write). If w is an io.Closer, closing the
// port closes it.
func NewOutputPort(w io.Writer, name string) *Port {
	p := &Port{Name: name, Output: true, dst: w, lastByte: -1}
	if c, ok := w.(io.Closer); ok {
		p.closer = c
	}
	return p
}

// NewStringInputPort returns a textual input port over s.
func NewStringInputPort(s string) *Port {
	n := len(s)
	if n > portBufSize {
		n = portBufSize
	}
	sr := strings.NewReader(s)
	return &Port{Name: "string", Input: true, r: bufio.NewReaderSize(sr, n), src: sr, inMemory: true, lastByte: -1}
}

// NewStringOutputPort returns a textual output port accumulating a string.
func NewStringOutputPort() *Port {
	return &Port{Name: "string", Output: true, lastByte: -1}
}

// NewBytevectorInputPort returns a binary input port over b (not copied:
// the caller must not change b while the port is in use).
func NewBytevectorInputPort(b []byte) *Port {
	n := len(b)
	if n > portBufSize {
		n = portBufSize
	}
	br := bytes.NewReader(b)
	return &Port{Name: "bytevector", Input: true, Binary: true, r: bufio.NewReaderSize(br, n), src: br, inMemory: true, lastByte: -1}
}

// NewBytevectorOutputPort returns a binary output port accumulating bytes.
func NewBytevectorOutputPort() *Port {
	return &Port{Name: "bytevector", Output: true, Binary: true, lastByte: -1}
}

// FileError returns the file-error object for a failed operation op
// ("open", "delete"...) on path: `cannot OP file "PATH": REASON`, or with
// the words in forWhat after the file name (`... "PATH" for writing: ...`).
func FileError(op, path string, err error, forWhat ...string) *ErrorObject {
	reason := err.Error()
	var pe *os.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	suffix := ""
	for _, w := range forWhat {
		suffix += " " + w
	}
	return &ErrorObject{
		Kind:    KindFileError,
		Message: fmt.Sprintf("cannot %s file %q%s: %s", op, path, suffix, reason),
		Cause:   err,
	}
}

// OpenFilePort opens the file at path with os.OpenFile(path, flag, perm) and
// returns a textual port on it: an input port when input is true, else an
// output port (set Binary on the result for a binary port). Errors are file errors
// (Kind KindFileError) naming the file and the reason. The scsh layer calls
// it with its open/... flags; R7RS open-input-file is
// OpenFilePort(path, os.O_RDONLY, 0, true) and open-output-file is
// OpenFilePort(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0666, false).
func OpenFilePort(path string, flag int, perm os.FileMode, input bool) (*Port, error) {
	f, err := os.OpenFile(path, flag, perm)
	if err != nil {
		if input {
			return nil, FileError("open", path, err)
		}
		return nil, FileError("open", path, err, "for writing")
	}
	var p *Port
	if input {
		p = NewInputPort(f, path)
	} else {
		p = NewOutputPort(f, path)
	}
	return p, nil
}

// ---- input ----

func (p *Port) checkIn() error {
	if p.r == nil {
		return fmt.Errorf("%s: not an input port", p.Name)
	}
	for p.readBusy {
		// another thread waits for input on this port
		if _, err := p.gate.wait(p.readDone, -1); err != nil {
			return err
		}
	}
	if p.inClosed {
		return ErrPortClosed
	}
	if p.Tie != nil && p.r.Buffered() == 0 {
		p.Tie.Flush()
	}
	return nil
}

// ReadChar reads one character; io.EOF at the end. Invalid UTF-8 reads as
// U+FFFD.
func (p *Port) ReadChar() (rune, error) {
	if err := p.checkIn(); err != nil {
		return 0, err
	}
	r, _, err := p.r.ReadRune()
	return r, err
}

// UnreadChar pushes back the last character read by ReadChar.
func (p *Port) UnreadChar() error {
	if p.r == nil {
		return ErrPortClosed
	}
	return p.r.UnreadRune()
}

// PeekChar returns the next character without consuming it; io.EOF at the
// end.
func (p *Port) PeekChar() (rune, error) {
	if err := p.checkIn(); err != nil {
		return 0, err
	}
	r, _, err := p.r.ReadRune()
	if err != nil {
		return 0, err
	}
	p.r.UnreadRune()
	return r, nil
}

// ReadByte reads one byte; io.EOF at the end. On a Latin-1 port
// (SetLatin1) a byte is a character: the byte that came in.
func (p *Port) ReadByte() (byte, error) {
	if err := p.checkIn(); err != nil {
		return 0, err
	}
	if p.latin1In() {
		r, _, err := p.r.ReadRune()
		return byte(r), err
	}
	return p.r.ReadByte()
}

// PeekByte returns the next byte without consuming it; io.EOF at the end.
func (p *Port) PeekByte() (byte, error) {
	if err := p.checkIn(); err != nil {
		return 0, err
	}
	if p.latin1In() {
		r, _, err := p.r.ReadRune()
		if err != nil {
			return 0, err
		}
		p.r.UnreadRune()
		return byte(r), nil
	}
	b, err := p.r.Peek(1)
	if len(b) == 0 {
		if err == nil {
			err = io.EOF
		}
		return 0, err
	}
	return b[0], nil
}

// UnreadByte pushes back the last byte read (also the LF after ReadLine).
func (p *Port) UnreadByte() error {
	if p.r == nil {
		return ErrPortClosed
	}
	return p.r.UnreadByte()
}

// ReadBytes reads up to len(b) bytes, blocking only until at least one is
// available; it returns 0, io.EOF at the end.
func (p *Port) ReadBytes(b []byte) (int, error) {
	if err := p.checkIn(); err != nil {
		return 0, err
	}
	if len(b) == 0 {
		return 0, nil
	}
	if p.latin1In() {
		return p.readLatin1Bytes(b)
	}
	n, err := io.ReadAtLeast(p.r, b, 1)
	if n > 0 {
		// Take what is already buffered too, without waiting.
		for n < len(b) && p.r.Buffered() > 0 {
			m, _ := p.r.Read(b[n:])
			n += m
		}
		return n, nil
	}
	if err == io.ErrUnexpectedEOF {
		err = io.EOF
	}
	return n, err
}

// ReadLine reads up to and including the next LF. It returns the line
// without the LF (a CR before it is kept) and whether the LF was seen. At the
// end of input with nothing read it returns io.EOF. A line longer than the
// read limit (see SetInterp) is an error; what was read of it is lost. The
// line is a fresh slice, the caller's to keep or change.
func (p *Port) ReadLine() (line []byte, sawLF bool, err error) {
	if err := p.checkIn(); err != nil {
		return nil, false, err
	}
	var acc []byte
	for {
		chunk, err := p.r.ReadSlice('\n')
		if err == nil {
			chunk = chunk[:len(chunk)-1]
			if err := p.CheckRead(len(acc)+len(chunk), "line"); err != nil {
				return nil, false, err
			}
			if acc == nil {
				return append([]byte(nil), chunk...), true, nil
			}
			return append(acc, chunk...), true, nil
		}
		if cerr := p.CheckRead(len(acc)+len(chunk), "line"); cerr != nil {
			return nil, false, cerr
		}
		acc = append(acc, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(acc) == 0 {
				return nil, false, io.EOF
			}
			return acc, false, nil
		}
		return acc, false, err
	}
}

// ReadLineAnyEnd reads a line ended by LF, CR or CR LF (R7RS's read-line)
// and returns it without its end; at the end of input with nothing read it
// returns io.EOF. A CR that ends what the port holds so far ends the line
// without waiting to see whether a LF follows (an interactive peer that
// ends its lines with CR is not kept waiting); that LF then reads as an
// empty line. A line longer than the read limit is an error.
func (p *Port) ReadLineAnyEnd() (line []byte, err error) {
	if err := p.checkIn(); err != nil {
		return nil, err
	}
	line = []byte{}
	for {
		if _, err := p.r.Peek(1); err != nil {
			if err == io.EOF && len(line) > 0 {
				return line, nil
			}
			return nil, err
		}
		buf, _ := p.r.Peek(p.r.Buffered())
		i := bytes.IndexAny(buf, "\r\n")
		if i < 0 {
			line = append(line, buf...)
			p.r.Discard(len(buf))
			if err := p.CheckRead(len(line), "line"); err != nil {
				return nil, err
			}
			continue
		}
		line = append(line, buf[:i]...)
		p.r.Discard(i + 1)
		if buf[i] == '\r' && p.r.Buffered() > 0 {
			if next, _ := p.r.Peek(1); next[0] == '\n' {
				p.r.Discard(1)
			}
		}
		if err := p.CheckRead(len(line), "line"); err != nil {
			return nil, err
		}
		return line, nil
	}
}

// ReadRunes reads up to k characters, fewer at the end of input; io.EOF when
// none is left. More than the read limit's worth of bytes is an error.
func (p *Port) ReadRunes(k int) ([]rune, error) {
	buf, err := p.readUTF8(k)
	if buf == nil {
		return nil, err
	}
	return appendRunesUTF8(make([]rune, 0, len(buf)), buf), err
}

// ReadText is ReadRunes giving a Scheme string (narrow when it can be).
func (p *Port) ReadText(k int) (*String, error) {
	buf, err := p.readUTF8(k)
	if buf == nil {
		return nil, err
	}
	if cap(buf) > 2*len(buf)+64 {
		return NewStringUTF8(buf), err // do not keep a mostly empty buffer
	}
	return NewStringOwnUTF8(buf), err
}

// readUTF8 reads up to k characters as UTF-8 (invalid input as U+FFFD): a
// non-nil buffer with what was read, and io.EOF when nothing was left.
func (p *Port) readUTF8(k int) ([]byte, error) {
	if err := p.checkIn(); err != nil {
		return nil, err
	}
	// Gather the text as UTF-8 (a quarter of the memory of runes while it
	// grows), then convert it once. Runs of ASCII are copied from the
	// buffer in one go.
	buf := make([]byte, 0, min(k, max(4096, p.r.Buffered())))
	next := pollEvery
	for got := 0; got < k; {
		if ahead, _ := p.r.Peek(min(p.r.Buffered(), k-got)); len(ahead) > 0 && ahead[0] < utf8.RuneSelf {
			i := 1
			for i < len(ahead) && ahead[i] < utf8.RuneSelf {
				i++
			}
			buf = append(buf, ahead[:i]...)
			p.r.Discard(i)
			got += i
		} else {
			r, _, err := p.r.ReadRune()
			if err != nil {
				if err == io.EOF {
					break
				}
				return buf, err
			}
			buf = utf8.AppendRune(buf, r)
			got++
		}
		if len(buf) >= next {
			next += pollEvery
			if err := p.CheckRead(len(buf), "string"); err != nil {
				return nil, err
			}
		}
	}
	if err := p.CheckRead(len(buf), "string"); err != nil {
		return nil, err
	}
	if len(buf) == 0 && k > 0 {
		return nil, io.EOF
	}
	return buf, nil
}

// Ready reports whether a character or byte can be read without blocking
// (char-ready?, u8-ready?). At the end of input it is true.
func (p *Port) Ready() bool {
	if p.r == nil || p.inClosed {
		return false
	}
	if p.inMemory || p.Buffered() > 0 {
		return true
	}
	if f, ok := p.src.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return true
		}
		// a pipe, socket or terminal: ask the system whether data (or
		// end of file) is waiting there
		if ready, known := fileReadable(f); known {
			return ready
		}
	}
	return false
}

// Reader returns the buffered reader under an input port (nil for output
// ports). Reading from it directly is fine: the port keeps no other state.
func (p *Port) Reader() *bufio.Reader {
	p.shared = true
	return p.r
}

// ---- output ----

// The put* methods append to the buffer without the per-operation work
// (Tie, LineFlush); begin/end do that once per operation.

func (p *Port) checkOut() error {
	if !p.Output || p.outClosed {
		if !p.Output {
			return fmt.Errorf("%s: not an output port", p.Name)
		}
		return ErrPortClosed
	}
	return p.werr
}

func (p *Port) begin() error {
	if err := p.checkOut(); err != nil {
		return err
	}
	if p.Tie != nil {
		p.Tie.Flush()
	}
	return nil
}

func (p *Port) end() error {
	if p.dst == nil && p.werr == nil {
		limit := maxStringPortBytes
		if p.limit != 0 {
			limit = p.limit
		}
		if len(p.wbuf) > limit {
			p.werr = fmt.Errorf("%s: output string port holds more than %d bytes", p.Name, limit)
		}
	}
	if p.dst != nil && (p.NoBuffer || p.LineFlush && bytes.IndexByte(p.wbuf, '\n') >= 0) {
		p.flushBuf()
	}
	return p.werr
}

// spill makes room in the buffer of a file or stream port: it writes out
// what the buffer holds, or allocates the buffer at the first write.
func (p *Port) spill() {
	if cap(p.wbuf) == 0 {
		p.wbuf = make([]byte, 0, portBufSize)
		return
	}
	p.flushBuf()
}

func (p *Port) flushBuf() {
	if p.dst == nil || len(p.wbuf) == 0 {
		return
	}
	if p.werr == nil {
		_, p.werr = p.dst.Write(p.wbuf)
	}
	p.wbuf = p.wbuf[:0]
}

func (p *Port) putString(s string) {
	if len(s) == 0 {
		return
	}
	if p.dst != nil && len(p.wbuf)+len(s) > cap(p.wbuf) {
		p.spill()
		if len(s) >= cap(p.wbuf) {
			if p.werr == nil {
				_, p.werr = io.WriteString(p.dst, s)
			}
			p.lastByte = int(s[len(s)-1])
			return
		}
	}
	p.wbuf = append(p.wbuf, s...)
	p.lastByte = int(s[len(s)-1])
}

func (p *Port) putBytes(b []byte) {
	if len(b) == 0 {
		return
	}
	if p.dst != nil && len(p.wbuf)+len(b) > cap(p.wbuf) {
		p.spill()
		if len(b) >= cap(p.wbuf) {
			if p.werr == nil {
				_, p.werr = p.dst.Write(b)
			}
			p.lastByte = int(b[len(b)-1])
			return
		}
	}
	p.wbuf = append(p.wbuf, b...)
	p.lastByte = int(b[len(b)-1])
}

func (p *Port) putByte(c byte) {
	if p.dst != nil && len(p.wbuf) >= cap(p.wbuf) {
		p.spill()
	}
	p.wbuf = append(p.wbuf, c)
	p.lastByte = int(c)
}

func (p *Port) putRune(r rune) {
	if r < utf8.RuneSelf && r >= 0 {
		p.putByte(byte(r))
		return
	}
	if p.dst != nil && len(p.wbuf)+utf8.UTFMax > cap(p.wbuf) {
		p.spill()
	}
	p.wbuf = utf8.AppendRune(p.wbuf, r)
	p.lastByte = int(p.wbuf[len(p.wbuf)-1])
}

func (p *Port) putRunes(rs []rune) {
	if len(rs) == 0 {
		return
	}
	for len(rs) > 0 {
		if p.dst != nil && len(p.wbuf)+utf8.UTFMax > cap(p.wbuf) {
			p.spill()
		}
		// Fill the buffer in one go up to its capacity.
		room := len(rs)
		if p.dst != nil {
			room = (cap(p.wbuf) - len(p.wbuf)) / utf8.UTFMax
			if room > len(rs) {
				room = len(rs)
			}
			if room == 0 {
				room = 1
			}
		}
		for _, r := range rs[:room] {
			if r < utf8.RuneSelf && r >= 0 {
				p.wbuf = append(p.wbuf, byte(r))
			} else {
				p.wbuf = utf8.AppendRune(p.wbuf, r)
			}
		}
		rs = rs[room:]
	}
	p.lastByte = int(p.wbuf[len(p.wbuf)-1])
}

// WriteString writes s.
func (p *Port) WriteString(s string) error {
	if err := p.begin(); err != nil {
		return err
	}
	p.putString(s)
	return p.end()
}

// WriteRunes writes the characters rs.
func (p *Port) WriteRunes(rs []rune) error {
	if err := p.begin(); err != nil {
		return err
	}
	p.putRunes(rs)
	return p.end()
}

// WriteText writes characters start to end (exclusive) of s.
func (p *Port) WriteText(s *String, start, end int) error {
	if err := p.begin(); err != nil {
		return err
	}
	p.putText(s, start, end)
	return p.end()
}

// Write writes raw bytes (binary ports, or text already encoded in UTF-8).
// It implements io.Writer.
func (p *Port) Write(b []byte) (int, error) {
	if err := p.begin(); err != nil {
		return 0, err
	}
	p.putBytes(b)
	if err := p.end(); err != nil {
		return 0, err
	}
	return len(b), nil
}

// WriteByte writes one byte. It implements io.ByteWriter. On a Latin-1
// port (SetLatin1) the byte goes out as it is: it is the character of
// its code.
func (p *Port) WriteByte(c byte) error {
	if err := p.begin(); err != nil {
		return err
	}
	if c >= utf8.RuneSelf && p.latin1Out() {
		p.putRune(rune(c))
	} else {
		p.putByte(c)
	}
	return p.end()
}

// WriteOctets writes bytes as bytes (write-bytevector): on a Latin-1 port
// each is the character of its code, which the port writes as that byte;
// elsewhere it is Write.
func (p *Port) WriteOctets(b []byte) (int, error) {
	if !p.latin1Out() {
		return p.Write(b)
	}
	if err := p.begin(); err != nil {
		return 0, err
	}
	for _, c := range b {
		p.putRune(rune(c))
	}
	if err := p.end(); err != nil {
		return 0, err
	}
	return len(b), nil
}

// WriteRune writes one character.
func (p *Port) WriteRune(r rune) error {
	if err := p.begin(); err != nil {
		return err
	}
	p.putRune(r)
	return p.end()
}

// AtLineStart reports whether the last character written was a newline or
// nothing was written yet (for fresh-line and format's ~&).
func (p *Port) AtLineStart() bool { return p.lastByte < 0 || p.lastByte == '\n' }

// Flush writes buffered output to the underlying writer. It does nothing for
// input, in-memory and closed ports.
func (p *Port) Flush() error {
	if p.dst == nil || p.outClosed {
		return nil
	}
	p.flushBuf()
	if p.werr == nil {
		if f, ok := p.dst.(interface{ Flush() error }); ok {
			p.werr = f.Flush()
		}
	}
	return p.werr
}

// Contents returns what a string or bytevector output port has accumulated
// (the port's own buffer: copy it to keep it across later writes). It is nil
// for other ports.
func (p *Port) Contents() []byte {
	if !p.Output || p.dst != nil {
		return nil
	}
	return p.wbuf
}

// Reset empties a string or bytevector output port.
func (p *Port) Reset() {
	if p.dst == nil {
		p.wbuf = p.wbuf[:0]
		p.lastByte = -1
	}
}

// CloseInput closes the input side of the port (close-input-port).
func (p *Port) CloseInput() error {
	if !p.Input || p.inClosed {
		return nil
	}
	p.inClosed = true
	if !p.Output || p.outClosed {
		return p.finish()
	}
	return nil
}

// CloseOutput flushes and closes the output side of the port
// (close-output-port).
func (p *Port) CloseOutput() error {
	if !p.Output || p.outClosed {
		return nil
	}
	p.flushBuf()
	err := p.werr
	p.outClosed = true
	if !p.Input || p.inClosed {
		if cerr := p.finish(); err == nil {
			err = cerr
		}
	}
	return err
}

func (p *Port) finish() error {
	if p.closed {
		return nil
	}
	p.closed = true
	if p.closer != nil {
		return p.closer.Close()
	}
	return nil
}

// Close flushes and closes both directions of the port. Closing a closed
// port does nothing.
func (p *Port) Close() error {
	var err error
	if p.Output && !p.outClosed {
		p.flushBuf()
		err = p.werr
		p.outClosed = true
	}
	p.inClosed = true
	if cerr := p.finish(); err == nil {
		err = cerr
	}
	return err
}

// IsClosed reports whether the port has been closed (both directions).
func (p *Port) IsClosed() bool {
	return (!p.Input || p.inClosed) && (!p.Output || p.outClosed)
}

// InputOpen reports whether p is an input port that is still open.
func (p *Port) InputOpen() bool { return p.Input && !p.inClosed }

// OutputOpen reports whether p is an output port that is still open.
func (p *Port) OutputOpen() bool { return p.Output && !p.outClosed }

// SchemeString returns the printed form of the port.
func (p *Port) SchemeString() string {
	kind := "port"
	switch {
	case p.Input && p.Output:
		kind = "input/output-port"
	case p.Input:
		kind = "input-port"
	case p.Output:
		kind = "output-port"
	}
	if p.Binary {
		kind = "binary-" + kind
	}
	return "#<" + kind + " " + p.Name + ">"
}
