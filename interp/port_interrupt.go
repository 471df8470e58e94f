package interp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// readDeadliner is an input source whose blocking reads can be cut short by
// a deadline: an *os.File on a pipe, FIFO or terminal, or a net.Conn.
type readDeadliner interface {
	io.Reader
	SetReadDeadline(time.Time) error
}

// interruptibleSource reads from src; a read that is waiting when the
// context returned by ctx ends stops with an error wrapping ctx.Err().
type interruptibleSource struct {
	src readDeadliner
	ctx func() context.Context
	// port is the port reading through this source, when the wait may
	// release the interpreter lock (see readReleased)
	port *Port
}

func (s *interruptibleSource) Read(b []byte) (int, error) {
	ctx := s.ctx()
	if it, ok := ctx.Value(interpKey{}).(*Interp); ok && s.port != nil && !s.port.shared {
		return s.readReleased(it, ctx, b)
	}
	return s.read(ctx, b)
}

// readReleased reads with the interpreter lock released, so that other
// threads run while this one waits for input. The port is marked busy
// meanwhile: another thread's read of it waits (Port.checkIn) instead of
// touching the buffer this read will fill.
func (s *interruptibleSource) readReleased(it *Interp, ctx context.Context, b []byte) (int, error) {
	return s.port.gatedRead(it, b, func(tmp []byte) (int, error) { return s.read(ctx, tmp) })
}

// gatedRead runs read, a wait for input into a buffer of its own, with the
// interpreter lock released and the port marked busy, then copies what it
// read into b (the port's buffer) under the lock again.
func (p *Port) gatedRead(it *Interp, b []byte, read func([]byte) (int, error)) (int, error) {
	if it.ts == nil || p.shared {
		// the buffered reader was handed out: the read may not come
		// from the lock's holder
		return read(b)
	}
	p.readBusy = true
	p.readDone = make(chan struct{})
	p.gate = it
	tmp := make([]byte, len(b))
	var n int
	var err error
	it.Blocking(func() error {
		n, err = read(tmp)
		return nil
	})
	p.readBusy = false
	close(p.readDone)
	copy(b, tmp[:n])
	return n, err
}

// releasingSource is the source of the input port SetInput makes: its
// reads (the program's standard input, which may wait long) release the
// interpreter lock.
type releasingSource struct {
	r    io.Reader
	port *Port
	it   *Interp
}

func (s *releasingSource) Read(b []byte) (int, error) {
	return s.port.gatedRead(s.it, b, s.r.Read)
}

func (s *interruptibleSource) read(ctx context.Context, b []byte) (int, error) {
	if ctx.Done() == nil {
		return s.src.Read(b)
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(fired)
		// a source without deadlines (a regular file) never blocks long
		_ = s.src.SetReadDeadline(time.Unix(1, 0))
	})
	n, err := s.src.Read(b)
	if !stop() {
		<-fired
		_ = s.src.SetReadDeadline(time.Time{}) // later reads wait again
		if errors.Is(err, os.ErrDeadlineExceeded) {
			err = fmt.Errorf("read interrupted: %w", ctx.Err())
		}
	}
	return n, err
}

// interruptible returns r, or when r can wait (a pipe, FIFO, terminal or
// socket) a reader whose waiting read stops with an error when the context
// ctx returns at the time of the read ends.
func interruptible(r io.Reader, ctx func() context.Context) io.Reader {
	if src, ok := r.(readDeadliner); ok {
		return &interruptibleSource{src: src, ctx: ctx}
	}
	return r
}

// InterruptWith makes the blocking reads of an input port on a pipe, FIFO,
// terminal or socket stop with an error wrapping the context's error when
// the context that ctx returns at the time of the read ends (pass
// (*Interp).Context, so that cancelling an evaluation — Ctrl-C — ends a
// read waiting for input). Call it before the first read; it does nothing
// for other ports.
func (p *Port) InterruptWith(ctx func() context.Context) {
	if p.r == nil || p.inMemory || p.r.Buffered() > 0 {
		return
	}
	src, ok := p.src.(readDeadliner)
	if !ok {
		return
	}
	p.rin = &interruptibleSource{src: src, ctx: ctx, port: p}
	p.r = bufio.NewReaderSize(p.rin, portBufSize)
}
