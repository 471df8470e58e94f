package interp

import (
	"fmt"
	"io"
)

// DefaultMaxRead is the read limit of a new interpreter: the most bytes one
// line (read-line and the like), one string read by read-string, or one
// datum (read, load, a script) may take. Input beyond it is refused with an
// error naming the port, long before memory runs out.
const DefaultMaxRead = 64 << 20

// elementCost is what each list or vector element of a datum counts
// towards the read limit, on top of its text: the reader's memory grows
// with the elements it builds, not only with the bytes it reads.
const elementCost = 32

// pollEvery is how many bytes a long read goes between two looks at the
// interrupt flag.
const pollEvery = 4096

// WithMaxRead sets the read limit (see DefaultMaxRead); n <= 0 keeps the
// default. The limit applies to program text too (each datum of a file
// loaded or a string evaluated), the interpreter's own prelude excepted: a
// small limit is better set with SetMaxRead once Scheme libraries are
// loaded.
func WithMaxRead(n int) Option { return func(it *Interp) { it.SetMaxRead(n) } }

// SetMaxRead sets the read limit in bytes; n <= 0 restores the default.
func (it *Interp) SetMaxRead(n int) {
	if n <= 0 {
		n = 0
	}
	it.maxRead = n
}

// MaxRead returns the read limit in bytes.
func (it *Interp) MaxRead() int {
	if it == nil || it.maxRead <= 0 {
		return DefaultMaxRead
	}
	return it.maxRead
}

// interrupted returns the error that ends the evaluation when Ctrl-C (or a
// cancelled context) asked for it, else nil. A primitive looping over input
// calls it now and then; the error is fatal (handlers do not see it).
func (it *Interp) interrupted() error {
	if it == nil || !it.interrupt.Load() {
		return nil
	}
	return it.vm.interrupted()
}

// SetInterp ties the reads of the input port p to the interpreter it: the
// read limit is it's, and a long read stops when the running evaluation is
// interrupted. The read primitives call it on the port they read from; a
// port used from Go alone has the default limit and no interruption.
func (p *Port) SetInterp(it *Interp) { p.it = it }

// CheckRead is for loops that read a port piece by piece into memory
// (read-delimited, port->string...): n is the number of bytes gathered so
// far, what names the thing being read ("line", "string"). It returns an
// error when n is beyond the read limit, or when the evaluation was
// interrupted.
func (p *Port) CheckRead(n int, what string) error {
	if err := p.it.interrupted(); err != nil {
		return err
	}
	if max := p.it.MaxRead(); n > max {
		return readLimitError(p.SchemeString(), what, max)
	}
	return nil
}

// readLimitError is the error for input beyond the read limit.
func readLimitError(port, what string, max int) *ErrorObject {
	return &ErrorObject{
		Kind:    KindReadError,
		Message: fmt.Sprintf("%s: %s longer than the read limit of %d bytes (set-read-limit! changes it)", port, what, max),
	}
}

func init() {
	registerBuiltins("system", []Builtin{
		{Name: "read-limit", MinArgs: 0, MaxArgs: 0, Doc: "(read-limit): the most bytes one read may take from a port (0: no limit)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				return it.MaxRead(), nil
			}},
		{Name: "set-read-limit!", MinArgs: 1, MaxArgs: 1, Doc: "(set-read-limit! n): set the most bytes one read may take from a port (0: no limit)",
			Fn: func(it *Interp, a []Value) (Value, error) {
				n, ok := a[0].(int)
				if !ok || n <= 0 {
					return nil, TypeError("a positive exact integer", a[0])
				}
				it.SetMaxRead(n)
				return Unspecified, nil
			}},
	}...)
}

// ReadDatum reads the next datum from the textual input port p, as read
// does: the eof object at the end; an error for bad syntax, for a datum
// beyond the read limit, for a failing port, or when the evaluation is
// interrupted (never a partial datum).
func (it *Interp) ReadDatum(p *Port) (Value, error) {
	if err := p.checkIn(); err != nil {
		return nil, ioError(p, err)
	}
	rd := NewReader(p.r, p.Name)
	rd.it = it
	rd.what = p.SchemeString()
	rd.pos = nil // positions are for source code only
	rd.foldCase = p.foldCase
	v, err := rd.Read()
	p.foldCase = rd.foldCase
	if err == io.EOF {
		return EOF, nil
	}
	return v, err
}
