package interp

import (
	"context"
	"errors"
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
	it, _ := fifoInterp(t)
	if _, err := it.EvalString(context.Background(), `(define done 0)`, "f.scm"); err != nil {
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
