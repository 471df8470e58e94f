package interp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// A port over a file or stream normally reads and writes UTF-8. In Latin-1
// mode (SetLatin1) each byte is one character, U+0000 to U+00FF, as on
// scsh's 8-bit ports and Scheme 48's Latin-1 channel ports: a byte that
// is not UTF-8 (telnet's IAC, 255) reads as the character of that code,
// and such a character is written as that one byte. Inside, the port
// keeps its text as UTF-8 either way: the mode is a layer between the
// buffer and the source (latin1Reader) and between the buffer and the
// sink (latin1Writer).

// latin1Reader turns the bytes of r into the UTF-8 of the characters of
// the same codes.
type latin1Reader struct {
	r       io.Reader
	raw     []byte
	pending []byte // decoded bytes a short read could not take
}

func (l *latin1Reader) Read(b []byte) (int, error) {
	if len(l.pending) > 0 {
		n := copy(b, l.pending)
		l.pending = l.pending[n:]
		return n, nil
	}
	want := max(len(b)/2, 1)
	if cap(l.raw) < want {
		l.raw = make([]byte, want)
	}
	raw := l.raw[:want]
	n, err := l.r.Read(raw)
	var dec []byte
	if len(b) >= 2*n {
		dec = b[:0]
	}
	for _, c := range raw[:n] {
		dec = utf8.AppendRune(dec, rune(c))
	}
	if len(b) >= 2*n {
		return len(dec), err
	}
	// a one-byte read of a character of 128 or more: the second byte waits
	k := copy(b, dec)
	l.pending = dec[k:]
	return k, err
}

// latin1Writer writes the characters of the UTF-8 it is given as one byte
// each; a character above U+00FF is an error (Latin-1 has no byte for
// it). A sequence cut at the end of one Write is completed by the next.
type latin1Writer struct {
	w     io.Writer
	carry []byte
	out   []byte
}

func (l *latin1Writer) Write(b []byte) (int, error) {
	in := b
	if len(l.carry) > 0 {
		in = append(l.carry, b...)
		l.carry = nil
	}
	out := l.out[:0]
	for i := 0; i < len(in); {
		c := in[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		if !utf8.FullRune(in[i:]) {
			l.carry = append([]byte(nil), in[i:]...)
			break
		}
		r, size := utf8.DecodeRune(in[i:])
		if r > 0xFF {
			return 0, fmt.Errorf("cannot write %U to a Latin-1 port: Latin-1 has characters up to U+00FF", r)
		}
		out = append(out, byte(r))
		i += size
	}
	l.out = out
	if len(out) > 0 {
		if _, err := l.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

func (l *latin1Writer) Close() error {
	if c, ok := l.w.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Latin1 reports whether the port reads and writes Latin-1 (SetLatin1).
func (p *Port) Latin1() bool {
	if p.r != nil {
		_, ok := p.rin.(*latin1Reader)
		return ok
	}
	_, ok := p.dst.(*latin1Writer)
	return ok
}

// SetLatin1 makes a textual port over a file or stream read and write
// Latin-1, one character per byte (on), or UTF-8 (off, the default). What
// an input port has read ahead but the program not yet taken is read
// again in the new encoding; what an output port holds is written first
// in the old one. It is an error for ports over memory, whose text has no
// encoding, and for binary ports.
func (p *Port) SetLatin1(on bool) error {
	if p.Binary || p.InMemory() {
		return fmt.Errorf("%s: a port over memory or a binary port has no text encoding to set", p.Name)
	}
	if p.Latin1() == on {
		return nil
	}
	if p.Output && !p.outClosed {
		if err := p.Flush(); err != nil {
			return err
		}
		if on {
			p.dst = &latin1Writer{w: p.dst}
		} else {
			l := p.dst.(*latin1Writer)
			if len(l.carry) > 0 {
				return fmt.Errorf("%s: a character is half written", p.Name)
			}
			p.dst = l.w
		}
	}
	if p.r == nil {
		return nil
	}
	if err := p.checkIn(); err != nil {
		return err
	}
	under := p.rin
	if under == nil {
		under = p.src
	}
	if l, ok := under.(*latin1Reader); ok {
		under = l.r
	}
	// What the buffer holds was decoded by the old layer: take it back to
	// the bytes of the source and put them in front of it.
	var ahead []byte
	if n := p.r.Buffered(); n > 0 {
		b, _ := p.r.Peek(n)
		ahead = append(ahead, b...)
	}
	if !on && len(ahead) > 0 {
		raw := make([]byte, 0, len(ahead))
		for _, r := range string(ahead) {
			raw = append(raw, byte(r))
		}
		ahead = raw
	}
	if len(ahead) > 0 {
		under = io.MultiReader(bytes.NewReader(ahead), under)
	}
	if on {
		under = &latin1Reader{r: under}
	}
	p.rin = under
	if p.unbuffered {
		p.r = bufio.NewReaderSize(byteReader{under}, 16)
	} else {
		p.r = bufio.NewReaderSize(under, portBufSize)
	}
	return nil
}

// latin1In reports whether the input port reads Latin-1: its buffer then
// holds the UTF-8 of the characters, and a byte read takes a character.
func (p *Port) latin1In() bool {
	_, ok := p.rin.(*latin1Reader)
	return ok
}

// readLatin1Bytes is ReadBytes on a Latin-1 port: the bytes that came in,
// one per character of the buffer, blocking only for the first.
func (p *Port) readLatin1Bytes(b []byte) (int, error) {
	n := 0
	for n < len(b) && (n == 0 || p.r.Buffered() > 0) {
		r, _, err := p.r.ReadRune()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		b[n] = byte(r)
		n++
	}
	return n, nil
}

// latin1Out reports whether the output port writes Latin-1.
func (p *Port) latin1Out() bool {
	_, ok := p.dst.(*latin1Writer)
	return ok
}
