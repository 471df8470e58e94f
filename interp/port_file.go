package interp

import (
	"io"
	"os"
)

// OSFile returns the operating-system file a port reads from or writes to,
// or nil for a port over memory, a pipe wrapper or any other stream.
func (p *Port) OSFile() *os.File {
	if f, ok := p.src.(*os.File); ok {
		return f
	}
	if f, ok := p.dst.(*os.File); ok {
		return f
	}
	if f, ok := p.closer.(*os.File); ok {
		return f
	}
	return nil
}

// Sink returns the writer an output port writes its buffer to (nil for a
// string or bytevector port and for an input port).
func (p *Port) Sink() io.Writer { return p.dst }
