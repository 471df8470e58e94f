package interp

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestThreadInterruptStopsAll: cancelling the evaluation stops the
// primordial thread waiting in a join and every other thread, busy or
// waiting; the threads are then terminated.
func TestThreadInterruptStopsAll(t *testing.T) {
	it := New()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	it.DefinePrimitive("started!", 0, 0, func(it *Interp, a []Value) (Value, error) {
		close(started)
		return Unspecified, nil
	})
	go func() {
		<-started
		cancel()
	}()
	_, err := it.EvalString(ctx, `
(define busy (spawn (lambda () (let loop () (loop)))))
(define sleeper (spawn (lambda () (thread-sleep! 1000))))
(define waiter (spawn (lambda () (channel-receive (make-channel)))))
(started!)
(thread-join! sleeper)`, "t.scm")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want interrupted", err)
	}
	v, err := it.EvalString(context.Background(), `
(map (lambda (t) (guard (e ((terminated-thread-exception? e) 'stopped)) (thread-join! t 30 'still-running)))
     (list busy sleeper waiter))`, "t2.scm")
	if err != nil {
		t.Fatal(err)
	}
	if got := WriteString(v); got != "(stopped stopped stopped)" {
		t.Fatalf("threads after the interrupt: %s", got)
	}
}

// TestThreadExit: (exit) in a thread ends the whole evaluation with its
// code, even while the primordial thread sleeps.
func TestThreadExit(t *testing.T) {
	var out strings.Builder
	it := New(WithOutput(&out))
	_, err := it.EvalString(context.Background(), `
(display "before")
(spawn (lambda () (display " from thread") (exit 3)))
(thread-sleep! 1000)
(display "not reached")`, "t.scm")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("err = %v, want exit 3", err)
	}
	if out.String() != "before from thread" {
		t.Fatalf("output %q", out.String())
	}
}

// TestThreadExitBetweenEvaluations: (exit) in a thread when no evaluation
// runs (a REPL waiting at its prompt) is announced by ExitRequested.
func TestThreadExitBetweenEvaluations(t *testing.T) {
	it := New()
	if it.PendingExit() != nil {
		t.Fatal("an exit pending before any thread ran")
	}
	_, err := it.EvalString(context.Background(), `(spawn (lambda () (thread-sleep! 0.01) (exit 5)))`, "t.scm")
	if err != nil {
		t.Fatal(err)
	}
	// the caller waits without the lock, as a REPL reading a line does
	it.Blocking(func() error {
		select {
		case <-it.ExitRequested():
		case <-time.After(10 * time.Second):
			t.Error("ExitRequested not closed")
		}
		return nil
	})
	if e := it.PendingExit(); e == nil || e.Code != 5 {
		t.Fatalf("PendingExit = %v, want status 5", e)
	}
}

// TestThreadOutputNotInterleaved: writes from several threads to one port
// never mix within one display.
func TestThreadOutputNotInterleaved(t *testing.T) {
	var out strings.Builder
	it := New(WithOutput(&out))
	_, err := it.EvalString(context.Background(), `
(define (writer c)
  (lambda ()
    (do ((i 0 (+ i 1))) ((= i 200))
      (display (string-append (make-string 300 c) "\n"))
      (if (= 0 (remainder i 7)) (thread-yield!)))))
(for-each thread-join! (map (lambda (c) (spawn (writer c))) (list #\a #\b #\c #\d)))`, "t.scm")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for i, l := range lines {
		if len(l) != 300 || strings.Count(l, l[:1]) != 300 {
			t.Fatalf("line %d mixed: %.40q...", i, l)
		}
	}
}

// TestThreadBlockingReleasesLock: while a Go primitive waits inside
// Blocking, other Scheme threads run.
func TestThreadBlockingReleasesLock(t *testing.T) {
	it := New()
	release := make(chan struct{})
	it.DefinePrimitive("go-wait", 0, 0, func(it *Interp, a []Value) (Value, error) {
		it.Blocking(func() error { <-release; return nil })
		return Intern("waited"), nil
	})
	it.DefinePrimitive("go-release", 0, 0, func(it *Interp, a []Value) (Value, error) {
		close(release)
		return Unspecified, nil
	})
	v, err := it.EvalString(context.Background(), `
(define t (spawn (lambda () (go-release) 'released)))
(list (go-wait) (thread-join! t))`, "t.scm")
	if err != nil {
		t.Fatal(err)
	}
	if got := WriteString(v); got != "(waited released)" {
		t.Fatalf("got %s", got)
	}
}

// TestThreadDeadlineWakesJoin: a context deadline ends a join that would
// wait forever.
func TestThreadDeadlineWakesJoin(t *testing.T) {
	it := New()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := it.EvalString(ctx, `(thread-join! (spawn (lambda () (mutex-lock! (let ((m (make-mutex))) (mutex-lock! m #f #f) m)))))`, "t.scm")
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v, want interrupted", err)
	}
}

// TestThreadReadReleasesLock: threads waiting for input on the current
// input port (a pipe) let the others run; two readers of one port each get
// a whole line (the second waits for the first's read).
func TestThreadReadReleasesLock(t *testing.T) {
	pr, pw := io.Pipe()
	it := New(WithInput(pr))
	it.DefinePrimitive("feed", 1, 1, func(it *Interp, a []Value) (Value, error) {
		s := a[0].(*String).String()
		go io.WriteString(pw, s)
		return Unspecified, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := it.EvalString(ctx, `
(define r1 (spawn (lambda () (read-line))))
(define r2 (spawn (lambda () (read-line))))
(thread-yield!)
(thread-join! (spawn (lambda () (feed "one\ntwo\n"))))
(let ((a (thread-join! r1)) (b (thread-join! r2)))
  (if (string<? a b) (list a b) (list b a)))`, "t.scm")
	if err != nil {
		t.Fatal(err)
	}
	if got := WriteString(v); got != `("one" "two")` {
		t.Fatalf("got %s", got)
	}
}

// TestThreadUncaughtErrorReported: a thread that an uncaught error ends
// says so on its error port (a thread nobody joins would otherwise end
// without a word); a join still raises the uncaught-exception, and a
// thread that returns, or is terminated, says nothing.
func TestThreadUncaughtErrorReported(t *testing.T) {
	var out, errOut strings.Builder
	it := New(WithOutput(&out))
	it.SetErrorOutput(&errOut)
	v, err := it.EvalString(context.Background(), `
(define quiet (spawn (lambda () 42) 'quiet))
(define stopped (spawn (lambda () (let loop () (thread-yield!) (loop))) 'stopped))
(thread-terminate! stopped)
(define worker (spawn (lambda () (car 5)) 'worker))
(list (thread-join! quiet)
      (guard (e ((terminated-thread-exception? e) 'terminated)) (thread-join! stopped))
      (guard (e ((uncaught-exception? e) (condition/report-string (uncaught-exception-reason e))))
        (thread-join! worker)))`, "t.scm")
	if err != nil {
		t.Fatal(err)
	}
	if got := WriteString(v); got != `(42 terminated "car: expected a pair, got 5")` {
		t.Errorf("value %s", got)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if !strings.HasPrefix(lines[0], "#<thread worker> ended by an uncaught error: t.scm:") ||
		!strings.HasSuffix(lines[0], "car: expected a pair, got 5") ||
		strings.Contains(errOut.String(), "quiet") || strings.Contains(errOut.String(), "stopped") {
		t.Errorf("error output %q", errOut.String())
	}
}
