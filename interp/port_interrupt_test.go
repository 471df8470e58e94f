package interp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Cancelling the evaluation ends a read waiting on a FIFO (Ctrl-C while a
// script reads a pipe); the port still works for a later evaluation.
func TestFileReadInterruptible(t *testing.T) {
	it, w := fifoInterp(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := it.EvalString(ctx, `(read-char p)`, "f.scm")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("read-char after cancel: got %v, want an error wrapping context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		w.Close() // let the blocked read end
		t.Fatal("read-char on a FIFO ignored the cancellation")
	}
	// the port is usable again: data written now is read
	if _, err := w.WriteString("xy"); err != nil {
		t.Fatal(err)
	}
	v, err := it.EvalString(context.Background(), `(list (read-char p) (read-char p))`, "f.scm")
	if err != nil || WriteString(v) != `(#\x #\y)` {
		t.Fatalf("read after the interrupt: %v %v", WriteString(v), err)
	}
}

// fifoInterp returns an interpreter in which p is an input port on a
// FIFO, and the FIFO's writer: a read from p waits until the test
// writes.
func fifoInterp(t *testing.T) (*Interp, *os.File) {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // a writer, so opening for reading does not block
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	it := New(WithOutput(&bytes.Buffer{}))
	if _, err := it.EvalString(context.Background(), `(define p (open-input-file "`+fifo+`"))`, "f.scm"); err != nil {
		t.Fatal(err)
	}
	return it, w
}
