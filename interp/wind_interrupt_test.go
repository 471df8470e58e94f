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

// An evaluation cancelled while it waits (here on a FIFO) still runs the
// after thunks of its dynamic-winds to their end: the Interrupt that the
// cancellation sends in a goroutine of its own must not land in them and
// cut them short (a script's cleanup, such as closing a mailbox, would
// then stop half way). The after thunk loops for a while, so an
// Interrupt arriving during it would stop it.
func TestCancelledEvaluationRunsAfterThunks(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	w, err := os.OpenFile(fifo, os.O_RDWR, 0) // a writer, so opening for reading does not block
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	it := New(WithOutput(&bytes.Buffer{}))
	if _, err := it.EvalString(context.Background(), `(define p (open-input-file "`+fifo+`")) (define done 0)`, "f.scm"); err != nil {
		t.Fatal(err)
	}
	cut := 0
	for trial := 0; trial < 20; trial++ {
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := it.EvalString(ctx, `(set! done 0)
(dynamic-wind (lambda () #f)
  (lambda () (read-char p))
  (lambda () (let loop ((i 0)) (if (< i 200000) (loop (+ i 1)))) (set! done 1)))`, "f.scm")
			errc <- err
		}()
		time.Sleep(20 * time.Millisecond) // let it wait on the FIFO
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("trial %d: %v, want a cancellation", trial, err)
		}
		v, err := it.EvalString(context.Background(), `done`, "f.scm")
		if err != nil {
			t.Fatal(err)
		}
		if v != 1 {
			cut++
		}
	}
	if cut > 0 {
		t.Errorf("the after thunk was cut short in %d of 20 cancelled evaluations", cut)
	}
}
