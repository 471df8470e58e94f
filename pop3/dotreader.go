package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
)

// dotReader streams one dot-terminated multi-line response (RFC 1939
// section 3) from a bufio.Reader: it undoes byte-stuffing, stops at the
// lone "." line, optionally turns CR LF into LF, bounds line length, and
// reports a response cut short as ErrTruncated. It works on the
// bufio.Reader's own buffer (no allocation per line): pending is a slice of
// that buffer, valid because nobody else reads from it until the body ends.
type dotReader struct {
	br      *bufio.Reader
	lf      bool // LF mode: CR LF becomes LF
	max     int  // longest line allowed, line end included
	lineLen int  // bytes of the current line seen so far; 0 at line start
	heldCR  bool // LF mode: a CR at the end of a chunk, not yet known to precede LF
	prefix  bool // emit a held CR before pending
	pending []byte
	err     error                         // sticky; io.EOF after the terminating line
	onDone  func(*dotReader, error) error // called once when the body ends; may rewrite the error
	done    bool
	verb    string // the command, for error messages
	n       int
	wire    int64 // octets of the body read from the wire so far
	limit   int64 // the most octets the body may have, or 0 (see Client.bodyLimit)
	listed  int64 // the message's listed size, when limit is set
}

// tooLong ends a body that went past its limit.
func (d *dotReader) tooLong() {
	d.finish(fmt.Errorf("%w: the message goes on past %d octets, more than twice the %d octets LIST gave for it", ErrProtocol, d.limit, d.listed))
}

// tooShort reports whether a RETR body that ended is far shorter than the
// message's listed size: less than half of it, 64 KiB of slack allowed
// (the mirror of the limit of Client.bodyLimit). A server that answers
// RETR with another message's text, or with only a header, would
// otherwise have the message stored as that and deleted.
func (d *dotReader) tooShort() bool {
	const slack = 64 << 10
	return d.verb == "RETR" && d.limit > 0 && d.listed > 2*d.wire+slack
}

var crByte = []byte{'\r'}

// newDotReader returns a reader for the body that follows in br; max is the
// longest line allowed, line end included, or 0 for no limit.
func newDotReader(br *bufio.Reader, lf bool, max int, onDone func(*dotReader, error) error) *dotReader {
	if max <= 0 {
		max = math.MaxInt / 2 // lineLen + a buffer's worth never overflows
	}
	return &dotReader{br: br, lf: lf, max: max, onDone: onDone}
}

// Read implements io.Reader.
func (d *dotReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if d.prefix {
			p[n] = '\r'
			n++
			d.prefix = false
			continue
		}
		if len(d.pending) > 0 {
			k := copy(p[n:], d.pending)
			d.pending = d.pending[k:]
			n += k
			continue
		}
		if d.err != nil || (n > 0 && d.br.Buffered() == 0) {
			break // do not wait on the network while holding data
		}
		d.fill()
	}
	if n > 0 {
		return n, nil
	}
	if len(p) == 0 && d.err == nil {
		return 0, nil
	}
	return 0, d.err
}

// WriteTo implements io.WriterTo: it writes the rest of the body to w
// straight from the read buffer.
func (d *dotReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if d.prefix {
			k, err := w.Write(crByte)
			total += int64(k)
			if err != nil {
				return total, err
			}
			d.prefix = false
		}
		if len(d.pending) > 0 {
			k, err := w.Write(d.pending)
			total += int64(k)
			d.pending = d.pending[k:]
			if err != nil {
				return total, err
			}
			continue
		}
		if d.err != nil {
			if d.err == io.EOF {
				return total, nil
			}
			return total, d.err
		}
		d.fill()
	}
}

// fill reads the next line or chunk into pending, or ends the body.
func (d *dotReader) fill() {
	if d.fastFill() {
		return
	}
	line, err := d.br.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull {
		if err == io.EOF {
			d.finish(fmt.Errorf("%w (no terminating \".\" line): %w", ErrTruncated, io.ErrUnexpectedEOF))
		} else {
			d.finish(err)
		}
		return
	}
	dot := d.lineLen == 0 && len(line) > 0 && line[0] == '.'
	if dot && err == nil && (len(line) == 2 || (len(line) == 3 && line[1] == '\r')) {
		if d.tooShort() {
			d.finish(fmt.Errorf("%w: the message has %d octets, less than half the %d octets LIST gave for it: another message, or part of it", ErrProtocol, d.wire, d.listed))
			return
		}
		d.finish(io.EOF)
		return
	}
	if d.wire += int64(len(line)); d.limit > 0 && d.wire > d.limit {
		d.tooLong()
		return
	}
	if dot {
		line = line[1:] // undo byte-stuffing
		d.lineLen = 1
	}
	d.lineLen += len(line)
	if d.lineLen > d.max {
		d.finish(fmt.Errorf("%w: body line longer than %d bytes: %w", ErrLineTooLong, d.max, ErrProtocol))
		return
	}
	if err == nil {
		d.lineLen = 0
	}
	if !d.lf {
		d.pending = line
		return
	}
	if d.heldCR {
		d.heldCR = false
		if len(line) == 0 || line[0] != '\n' {
			d.prefix = true
		}
	}
	switch n := len(line); {
	case err == nil && n >= 2 && line[n-2] == '\r':
		line[n-2] = '\n' // the bytes are consumed: safe to rewrite in place
		line = line[:n-1]
	case err != nil && n >= 1 && line[n-1] == '\r':
		line = line[:n-1]
		d.heldCR = true
	}
	d.pending = line
}

// indexLineDot returns the index of the first LF in buf that is followed
// by a dot, or -1. It looks for dots rather than line ends: a line end
// comes every few dozen bytes, a dot far less often (never in base64), so
// most of a large message is skipped by one vectorised IndexByte.
func indexLineDot(buf []byte) int {
	for off := 1; off < len(buf); {
		j := bytes.IndexByte(buf[off:], '.')
		if j < 0 {
			return -1
		}
		p := off + j
		if buf[p-1] == '\n' {
			return p - 1
		}
		off = p + 1
	}
	return -1
}

// fastFill takes, in one piece, the buffered bytes up to the next line that
// starts with a dot (or all of them): no line in between needs anything
// but, in LF mode, CR LF turned into LF. It reports false, having done
// nothing, when the line-by-line path must run instead: nothing buffered,
// a dot at the start of the current line, a held CR.
func (d *dotReader) fastFill() bool {
	n := d.br.Buffered()
	if n < 2 || d.heldCR || d.prefix {
		return false
	}
	buf, _ := d.br.Peek(n)
	if d.lineLen == 0 && buf[0] == '.' {
		return false
	}
	chunk := buf
	if i := indexLineDot(buf); i >= 0 {
		chunk = buf[:i+1]
	}
	if d.lf && chunk[len(chunk)-1] == '\r' {
		chunk = chunk[:len(chunk)-1] // its LF, if any, is not here yet
		if len(chunk) == 0 {
			return false
		}
	}
	// Line lengths: the current line goes on to the first LF; the last
	// partial line starts after the last LF.
	first := bytes.IndexByte(chunk, '\n')
	if first < 0 {
		d.lineLen += len(chunk)
	} else {
		d.lineLen += first + 1
		if d.lineLen <= d.max && len(chunk) > d.max {
			// Lines in the middle may be too long: check them.
			for rest := chunk[first+1:]; ; {
				j := bytes.IndexByte(rest, '\n')
				if j < 0 {
					break
				}
				if j+1 > d.max {
					d.lineLen = j + 1
					break
				}
				rest = rest[j+1:]
			}
		}
		if d.lineLen <= d.max {
			d.lineLen = len(chunk) - 1 - bytes.LastIndexByte(chunk, '\n')
		}
	}
	if d.lineLen > d.max {
		d.finish(fmt.Errorf("%w: body line longer than %d bytes: %w", ErrLineTooLong, d.max, ErrProtocol))
		return true
	}
	if d.wire += int64(len(chunk)); d.limit > 0 && d.wire > d.limit {
		d.tooLong()
		return true
	}
	// The chunk's bytes stay in the buffer until the next fill: Discard of
	// buffered bytes does not read.
	d.br.Discard(len(chunk))
	if d.lf {
		chunk = dropCRBeforeLF(chunk)
	}
	d.pending = chunk
	return true
}

// dropCRBeforeLF turns every CR LF of b into LF, in place.
func dropCRBeforeLF(b []byte) []byte {
	w, r := 0, 0
	for r < len(b) {
		j := bytes.IndexByte(b[r:], '\r')
		if j < 0 {
			break
		}
		k := r + j // a CR
		if k+1 < len(b) && b[k+1] == '\n' {
			if w != r {
				copy(b[w:], b[r:k])
			}
			w += k - r
			r = k + 1 // keep the LF, drop the CR
			continue
		}
		// A CR not before LF: keep it.
		if w != r {
			copy(b[w:], b[r:k+1])
		}
		w += k + 1 - r
		r = k + 1
	}
	if w != r {
		copy(b[w:], b[r:])
	}
	return b[:w+len(b)-r]
}

func (d *dotReader) finish(err error) {
	if d.done {
		return
	}
	d.done = true
	if d.heldCR && err == io.EOF {
		// cannot happen: a held CR means we are mid-line
		d.prefix = true
	}
	if d.onDone != nil {
		err = d.onDone(d, err)
	}
	if err == nil {
		err = io.EOF
	}
	d.err = err
}

// Close drains the rest of the body, so that the connection can be used
// for the next command, and reports how the body ended (nil if complete).
func (d *dotReader) Close() error {
	_, err := io.Copy(io.Discard, d)
	if err == nil && d.err != nil && !errors.Is(d.err, io.EOF) {
		err = d.err
	}
	return err
}
