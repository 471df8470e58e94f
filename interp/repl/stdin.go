package repl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"popsh/interp"
)

// ErrReadInterrupted is returned by an InterruptibleReader's Read when the
// evaluation waiting for input was interrupted (Ctrl-C). It wraps
// interp.ErrInterrupted, so interp.IsInterrupt and interp.FormatError know
// it.
// (A type of its own rather than fmt.Errorf: a package-level fmt.Errorf
// runs fmt at every start.)
var ErrReadInterrupted error = readInterrupted{}

type readInterrupted struct{}

func (readInterrupted) Error() string { return "read " + interp.ErrInterrupted.Error() }
func (readInterrupted) Unwrap() error { return interp.ErrInterrupted }

// An InterruptibleReader shares one blocking reader (a terminal) between
// the line editor and the running Scheme program, and lets a read be
// abandoned: while a context is set with SetContext, a Read returns
// ErrReadInterrupted as soon as that context is cancelled. The underlying
// read goes on in the background and its data is kept for the next Read, so
// nothing typed is lost.
//
// Only one goroutine reads the underlying reader, so the line editor and a
// Scheme (read-line) never race for the same bytes.
//
// End of file is not sticky: a terminal reports one for each Ctrl-D, so a
// program's read gets the end of file and the next read (the line
// editor's, at the prompt) waits for keys again.
type InterruptibleReader struct {
	r io.Reader

	mu      sync.Mutex // held by the one Read in progress
	ctxMu   sync.Mutex
	ctx     context.Context
	pending bool // a background read was started and not yet collected
	results chan readResult
	buf     []byte // data read but not yet returned
	eof     bool   // the underlying reader said io.EOF: the next Read returns it once
	err     error  // sticky error of the underlying reader (not io.EOF)
	closed  chan struct{}
	once    sync.Once
	// typed is text the line editor read ahead and gave back (Unread),
	// returned before anything else, a line at a time; echo, when set,
	// shows what of it a program reads (the terminal did not echo it)
	typed []byte
	echo  io.Writer
	// typedPasted is how many bytes at the start of typed came in a
	// bracketed paste (for the line editor: a Tab in them is text)
	typedPasted int
	// typedEOF is a Ctrl-D typed after the text given back: an end of
	// file for a program, the key Ctrl-D for the line editor
	typedEOF bool
	// typedInterrupt is a Ctrl-C typed ahead (the text before it
	// dropped, as the terminal's interrupt drops it): it interrupts the
	// evaluation the line typed before it starts (TakeInterrupt), or is
	// Ctrl-C for the line editor
	typedInterrupt bool
	// partial says the last data returned did not end a line: the
	// terminal's echo of it (in its line mode, while a program reads)
	// left the cursor after it (see TakePartialLine)
	partial bool
}

type readResult struct {
	data []byte
	err  error
}

// NewInterruptibleReader returns an InterruptibleReader over r.
func NewInterruptibleReader(r io.Reader) *InterruptibleReader {
	return &InterruptibleReader{
		r:       r,
		ctx:     context.Background(),
		results: make(chan readResult, 1),
		closed:  make(chan struct{}),
	}
}

// SetContext sets the context whose cancellation interrupts a Read; nil
// means none. The REPL sets the evaluation's context while it runs.
func (ir *InterruptibleReader) SetContext(ctx context.Context) {
	if ctx == nil {
		ctx = context.Background()
	}
	ir.ctxMu.Lock()
	ir.ctx = ctx
	ir.ctxMu.Unlock()
}

func (ir *InterruptibleReader) context() context.Context {
	ir.ctxMu.Lock()
	defer ir.ctxMu.Unlock()
	return ir.ctx
}

// Read reads up to len(p) bytes. See the type's comment for interruption.
func (ir *InterruptibleReader) Read(p []byte) (int, error) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	// what was given back was read before anything still here
	if n, _, ok := ir.readTyped(p); ok {
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
	for len(ir.buf) == 0 {
		if ir.eof {
			ir.eof = false
			return 0, io.EOF
		}
		if ir.err != nil {
			return 0, ir.err
		}
		select {
		case <-ir.closed:
			return 0, io.EOF
		default:
		}
		if !ir.pending {
			ir.pending = true
			go ir.fill(len(p))
		}
		ctx := ir.context()
		select {
		case res := <-ir.results:
			ir.pending = false
			ir.buf = res.data
			switch {
			case res.err == io.EOF:
				ir.eof = true
			case res.err != nil:
				ir.err = res.err
			}
		case <-ctx.Done():
			return 0, fmt.Errorf("%w: %w", ErrReadInterrupted, context.Cause(ctx))
		case <-ir.closed:
			return 0, io.EOF
		}
	}
	n := copy(p, ir.buf)
	ir.buf = ir.buf[n:]
	ir.partial = p[n-1] != '\n'
	return n, nil
}

// readTyped reads from the text given back (Unread), if any: one line at
// a time, as the terminal gives them (a program reading the first takes
// no more than it); pasted is how many of the n bytes came in a bracketed
// paste. Then the Ctrl-D given back: 0 bytes for a program (the end of
// file), the key for the line editor. ok is false when nothing was given
// back. ir.mu is held.
func (ir *InterruptibleReader) readTyped(p []byte) (n, pasted int, ok bool) {
	program := ir.context() != context.Background()
	if len(ir.typed) == 0 {
		if ir.typedInterrupt && !program {
			ir.typedInterrupt = false
			p[0] = 0x03
			return 1, 0, true
		}
		if !ir.typedEOF {
			return 0, 0, false
		}
		ir.typedEOF = false
		if program {
			return 0, 0, true
		}
		p[0] = 0x04
		return 1, 0, true
	}
	n = len(ir.typed)
	if i := bytes.IndexByte(ir.typed, '\n'); i >= 0 {
		n = i + 1
	}
	n = copy(p, ir.typed[:n])
	if program && ir.echo != nil && ir.echoes() {
		ir.echo.Write(p[:n])
	}
	ir.typed = ir.typed[n:]
	pasted = min(n, ir.typedPasted)
	ir.typedPasted -= pasted
	ir.partial = p[n-1] != '\n'
	return n, pasted, true
}

// ReadTyped is Read for the line editor when text was given back: ok is
// false when none was (nothing was read); pasted is how many of the n
// bytes came in a bracketed paste.
func (ir *InterruptibleReader) ReadTyped(p []byte) (n, pasted int, ok bool) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if len(p) == 0 {
		return 0, 0, false
	}
	return ir.readTyped(p)
}

// echoes reports whether the terminal shows what is typed now: a program
// reading a password turns its echo off, and the text given back must
// not show either.
func (ir *InterruptibleReader) echoes() bool {
	f, ok := ir.r.(*os.File)
	if !ok {
		return true
	}
	t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil && t.Lflag&unix.ECHO != 0
}

// Unread gives back text read ahead of what its reader needed (lines
// typed while the line editor read the one before): the next reads
// return it first, a line at a time.
// The first pasted bytes of text came in a bracketed paste. With eof, a
// Ctrl-D typed after text comes after it: the end of file for a
// program's read, Ctrl-D for the line editor's.
func (ir *InterruptibleReader) Unread(text []byte, pasted int, eof bool) {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	if len(ir.typed) > 0 && pasted < len(text) {
		ir.typedPasted = 0 // what follows was not pasted with it
	}
	ir.typed = append(append([]byte(nil), text...), ir.typed...)
	ir.typedPasted += pasted
	ir.typedEOF = ir.typedEOF || eof
}

// HasTyped reports whether text given back with Unread is still to be
// read.
func (ir *InterruptibleReader) HasTyped() bool {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	return len(ir.typed) > 0 || ir.typedEOF || ir.typedInterrupt
}

// UnreadInterrupt gives back a Ctrl-C typed ahead (see typedInterrupt).
func (ir *InterruptibleReader) UnreadInterrupt() {
	ir.mu.Lock()
	ir.typedInterrupt = true
	ir.mu.Unlock()
}

// TakeInterrupt reports whether a Ctrl-C was typed ahead of the
// evaluation starting, and forgets it.
func (ir *InterruptibleReader) TakeInterrupt() bool { return ir.take(&ir.typedInterrupt) }

// take returns the flag *f and clears it.
func (ir *InterruptibleReader) take(f *bool) bool {
	ir.mu.Lock()
	defer ir.mu.Unlock()
	t := *f
	*f = false
	return t
}

// EchoTo sets where the text given back with Unread is shown when a
// program (a Read under SetContext) reads it.
func (ir *InterruptibleReader) EchoTo(w io.Writer) {
	ir.mu.Lock()
	ir.echo = w
	ir.mu.Unlock()
}

// TakePartialLine reports whether the last data read did not end a line
// (text ended by Ctrl-D, which the terminal echoes without a newline),
// and forgets it.
func (ir *InterruptibleReader) TakePartialLine() bool { return ir.take(&ir.partial) }

// fill does one read of the underlying reader.
func (ir *InterruptibleReader) fill(size int) {
	if size < 512 {
		size = 512
	}
	b := make([]byte, size)
	n, err := ir.r.Read(b)
	ir.results <- readResult{b[:n], err}
}

// Close makes every later Read return io.EOF. The underlying reader is not
// closed (it is usually os.Stdin).
func (ir *InterruptibleReader) Close() error {
	ir.once.Do(func() { close(ir.closed) })
	return nil
}
