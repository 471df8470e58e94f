package scsh

import (
	"bytes"
	"strings"
	"syscall"
	"testing"
	"time"

	"popsh/interp"
)

// awaitDef defines (await pred): call pred every 10ms until it is true
// (#t) or 10 seconds have passed (#f).
const awaitDef = `(define (await pred)
  (let lp ((i 0))
    (cond ((pred) #t)
          ((< i 1000) (process-sleep 0.01) (lp (+ i 1)))
          (else #f))))`

// sigInterp is an interpreter for the signal tests: every handler is set
// back to the default at the end, so no signal stays caught.
func sigInterp(t *testing.T) (*interp.Interp, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	t.Cleanup(func() {
		evalScsh(t, it, `(do ((i 0 (+ i 1))) ((= i number-of-interrupts)) (if (not (= i interrupt/prof)) (set-interrupt-handler i #t)))`)
	})
	if _, err := evalScsh(t, it, awaitDef); err != nil {
		t.Fatal(err)
	}
	return it, &out
}

// expectValue evaluates src and compares the written form of its value.
func expectValue(t *testing.T, it *interp.Interp, src, want string) {
	t.Helper()
	v, err := evalScsh(t, it, src)
	if err != nil {
		t.Errorf("%s: %v", src, err)
		return
	}
	if got := interp.WriteString(v); got != want {
		t.Errorf("%s = %s, want %s", src, got, want)
	}
}

// expectError evaluates src and checks that it fails with a message
// containing want.
func expectError(t *testing.T, it *interp.Interp, src, want string) {
	t.Helper()
	_, err := evalScsh(t, it, src)
	if err == nil {
		t.Errorf("%s: no error, want one containing %q", src, want)
		return
	}
	if !strings.Contains(interp.FormatError(err), want) {
		t.Errorf("%s: error %q, want one containing %q", src, interp.FormatError(err), want)
	}
}

func TestSignalAndErrnoConstants(t *testing.T) {
	it, _ := sigInterp(t)
	for name, want := range map[string]int{
		"signal/hup": 1, "signal/int": 2, "signal/quit": 3, "signal/abrt": 6, "signal/kill": 9,
		"signal/usr1": 10, "signal/usr2": 12, "signal/alrm": 14, "signal/term": 15, "signal/chld": 17,
		"signal/cont": 18, "signal/stop": 19, "signal/tstp": 20, "signal/ttou": 22, "signal/winch": 28,
		"errno/srch": int(syscall.ESRCH), "errno/2big": 7, "errno/child": 10, "errno/notempty": int(syscall.ENOTEMPTY),
		"errno/nametoolong": int(syscall.ENAMETOOLONG), "errno/nosys": int(syscall.ENOSYS), "errno/deadlk": int(syscall.EDEADLK),
		"errno/connreset": int(syscall.ECONNRESET), "errno/perm": 1,
		"interrupt/alarm": 0, "interrupt/alrm": 0, "interrupt/keyboard": 1, "interrupt/int": 1,
		"interrupt/chld": 4, "interrupt/usr1": 10, "interrupt/xfsz": 21, "number-of-interrupts": 22,
		"full-interrupt-set": 1<<22 - 1,
	} {
		expectValue(t, it, name, interp.WriteString(want))
	}
	expectValue(t, it, "signals-ignored-by-default", "(17 18 28)")
	// a system call's error carries the errno the constants name
	expectValue(t, it, `(with-errno-handler ((errno data) ((errno/srch) 'no-such-process))
	  (signal-process 999999999 0))`, "no-such-process")
}

func TestInterruptSets(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(interrupt-set interrupt/usr1 interrupt/alarm)`, "1025")
	expectValue(t, it, `(interrupt-set)`, "0")
	expectValue(t, it, `(interrupt-in-set? interrupt/usr1 (interrupt-set interrupt/usr1))`, "#t")
	expectValue(t, it, `(interrupt-in-set? interrupt/usr2 (interrupt-set interrupt/usr1))`, "#f")
	expectValue(t, it, `(insert-interrupt interrupt/int 0)`, "2")
	expectValue(t, it, `(remove-interrupt interrupt/int 3)`, "1")
	expectValue(t, it, `(remove-interrupt interrupt/int 1)`, "1")
	expectValue(t, it, `(signal->interrupt signal/usr1)`, "10")
	expectValue(t, it, `(signal->interrupt signal/int)`, "1")
	expectError(t, it, `(signal->interrupt signal/kill)`, "Unix signal has no Scheme 48 interrupt.")
	expectError(t, it, `(interrupt-set 22)`, "interrupt-set: argument 1 (interrupt): expected an interrupt (0 to 21), got 22")
	expectError(t, it, `(insert-interrupt 1 -1)`, "insert-interrupt: argument 2 (set): expected an interrupt set, got -1")
	expectError(t, it, `(interrupt-in-set? 'usr1 0)`, "expected an interrupt")
}

// A handler runs when the process gets the signal (sent from Go, as
// another process would), with the enabled set as its argument; it can be
// replaced and given back.
func TestSignalHandlerRuns(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define got #f)
	  (set-interrupt-handler interrupt/usr1 (lambda (enabled) (set! got enabled)))`, "#t")
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	expectValue(t, it, `(await (lambda () got))`, "#t")
	expectValue(t, it, `got`, "4194303")
	// a second signal, from Scheme this time, to a new handler
	expectValue(t, it, `(define n 0)
	  (procedure? (set-interrupt-handler interrupt/usr1 (lambda (enabled) (set! n (+ n 1)))))`, "#t")
	expectValue(t, it, `(signal-process (pid) signal/usr1) (await (lambda () (= n 1)))`, "#t")
	expectValue(t, it, `(procedure? (interrupt-handler interrupt/usr1))`, "#t")
	// #f: caught and ignored
	expectValue(t, it, `(set-interrupt-handler interrupt/usr1 #f) (interrupt-handler interrupt/usr1)`, "#f")
	expectError(t, it, `(set-interrupt-handler interrupt/usr1 5)`, "argument 2 (handler): expected #t, #f or a procedure, got 5")
	expectError(t, it, `(set-interrupt-handler 22 #t)`, "argument 1 (interrupt): expected an interrupt (0 to 21), got 22")
	expectError(t, it, `(set-interrupt-handler interrupt/prof (lambda (e) e))`, "SIGPROF")
}

// An interrupt that arrives while disabled waits; enabling it runs the
// handler at once, in the thread that enables it.
func TestDisabledInterruptPending(t *testing.T) {
	it, _ := sigInterp(t)
	e := it.Local(envKey).(*scshEnv)
	it.DefineBuiltins("test", interp.Builtin{Name: "%test-pending", MinArgs: 0, MaxArgs: 0,
		Fn: func(it *interp.Interp, a []interp.Value) (interp.Value, error) { return e.sig.pending, nil }})
	expectValue(t, it, `(define n 0)
	  (set-interrupt-handler interrupt/usr2 (lambda (enabled) (set! n (+ n 1))))
	  (with-enabled-interrupts (remove-interrupt interrupt/usr2 full-interrupt-set)
	    (signal-process (pid) signal/usr2)
	    (list (await (lambda () (interrupt-in-set? interrupt/usr2 (%test-pending))))
	          n
	          (interrupt-in-set? interrupt/usr2 (enabled-interrupts))))`, "(#t 0 #f)")
	// leaving with-enabled-interrupts enabled it again: the handler ran
	expectValue(t, it, `(list n (%test-pending) (enabled-interrupts))`, "(1 0 4194303)")
	expectValue(t, it, `(set-enabled-interrupts 0) (enabled-interrupts)`, "0")
	expectValue(t, it, `(set-enabled-interrupts full-interrupt-set)`, "4194303")
	expectError(t, it, `(set-enabled-interrupts 'all)`, "expected an interrupt set")
}

// itimer sends a real SIGALRM, delivered as interrupt/alarm.
func TestItimer(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define rang #f)
	  (set-interrupt-handler interrupt/alarm (lambda (enabled) (set! rang #t)))
	  (itimer 0.02)
	  (await (lambda () rang))`, "#t")
	expectError(t, it, `(itimer -1)`, "expected a non-negative number of seconds")
	expectError(t, it, `(itimer "1")`, "expected a real number of seconds")
}

// signal-process and signal-process-group reach real children; a
// process object that has been waited for is not signalled again (its
// pid may belong to another process by then).
func TestSignalProcess(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define p (& (sleep 100)))
	  (signal-process p signal/term)
	  (status:term-sig (wait p))`, "15")
	expectValue(t, it, `(with-errno-handler ((errno data) ((errno/srch) (list 'srch (car data))))
	    (signal-process p signal/term))`, `(srch "no such process")`)
	expectValue(t, it, `(define q (& (sleep 100)))
	  (signal-process (proc:pid q) signal/kill)
	  (status:term-sig (wait q))`, "9")
	expectError(t, it, `(signal-process "1" signal/term)`, "argument 1 (proc): expected a process object or a process id")
	expectError(t, it, `(signal-process (pid) 'term)`, "argument 2 (sig): expected a signal number")
	// a child in a process group of its own (setsid(1) makes one without
	// forking: the child is no group leader)
	expectValue(t, it, `(define g (& (setsid sleep 100)))
	  (define (pgrp-of pid) ; the fifth field of /proc/PID/stat
	    (string->number (list-ref ((infix-splitter " ")
	      (run/string (cat ,(string-append "/proc/" (number->string pid) "/stat")))) 4)))
	  (await (lambda () (= (proc:pid g) (pgrp-of (proc:pid g)))))`, "#t")
	expectValue(t, it, `(signal-process-group g signal/term)
	  (call-with-values (lambda () (wait-process-group (proc:pid g)))
	    (lambda (proc status) (list (eq? proc g) (status:term-sig status))))`, "(#t 15)")
	expectError(t, it, `(signal-process-group 'g signal/term)`, "expected a process object or a process id")
}

// ignore-signal sets SIG_IGN, which the programs popsh starts inherit;
// handle-signal-default undoes it.
func TestIgnoreSignal(t *testing.T) {
	it, _ := sigInterp(t)
	ignored := `(let ((line (car (filter (lambda (l) (string-prefix? "SigIgn:" l))
	                                  (run/strings (cat /proc/self/status))))))
	   (odd? (quotient (string->number (string-trim (substring line 7 (string-length line))) 16)
	                   (expt 2 (- signal/usr2 1)))))`
	expectValue(t, it, ignored, "#f")
	expectValue(t, it, `(ignore-signal signal/usr2)`+ignored, "#t")
	expectValue(t, it, `(handle-signal-default signal/usr2)`+ignored, "#f")
	expectError(t, it, `(ignore-signal signal/kill)`, "cannot be caught or ignored")
	expectError(t, it, `(handle-signal-default signal/segv)`, "the Go runtime needs it")
	expectError(t, it, `(ignore-signal -2)`, "expected a signal number")
}

// Ctrl-C stops the handler thread with every other thread: a signal that
// comes afterwards gets its default action (its catcher is dropped)
// until a handler is set again, which starts a new handler thread.
func TestSignalAfterHandlerThreadStopped(t *testing.T) {
	it, _ := sigInterp(t)
	e := it.Local(envKey).(*scshEnv)
	expectValue(t, it, `(define n 0)
	  (set-interrupt-handler interrupt/usr1 (lambda (enabled) (set! n (+ n 1))))
	  (signal-process (pid) signal/usr1)
	  (await (lambda () (= n 1)))`, "#t")
	it.Interrupt() // what Ctrl-C at the prompt does
	deadline := time.Now().Add(10 * time.Second)
	for e.sig.deliverer.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if e.sig.deliverer.Load() != 0 {
		t.Fatal("the handler thread did not stop")
	}
	caught := func() bool {
		e.sig.mu.Lock()
		defer e.sig.mu.Unlock()
		return e.sig.catchers[syscall.SIGUSR1] != nil
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	for caught() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if caught() {
		t.Fatal("SIGUSR1 is still caught with no thread to deliver it")
	}
	expectValue(t, it, `(set-interrupt-handler interrupt/usr1 (lambda (enabled) (set! n (+ n 10))))
	  (signal-process (pid) signal/usr1)
	  (await (lambda () (= n 11))) n`, "11")
}
