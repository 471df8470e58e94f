package scsh

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fork with a thunk runs it as a stage beside the program: a proc object
// that wait, wait/poll and wait-any know, a status from exit or the end
// of the thunk, the heap shared with the parent.
func TestForkThunkStage(t *testing.T) {
	it, out := sigInterp(t)
	expectValue(t, it, `(define p (fork (lambda () (display "from the stage") (newline) (exit 3))))
	  (list (proc? p) (> (proc:pid p) 4194304) (status:exit-val (wait p)))`, "(#t #t 3)")
	if !strings.Contains(out.String(), "from the stage\n") {
		t.Errorf("the stage's output is missing: %q", out.String())
	}
	// the thunk returning is status 0; a variable it sets is the parent's
	expectValue(t, it, `(define x 1) (status:exit-val (wait (%fork (lambda () (set! x 2))))) `, "0")
	expectValue(t, it, `x`, "2")
	// it runs beside the program: wait/poll sees it run, then end
	expectValue(t, it, `(define gate (make-placeholder))
	  (define q (fork (lambda () (placeholder-value gate) (exit 7))))
	  (define before (wait q wait/poll))
	  (placeholder-set! gate #t)
	  (list before (status:exit-val (wait q)))`, "(#f 7)")
	expectValue(t, it, `(define r (fork (lambda () (exit 5))))
	  (call-with-values wait-any (lambda (p st) (list (eq? p r) (status:exit-val st))))`, "(#t 5)")
	// pid->proc finds a stage by its id until it is waited for
	expectValue(t, it, `(define g2 (make-placeholder))
	  (define s (fork (lambda () (placeholder-value g2))))
	  (define same (eq? s (pid->proc (proc:pid s))))
	  (placeholder-set! g2 #t)
	  (list same (wait s))`, "(#t 0)")
	// an error ends the stage with status 1 after its message
	out.Reset()
	expectValue(t, it, `(status:exit-val (wait (fork (lambda () (vector-ref (vector) 1)))))`, "1")
	if !strings.Contains(out.String(), "vector-ref") || strings.Contains(out.String(), "scsh.scm") {
		t.Errorf("the stage's error was not reported, or with the frames of popsh's own code: %q", out.String())
	}
	// without a thunk fork would return twice
	for _, name := range []string{"fork", "%fork", "fork/pipe", "%fork/pipe"} {
		expectError(t, it, "("+name+")", "fork without a thunk")
	}
	expectError(t, it, `(fork/pipe+ '((1 0)))`, "fork without a thunk")
	expectError(t, it, `(fork 5)`, "expected a procedure")
	expectError(t, it, `(fork/pipe+ '((3 0)) (lambda () 1))`, "descriptors 1 and 2")
	expectError(t, it, `(fork/pipe+ '((1 4)) (lambda () 1))`, "descriptor 0")
}

// fork/pipe: the stage's output is the parent's current input port, and
// the input of the programs the parent runs next.
func TestForkPipe(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define p (fork/pipe (lambda () (display "one\ntwo\n"))))
	  (let* ((a (read-line)) (b (read-line)) (c (read-line)))
	    (list a b (eof-object? c) (wait p)))`, `("one" "two" #t 0)`)
	expectValue(t, it, `(fork/pipe (lambda () (display "c\na\nb\n")))
	  (run/strings (sort))`, `("a" "b" "c")`)
	// a program the stage runs writes into the pipe itself
	expectValue(t, it, `(fork/pipe (lambda () (run (echo from-echo)) (display "after\n")))
	  (port->string (current-input-port))`, `"from-echo\nafter\n"`)
	// the stage's errors too, with fork/pipe+
	expectValue(t, it, `(fork/pipe+ '((1 2 0)) (lambda () (display "out ") (display "err" (current-error-port))))
	  (port->string (current-input-port))`, `"out err"`)
	// more than a pipe holds, read as it is written
	expectValue(t, it, `(define big (fork/pipe (lambda () (do ((i 0 (+ i 1))) ((= i 20000)) (display "0123456789\n")))))
	  (let loop ((n 0))
	    (if (eof-object? (read-line)) (list n (wait big)) (loop (+ n 1))))`, "(20000 0)")
	// the parent closes its end: the stage ends as SIGPIPE ends a process
	expectValue(t, it, `(define w (fork/pipe (lambda () (let loop () (display "y\n") (loop)))))
	  (read-line)
	  (close (current-input-port))
	  (status:term-sig (wait w))`, "13")
}

// scsh's pipelines of thunks: tail-pipe, tail-pipe+ and pipe*, run in a
// stage (at top level they would end the program, as in scsh).
func TestPipeOfThunks(t *testing.T) {
	it, out := sigInterp(t)
	out.Reset()
	expectValue(t, it, `(status:exit-val (wait (fork (lambda ()
	    (tail-pipe (lambda () (display "b\na\n")) (lambda () (exec-path "sort")))))))`, "0")
	expectValue(t, it, `(status:exit-val (wait (fork (lambda ()
	    (pipe* (lambda () (display "x\ny\nz\n"))
	           (lambda () (exec-path "grep" "-v" "y"))
	           (lambda () (display (length (port->string-list (current-input-port)))) (exit 4)))))))`, "4")
	expectValue(t, it, `(status:exit-val (wait (fork (lambda ()
	    (tail-pipe+ '((2 0)) (lambda () (display "to-err" (current-error-port)))
	                         (lambda () (display (string-upcase (read-line)))))))))`, "0")
	if got, want := out.String(), "a\nb\n2TO-ERR"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	expectError(t, it, `(pipe*)`, "No thunks")
}

// signal-process on a stage stops it as the signal stops a process;
// signals a process ignores by default do nothing; stop signals are
// refused.
func TestSignalStage(t *testing.T) {
	it, _ := sigInterp(t)
	expectValue(t, it, `(define loop (fork (lambda () (let lp () (lp)))))
	  (signal-process loop signal/term)
	  (status:term-sig (wait loop))`, "15")
	expectValue(t, it, `(define sleeper (fork (lambda () (process-sleep 100))))
	  (signal-process (proc:pid sleeper) signal/kill)
	  (status:term-sig (wait sleeper))`, "9")
	expectValue(t, it, `(define reader (fork (lambda () (run (sleep 100)))))
	  (signal-process reader signal/int)
	  (status:term-sig (wait reader))`, "2")
	expectValue(t, it, `(define g (make-placeholder))
	  (define calm (fork (lambda () (placeholder-value g) (exit 6))))
	  (signal-process calm signal/chld)
	  (signal-process calm 0)
	  (placeholder-set! g #t)
	  (status:exit-val (wait calm))`, "6")
	expectError(t, it, `(define g3 (make-placeholder))
	  (define stopped (fork (lambda () (placeholder-value g3))))
	  (signal-process stopped signal/stop)`, "cannot stop a forked stage")
	expectValue(t, it, `(placeholder-set! g3 #t) (wait stopped)`, "0")
	expectError(t, it, `(signal-process stopped signal/term)`, "kill")
}

// & and run of a form with a (begin ...) part: a stage, whose proc & returns.
func TestBackgroundBeginStage(t *testing.T) {
	it, out := sigInterp(t)
	f := filepath.Join(t.TempDir(), "sorted")
	out.Reset()
	expectValue(t, it, `(define p (& (begin (display "bg\n") (exit 4))))
	  (list (proc? p) (status:exit-val (wait p)))`, "(#t 4)")
	expectValue(t, it, `(define q (& (| (begin (display "z\ny\n")) (sort)) (> `+quote(f)+`)))
	  (status:exit-val (wait q))`, "0")
	if b, err := os.ReadFile(f); err != nil || string(b) != "y\nz\n" {
		t.Errorf("& pipeline wrote %q (%v)", b, err)
	}
	expectValue(t, it, `(status:exit-val (run (begin (display "fg\n") (exit 2))))`, "2")
	if got := out.String(); got != "bg\nfg\n" {
		t.Errorf("output %q", got)
	}
}

// exec takes a file name (exec-path searches exec-path-list): in a stage,
// (exec "sh") does not run /bin/sh but ./sh.
func TestExecInStageSearchesNoPath(t *testing.T) {
	it, out := sigInterp(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tool"), []byte("#!/bin/sh\necho tool ran\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	expectValue(t, it, `(with-cwd `+quote(dir)+`
	  (list (status:exit-val (wait (fork (lambda () (exec "sh" "-c" "exit 5")))))
	        (guard (e ((syscall-error? e) 'no-such-file)) (run (begin (exec "sh" "-c" "exit 5"))))
	        (status:exit-val (run (begin (exec-path "sh" "-c" "exit 5"))))
	        (status:exit-val (wait (fork (lambda () (exec "tool")))))))`, "(1 no-such-file 5 3)")
	if got := out.String(); !strings.Contains(got, "no such file") || !strings.Contains(got, "tool ran") {
		t.Errorf("output %q", got)
	}
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// The scsh manual's fork/pipe example: the stage writes to (fdes->outport
// 1), its descriptor 1, which is the pipe; the parent reads (fdes->inport
// 0), its descriptor 0, which fork/pipe made the pipe. Nested, and with
// programs at both ends ("a | b" in the background).
func TestForkPipeDescriptorPorts(t *testing.T) {
	it, out := sigInterp(t)
	expectValue(t, it, `(fork/pipe (lambda ()
	    (with-current-output-port (fdes->outport 1) (display "Hello, world.\n"))))
	  (set-current-input-port! (fdes->inport 0))
	  (read-line)`, `"Hello, world."`)
	out.Reset()
	expectValue(t, it, `(wait (fork (lambda ()
	    (fork/pipe (lambda () (display "inner\n")))
	    (display (read-line (fdes->inport 0))))))`, "0")
	expectValue(t, it, `(wait (fork (lambda ()
	    (fork/pipe (lambda () (exec-path "printf" "b\\na\\n")))
	    (exec-path "sort"))))`, "0")
	if got := out.String(); got != "innera\nb\n" {
		t.Errorf("output %q", got)
	}
	expectError(t, it, `(wait (fork (lambda () (fdes->inport 1))))
	  (fdes->outport 0)`, "not an output port")
}

// fork-pty-session runs the thunk as a stage on the terminal of a new
// pty: the parent talks to it through the master side (scsh's own test,
// with the echo turned off).
func TestForkPtySession(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx here")
	}
	it, _ := sigInterp(t)
	expectValue(t, it, `(receive (proc pty-in pty-out tty-name)
	    (fork-pty-session (lambda ()
	                        (let ((inp (read)))
	                          (write (string-append inp inp)))
	                        (newline)))
	  (let ((ti (copy-tty-info (tty-info pty-out))))
	    (set-tty-info:local-flags ti (bitwise-xor ttyl/echo (tty-info:local-flags ti)))
	    (set-tty-info/now pty-out ti))
	  (write "hello" pty-out)
	  (newline pty-out)
	  (let ((reply (read pty-in)))
	    (close-output-port pty-out)
	    (list reply (string-prefix? "/dev/pts/" tty-name) (status:exit-val (wait proc)))))`, `("hellohello" #t 0)`)
	expectError(t, it, `(fork-pty-session 'x)`, "expected a procedure")
}

// The classic fork of scsh programs: pipe, fork, each side closes the end
// it does not use, the child moves its end to a standard descriptor and
// execs. The ports are shared, so each close lets go of the holder's copy
// only; the port closes (the reader sees the end of file) when neither
// holds it.
func TestForkCloseExec(t *testing.T) {
	it, out := sigInterp(t)
	out.Reset()
	expectValue(t, it, `(receive (r w) (pipe)
	  (let ((proc (fork (lambda ()
	                      (close w)
	                      (move->fdes r 0)
	                      (exec-path "sort")))))
	    (close r)
	    (display "c\nb\na\n" w)
	    (close w)
	    (status:exit-val (wait proc))))`, "0")
	if got := out.String(); got != "a\nb\nc\n" {
		t.Errorf("sort wrote %q", got)
	}
	expectValue(t, it, `(receive (r w) (pipe)
	  (let ((proc (fork (lambda () (close r) (display "from the child\n" w)))))
	    (close w)
	    (list (port->string r) (wait proc))))`, `("from the child\n" 0)`)
	// R7RS's close-output-port and close-input-port count the holders too
	expectValue(t, it, `(receive (r w) (pipe)
	  (let ((proc (fork (lambda () (close-input-port r) (display "by r7rs\n" w)))))
	    (close-output-port w)
	    (list (read-line r) (eof-object? (read-line r)) (wait proc))))`, `("by r7rs" #t 0)`)
	// a port made by pipe and held by no stage closes at once
	expectValue(t, it, `(receive (r w) (pipe) (close w) (eof-object? (read-char r)))`, "#t")
	// move->fdes of an output port onto 1 makes it the current output port
	expectValue(t, it, `(wait (fork (lambda ()
	    (move->fdes (open-output-file `+quote(filepath.Join(t.TempDir(), "moved"))+`) 1)
	    (display "x")
	    (exit (if (equal? (current-output-port) (fdes->outport 1)) 0 1)))))`, "0")
	expectError(t, it, `(move->fdes (open-input-string "x") 1)`, "an input port goes to 0")
	expectError(t, it, `(move->fdes (current-output-port) 5)`, "cannot renumber")
}

// A descriptor revealed by port->fdes is handed to programs in blocking
// mode: a program reading the pipe before anything is written waits for
// it (it failed at once with EAGAIN, the pipe being non-blocking for
// popsh's own reads).
func TestRevealedPipeIsBlocking(t *testing.T) {
	it, out := sigInterp(t)
	out.Reset()
	expectValue(t, it, `(receive (r w) (pipe)
	  (let ((p (& (bash -c ,(string-append "cat <&" (number->string (port->fdes r)) " >/dev/null")))))
	    (process-sleep 0.3)
	    (display "through the revealed pipe\n" w)
	    (close w)
	    (status:exit-val (wait p))))`, "0")
	if got := out.String(); got != "" {
		t.Errorf("cat complained: %q", got)
	}
}
