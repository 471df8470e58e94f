package scsh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"popsh/interp"
)

// newScshInterp returns an interpreter with the scsh layer, writing to out.
func newScshInterp(t *testing.T, out *bytes.Buffer) *interp.Interp {
	t.Helper()
	it := interp.New(interp.WithOutput(out), interp.WithErrorOutput(out))
	if err := Install(it); err != nil {
		t.Fatalf("Install: %v", err)
	}
	return it
}

func evalScsh(t *testing.T, it *interp.Interp, src string) (interp.Value, error) {
	t.Helper()
	return it.EvalString(context.Background(), src, "test.scm")
}

// Condition types and the 1998 netrc state belong to one interpreter.
func TestScshStatePerInterpreter(t *testing.T) {
	var o1, o2 bytes.Buffer
	a, b := newScshInterp(t, &o1), newScshInterp(t, &o2)
	if _, err := evalScsh(t, a, `(define-condition-type 'only-in-a '(error))`); err != nil {
		t.Fatal(err)
	}
	v, err := evalScsh(t, a, `((condition-predicate 'only-in-a) (list 'only-in-a "x"))`)
	if err != nil || v != true {
		t.Errorf("in a: %v %v", v, err)
	}
	v, err = evalScsh(t, b, `((condition-predicate 'only-in-a) (list 'only-in-a "x"))`)
	if err != nil || v != false {
		t.Errorf("in b the type leaked: %v %v", v, err)
	}
	if _, err := evalScsh(t, b, `(define-condition-type 'y '(only-in-a))`); err == nil {
		t.Errorf("b accepted a supertype defined only in a")
	}
}

// The scsh layer's state is kept out of the program's reach: a program
// that defines or sets the global that once held it does not stop
// SetArgs.
func TestScshStateOutOfProgramReach(t *testing.T) {
	for _, clobber := range []string{`(define %scsh-env 0)`, `(set! %scsh-env 0)`} {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		evalScsh(t, it, clobber) // set! of an unbound name fails: nothing to break
		SetArgs(it, []string{"a", "b"})
		v, err := evalScsh(t, it, `command-line-arguments`)
		if err != nil || interp.WriteString(v) != `("a" "b")` {
			t.Errorf("after %s: command-line-arguments = %v (%v), want (\"a\" \"b\")", clobber, v, err)
		}
	}
}

// An uncaught scsh condition comes back to Go as an *interp.ErrorObject
// whose ConditionString is display-condition's format.
func TestUncaughtConditionFormat(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	cases := []struct{ src, want string }{
		{`(define-condition-type '-ERR '(error)) (signal '-ERR " no such message" "RETR 9")`, "-ERR:  no such message"},
		{`(error "login failed" "x" 5)`, "Error: login failed"},
		{`(call-error "not in transaction state" 'pop3-stat)`, "call-error: not in transaction state"},
		{`(car 5)`, "Error: car: "},
		{`(format #f "~a" 1 2)`, "Error: format: too many arguments"},
	}
	for _, c := range cases {
		_, err := evalScsh(t, it, c.src)
		if err == nil {
			t.Errorf("%s: no error", c.src)
			continue
		}
		got := conditionString(t, err)
		if !strings.HasPrefix(got, c.want) || !strings.HasSuffix(got, "\n") {
			t.Errorf("%s: ConditionString = %q, want prefix %q", c.src, got, c.want)
		}
	}
	_, err := evalScsh(t, it, `(error "login failed" "x" 5)`)
	if got := conditionString(t, err); !strings.Contains(got, "\n       \"x\"\n       5\n") {
		t.Errorf("irritants not one per line under the message: %q", got)
	}
}

// conditionString returns display-condition's text for the error object in
// err's chain.
func conditionString(t *testing.T, err error) string {
	t.Helper()
	var eo *interp.ErrorObject
	if !errors.As(err, &eo) {
		t.Fatalf("%v: not an error object", err)
	}
	return eo.ConditionString()
}

// A warning with no handler is displayed and execution proceeds; a
// non-error condition with no handler returns.
func TestNonErrorConditionsProceed(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, `(warn "disk nearly full" 95) (define-condition-type 'n '(note)) (signal 'n 1) 'went-on`)
	it.FlushOutput()
	if err != nil || v != interp.Intern("went-on") {
		t.Fatalf("value %v, err %v", v, err)
	}
	if !strings.Contains(out.String(), "warning: disk nearly full") {
		t.Errorf("warning not displayed: %q", out.String())
	}
}

// Cancelling the evaluation (Ctrl-C at the REPL) stops a read blocked on
// a silent server, a sleep and a running child process.
func TestCancelStopsWaits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent: never writes
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, src := range []string{
		fmt.Sprintf(`(read-line (socket:inport (socket-connect protocol-family/internet socket-type/stream "127.0.0.1" %d)))`, port),
		`(sleep 60000)`,
		`(run (sleep 60))`,
	} {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := it.EvalString(ctx, src, "cancel.scm")
		if err == nil || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want one wrapping context.Canceled", src, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %v to stop", src, d)
		}
		cancel()
	}
}

// exec-path replaces the process after flushing Scheme output (run in a
// child copy of the test binary).
func TestExecPathReplacesProcess(t *testing.T) {
	if os.Getenv("POPSH_EXEC_CHILD") == "1" {
		it := interp.New()
		if err := Install(it); err != nil {
			t.Fatal(err)
		}
		_, err := it.EvalString(context.Background(), `(begin (display "before ") (exec-path "echo" "replaced" 42))`, "exec.scm")
		t.Fatalf("exec-path returned: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestExecPathReplacesProcess$")
	cmd.Env = append(os.Environ(), "POPSH_EXEC_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "before replaced 42\n" {
		t.Errorf("child: %q, %v", out, err)
	}
	var buf bytes.Buffer
	it := newScshInterp(t, &buf)
	if _, err := evalScsh(t, it, `(exec-path "no-such-program-for-popsh")`); err == nil || !strings.Contains(interp.FormatError(err), "syscall-error") {
		t.Errorf("exec of a missing program: %v", err)
	}
}
