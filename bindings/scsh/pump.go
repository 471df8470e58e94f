package scsh

import (
	"io"
	"os"

	"popsh/interp"
)

// portPumps carry the output of programs to Scheme ports that are not
// over a file descriptor (a string port, a port on a buffer). A program
// writes into an OS pipe; the Scheme thread that waits for it writes what
// arrives into the port, holding the interpreter lock only for that, so
// that other Scheme threads (a forked stage feeding the program its
// input) run meanwhile. os/exec's own copying would write into the port
// from a goroutine of its own, which must not run beside Scheme threads.
type portPumps struct {
	ports map[*interp.Port]*pump
	ch    chan pumpChunk
	open  int
}

type pump struct {
	r, w *os.File
}

type pumpChunk struct {
	p    *interp.Port
	data []byte // nil: the end of the program's output
}

// writer returns what a program is to write into in place of w: the
// write end of a pump when w is a Scheme port without a descriptor,
// otherwise w itself. A nil receiver is not allowed.
func (ps *portPumps) writer(w io.Writer) (io.Writer, error) {
	pw, ok := w.(portWriter)
	if !ok {
		return w, nil
	}
	if pp := ps.ports[pw.p]; pp != nil {
		return pp.w, nil
	}
	r, wf, err := os.Pipe()
	if err != nil {
		return nil, syscallError("pipe", err)
	}
	if ps.ports == nil {
		ps.ports = map[*interp.Port]*pump{}
		ps.ch = make(chan pumpChunk, 4)
	}
	ps.ports[pw.p] = &pump{r: r, w: wf}
	return wf, nil
}

// started closes popsh's copies of the write ends (the programs have
// theirs) and starts reading the pumps.
func (ps *portPumps) started() {
	for p, pp := range ps.ports {
		pp.w.Close()
		ps.open++
		go func(p *interp.Port, r *os.File) {
			defer r.Close()
			for {
				buf := make([]byte, 32*1024)
				n, err := r.Read(buf)
				if n > 0 {
					ps.ch <- pumpChunk{p: p, data: buf[:n]}
				}
				if err != nil {
					ps.ch <- pumpChunk{p: p}
					return
				}
			}
		}(p, pp.r)
	}
}

// abandon closes both ends of every pump (the programs did not start).
func (ps *portPumps) abandon() {
	for _, pp := range ps.ports {
		pp.r.Close()
		pp.w.Close()
	}
	ps.ports = nil
}

// deliver writes what the programs write into the ports until they have
// all closed their output. It must be called by the Scheme thread that
// holds the interpreter lock.
func (ps *portPumps) deliver(it *interp.Interp) {
	for ps.open > 0 {
		var c pumpChunk
		it.Blocking(func() error {
			c = <-ps.ch
			return nil
		})
		if c.data == nil {
			ps.open--
			continue
		}
		c.p.Write(c.data) // a port that fails keeps its error for its next use
	}
}
