package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func evalOK(t *testing.T, it *Interp, src string) Value {
	t.Helper()
	v, err := it.EvalString(context.Background(), src, "test")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return v
}

// evalChecker returns check(src, want), which evaluates src in it and
// reports an error unless its value prints as want.
func evalChecker(t *testing.T, it *Interp) func(src, want string) {
	return func(src, want string) {
		t.Helper()
		if got := WriteString(evalOK(t, it, src)); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

// TestTailCallsConstantSpace runs a 1e6-iteration loop through every R7RS
// tail position and checks that neither the frame stack nor the value stack
// grew.
func TestTailCallsConstantSpace(t *testing.T) {
	cases := map[string]string{
		"if":                `(define (f n) (if (= n 0) 'done (f (- n 1))))`,
		"cond":              `(define (f n) (cond ((= n 0) 'done) (else (f (- n 1)))))`,
		"cond =>":           `(define (f n) (cond ((= n 0) 'done) ((- n 1) => f)))`,
		"case":              `(define (f n) (case (if (= n 0) 0 1) ((0) 'done) (else (f (- n 1)))))`,
		"case =>":           `(define (f n) (case (if (= n 0) 0 1) ((0) 'done) (else => (lambda (x) (f (- n 1))))))`,
		"and":               `(define (f n) (and #t (if (= n 0) 'done (f (- n 1)))))`,
		"or":                `(define (f n) (or #f (if (= n 0) 'done (f (- n 1)))))`,
		"when":              `(define (f n) (if (= n 0) 'done (when #t (f (- n 1)))))`,
		"unless":            `(define (f n) (if (= n 0) 'done (unless #f (f (- n 1)))))`,
		"let":               `(define (f n) (let ((m n)) (if (= m 0) 'done (f (- m 1)))))`,
		"let*":              `(define (f n) (let* ((m n) (k m)) (if (= k 0) 'done (f (- k 1)))))`,
		"letrec":            `(define (f n) (letrec ((m n)) (if (= m 0) 'done (f (- m 1)))))`,
		"begin":             `(define (f n) (begin 1 (if (= n 0) 'done (f (- n 1)))))`,
		"apply":             `(define (f n) (if (= n 0) 'done (apply f (list (- n 1)))))`,
		"named let":         `(define (f n) (let loop ((i n)) (if (= i 0) 'done (loop (- i 1)))))`,
		"do":                `(define (f n) (do ((i n (- i 1))) ((= i 0) 'done)))`,
		"mutual":            `(define (f n) (if (= n 0) 'done (g (- n 1)))) (define (g n) (f n))`,
		"call/cc":           `(define (f n) (if (= n 0) 'done (call/cc (lambda (k) (f (- n 1))))))`,
		"call-with-values":  `(define (f n) (if (= n 0) 'done (call-with-values (lambda () (- n 1)) f)))`,
		"case-lambda":       `(define f (case-lambda ((n) (if (= n 0) 'done (f (- n 1) 0))) ((n x) (f n))))`,
		"dynamic-wind body": `(define (f n) (if (= n 0) 'done (f (- n 1))))`,
		"continuation-passing": `(define (f n)
			(define (loop i k) (if (= i 0) (k 'done) (loop (- i 1) (lambda (v) (k v)))))
			(loop n (lambda (v) v)))`,
		"procedure argument": `(define (f n)
			(define (g h m) (if (= m 0) 'done (h h (- m 1))))
			(g g n))`,
		"free procedure": `(define (f n)
			(define (g m) (if (= m 0) 'done ((lambda (x) (g (- x 1))) m)))
			(g n))`,
	}
	for name, def := range cases {
		t.Run(name, func(t *testing.T) {
			it := New()
			evalOK(t, it, def)
			stackBefore := len(it.vm.stack)
			v := evalOK(t, it, "(f 200000)")
			if v != Value(Intern("done")) {
				t.Fatalf("got %s", WriteString(v))
			}
			if len(it.vm.stack) != stackBefore || cap(it.vm.frames) > 64 {
				t.Errorf("stack grew: values %d -> %d, frames cap %d", stackBefore, len(it.vm.stack), cap(it.vm.frames))
			}
		})
	}
}

func TestDeepRecursion(t *testing.T) {
	it := New()
	evalOK(t, it, `(define (count n) (if (= n 0) 0 (+ 1 (count (- n 1)))))`)
	if v := evalOK(t, it, "(count 1000000)"); v != Value(1000000) {
		t.Fatalf("got %s", WriteString(v))
	}
	// deep non-tail recursion building a list
	evalOK(t, it, `(define (build n) (if (= n 0) '() (cons n (build (- n 1)))))`)
	if v := evalOK(t, it, "(length (build 1000000))"); v != Value(1000000) {
		t.Fatalf("got %s", WriteString(v))
	}
}

func TestRunawayRecursionIsAnError(t *testing.T) {
	it := New(WithMaxDepth(100000))
	evalOK(t, it, `(define (f n) (+ 1 (f n)))`)
	_, err := it.EvalString(context.Background(), "(f 1)", "test")
	if err == nil || !strings.Contains(err.Error(), "recursion too deep") {
		t.Fatalf("got %v", err)
	}
	// the backtrace collapses the repeated frames
	bt := err.(*ErrorObject).Backtrace(0)
	if !strings.Contains(bt, "at f (test:1:20)") || !strings.Contains(bt, "(the call above repeated 10000 more times)") || !strings.Contains(bt, "more frames not shown") || strings.Count(bt, "\n") > 4 {
		t.Errorf("backtrace:\n%s", bt)
	}
	// the interpreter is still usable afterwards
	if v := evalOK(t, it, "(+ 1 2)"); v != Value(3) {
		t.Fatal(v)
	}
}

func TestCallCCGenerator(t *testing.T) {
	it := New()
	// a generator that re-enters a loop through saved continuations
	evalOK(t, it, `
(define (make-gen lst)
  (define return #f)
  (define (gen)
    (call/cc (lambda (r)
      (set! return r)
      (let loop ((l lst))
        (if (null? l)
            (return 'eof)
            (begin
              (call/cc (lambda (resume)
                (set! gen (lambda () (resume #f)))
                (return (car l))))
              (loop (cdr l))))))))
  (lambda () (gen)))
(define g (make-gen '(a b c)))
(define out '())
(define (collect) (let ((v (g))) (if (eq? v 'eof) out (begin (set! out (cons v out)) (collect)))))`)
	v := evalOK(t, it, "(collect)")
	if WriteString(v) != "(c b a)" {
		t.Fatalf("got %s", WriteString(v))
	}
	// re-entering a continuation several times
	v = evalOK(t, it, `
(let ((k #f) (n 0) (r #f))
  (set! r (+ 100 (call/cc (lambda (c) (set! k c) 0))))
  (set! n (+ n 1))
  (if (< n 3) (k n))
  (list r n))`)
	if WriteString(v) != "(102 3)" {
		t.Fatalf("got %s", WriteString(v))
	}
}

// TestEscapeCostsWhatIsAbove: leaving a guard normally (and any escape to
// a continuation whose extent is still running) copies back only what
// lies above the part of the stack the VM still holds, so nested guards
// cost time linear in their depth. Before, each escape copied the whole
// stack back: 5,000 nested guards copied tens of millions of slots.
func TestEscapeCostsWhatIsAbove(t *testing.T) {
	it := New()
	check := evalChecker(t, it)
	evalOK(t, it, `(define (nest n) (if (= n 0) 0 (+ 1 (guard (e (#t 'caught)) (nest (- n 1))))))`)
	evalOK(t, it, `(define (break-at lst) (call/cc (lambda (k) (let loop ((l lst)) (cond ((null? l) 'none) ((eq? (car l) 'x) (k 'found)) (else (cons (car l) (loop (cdr l)))))))))`)
	for _, c := range []struct{ src, want string }{
		{`(nest 5000)`, "5000"},
		{`(let loop ((i 0)) (if (< i 5000) (begin (guard (e (#t 0)) (+ i 1)) (loop (+ i 1))) 'looped))`, "looped"},
		{`(let loop ((i 0) (n 0)) (if (< i 2000) (loop (+ i 1) (+ n (length (list (break-at (append (make-list 50 'a) '(x)))))))  n))`, "2000"},
	} {
		it.vm.copied = 0
		check(c.src, c.want)
		if it.vm.copied > 200_000 {
			t.Errorf("%s: the escapes copied %d stack values and frames back", c.src, it.vm.copied)
		}
	}
	// re-entering a continuation whose stack was left still copies it
	check(`(let ((k #f) (n 0))
	         (let ((v (+ 100 (call/cc (lambda (c) (set! k c) 0)))))
	           (set! n (+ n 1))
	           (if (< n 3) (k n) (list v n))))`, "(102 3)")
}

func TestDynamicWind(t *testing.T) {
	it := New()
	v := evalOK(t, it, `
(define trail '())
(define (note x) (set! trail (cons x trail)))
(define k #f)
(dynamic-wind
  (lambda () (note 'in1))
  (lambda () (call/cc (lambda (c) (set! k c))) (note 'body))
  (lambda () (note 'out1)))
(if (< (length trail) 6) (k #f))
trail`)
	if WriteString(v) != "(out1 body in1 out1 body in1)" {
		t.Fatalf("got %s", WriteString(v))
	}
	v = evalOK(t, it, `
(set! trail '())
(call/cc (lambda (esc)
  (dynamic-wind
    (lambda () (note 'a-in))
    (lambda ()
      (dynamic-wind
        (lambda () (note 'b-in))
        (lambda () (esc 'x))
        (lambda () (note 'b-out))))
    (lambda () (note 'a-out)))))
trail`)
	if WriteString(v) != "(a-out b-out b-in a-in)" {
		t.Fatalf("got %s", WriteString(v))
	}
}

func TestInterruptBusyLoop(t *testing.T) {
	for _, how := range []string{"cancel", "Interrupt", "continuation loop"} {
		t.Run(how, func(t *testing.T) {
			prog := "(define (spin) (spin)) (spin)"
			if how == "continuation loop" {
				prog = "(let ((k (call/cc (lambda (c) c)))) (k k))"
			}
			it := New()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := it.EvalString(ctx, prog, "busy")
				done <- err
			}()
			time.Sleep(50 * time.Millisecond)
			start := time.Now()
			if how != "Interrupt" {
				cancel()
			} else {
				it.Interrupt()
			}
			select {
			case err := <-done:
				if el := time.Since(start); el > time.Second {
					t.Errorf("stopped after %v", el)
				}
				if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
					t.Errorf("got %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("evaluation did not stop")
			}
			// still usable
			if v := evalOK(t, it, "(+ 1 2)"); v != Value(3) {
				t.Fatal(v)
			}
		})
	}
}

// TestBadProgramsDoNotPanic evaluates malformed programs: each must end in
// an error (or a value), never a Go panic.
func TestBadProgramsDoNotPanic(t *testing.T) {
	bad := []string{
		"(", ")", "(lambda)", "(lambda (x x) x)", "(lambda (1) 1)", "(let ((x)) x)", "(let ((1 2)) 1)",
		"(let loop)", "(define)", "(define 1 2)", "(define (f . 1) 1)", "(if)", "(if 1 2 3 4)",
		"(quote)", "(quote 1 2)", "(set!)", "(set! x)", "(begin . 1)", "(f . 1)", "(cond (else))",
		"(cond 1)", "(case)", "(case 1 (2 3))", "(do)", "(do ((i 0 1 2)) (#t))", "(let-values (((a) 1 2)) a)",
		"(define-syntax)", "(define-syntax foo 1)", "(define-syntax foo (syntax-rules))",
		"(define-syntax foo (syntax-rules () ((_ x ...) (x ... ...)))) (foo 1 2)",
		"(let-syntax ((m (syntax-rules () ((_) 1)))) (m 1))", "(quasiquote)", "`(,@1 . 2)", "(unquote 1)",
		"(define-record-type)", "(define-record-type p)", "(guard)", "(guard (e) . 1)",
		"(parameterize ((1 2)) 3)", "(delay)", "(case-lambda (1))", "(apply + 1)", "(apply)",
		"(call/cc 1)", "(call/cc (lambda () 1))", "(values 1 2)", "(vector-ref 1)", "(raise 'x)",
		"(error)", "(error 1 2 3)", "(with-exception-handler 1 2)", "(with-exception-handler (lambda (e) 1) (lambda () (raise 'x)))",
		"(dynamic-wind 1 2 3)", "(make-parameter)", "((make-parameter 1) 2)", "(force 1)", "(eval '(if))",
		"(load 5)", "(load \"/nonexistent/file.scm\")", "(exit 'x)", "(include \"/nonexistent\")",
		"#(1 . 2)", "#u8(256)", "#\\nosuchchar", "\"\\q\"", "#<foo>", "(1 . 2 3)", "( . 1)", "#!nosuch-directive",
		"(define-syntax m (syntax-rules () ((_ (a ...) (b ...)) ((a b) ...)))) (m (1 2) (3))",
		"(let loop ((i 0)) (loop))", "(letrec ((a b) (b 1)) a)",
		"(define-syntax loop (syntax-rules () ((_) (loop)))) (loop)",
	}
	for _, src := range bad {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%q panicked: %v", src, r)
				}
			}()
			it := New()
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			st := time.Now()
			_, err := it.EvalString(ctx, src, "bad")
			if el := time.Since(st); el > 300*time.Millisecond {
				t.Logf("%q took %v", src, el)
			}
			if err != nil {
				var eo *ErrorObject
				if !errors.As(err, &eo) {
					t.Errorf("%q: error %v is not an *ErrorObject", src, err)
				}
				if strings.Contains(err.Error(), "internal error") {
					t.Errorf("%q: %v", src, err)
				}
			}
		}()
	}
}

func TestErrorFormat(t *testing.T) {
	it := New()
	_, err := it.EvalString(context.Background(), "\n\n(error \"oops\" 1 \"two\")", "script.scm")
	if err == nil || err.Error() != `script.scm:3:1: oops 1 "two"` {
		t.Fatalf("got %v", err)
	}
	_, err = it.EvalString(context.Background(), "(define (f x)\n  (car x))\n(define (g y) (+ 1 (f y)))\n(g 5)", "s.scm")
	var eo *ErrorObject
	if !errors.As(err, &eo) || err.Error() != "s.scm:2:3: car: expected a pair, got 5" {
		t.Fatalf("got %v", err)
	}
	bt := eo.Backtrace(0)
	if !strings.Contains(bt, "at f (s.scm:2:3)") || !strings.Contains(bt, "at g (s.scm:3:20)") {
		t.Errorf("backtrace:\n%s", bt)
	}
}

func TestExit(t *testing.T) {
	var out bytes.Buffer
	it := New(WithOutput(&out))
	_, err := it.EvalString(context.Background(), `(dynamic-wind (lambda () #f) (lambda () (display "a") (exit 3)) (lambda () (display "b")))`, "x")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("got %v", err)
	}
	if out.String() != "ab" {
		t.Errorf("output %q", out.String())
	}
}

// emergency-exit leaves the dynamic-wind extents without running their
// after thunks (R7RS 6.14), also when a guard is around them.
func TestEmergencyExitSkipsAfterThunks(t *testing.T) {
	var out bytes.Buffer
	it := New(WithOutput(&out))
	_, err := it.EvalString(context.Background(), `(guard (e (#t (display "caught")))
	  (dynamic-wind (lambda () (display "in ")) (lambda () (emergency-exit 5)) (lambda () (display "after"))))`, "x")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != 5 || !ee.Emergency {
		t.Fatalf("got %v", err)
	}
	if out.String() != "in " {
		t.Errorf("output %q", out.String())
	}
	// the interpreter is usable afterwards, outside any extent
	out.Reset()
	evalOK(t, it, `(dynamic-wind (lambda () (display "b")) (lambda () 1) (lambda () (display "c")))`)
	if out.String() != "bc" {
		t.Errorf("output %q", out.String())
	}
}

func TestPanickingPrimitive(t *testing.T) {
	it := New()
	it.DefinePrimitive("boom", 0, 0, func(it *Interp, args []Value) (Value, error) {
		var m map[string]int
		m["x"] = 1 // panics
		return nil, nil
	})
	_, err := it.EvalString(context.Background(), "(boom)", "p.scm")
	if err == nil || !strings.HasPrefix(err.Error(), "p.scm:1:1: boom: internal error") {
		t.Fatalf("got %v", err)
	}
	// a guard sees it like any other error
	v := evalOK(t, it, "(guard (e (#t 'caught)) (boom))")
	if v != Value(Intern("caught")) {
		t.Fatalf("got %s", WriteString(v))
	}
}

// TestNestedCall checks Interp.Call from inside a primitive: values come
// back, escapes through continuations and errors reach the outer program.
func TestNestedCall(t *testing.T) {
	it := New()
	it.DefinePrimitive("call-twice", 1, 1, func(it *Interp, args []Value) (Value, error) {
		a, err := it.Call(context.Background(), args[0])
		if err != nil {
			return nil, err
		}
		b, err := it.Call(context.Background(), args[0])
		if err != nil {
			return nil, err
		}
		return List(a, b), nil
	})
	cases := map[string]string{
		"(let ((n 0)) (call-twice (lambda () (set! n (+ n 1)) n)))":                                            "(1 2)",
		"(call/cc (lambda (k) (call-twice (lambda () (k 'escaped)))))":                                         "escaped",
		"(guard (e (#t (list 'caught (error-object-message e)))) (call-twice (lambda () (car 1))))":            `(caught "car: expected a pair, got 1")`,
		"(with-exception-handler (lambda (e) 42) (lambda () (call-twice (lambda () (raise-continuable 'c)))))": "(42 42)",
		"(%with-direct-handler (lambda (c punt) 7) (lambda () (call-twice (lambda () (error \"x\")))))":        "(7 7)",
	}
	for src, want := range cases {
		v, err := it.EvalString(context.Background(), src, "n.scm")
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if WriteString(v) != want {
			t.Errorf("%s: got %s, want %s", src, WriteString(v), want)
		}
	}
	_, err := it.EvalString(context.Background(), "(call-twice (lambda ()\n (car 1)))", "n.scm")
	if err == nil || err.Error() != "n.scm:2:2: car: expected a pair, got 1" {
		t.Errorf("got %v", err)
	}
}

// TestCancelledPrimitiveIsNotCaught checks that a primitive giving up
// because the evaluation's context was cancelled ends the evaluation even
// inside guard.
func TestCancelledPrimitiveIsNotCaught(t *testing.T) {
	it := New()
	it.DefinePrimitive("wait", 0, 0, func(it *Interp, args []Value) (Value, error) {
		<-it.Context().Done()
		return nil, fmt.Errorf("wait: %w", it.Context().Err())
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := it.EvalString(ctx, "(guard (e (#t 'swallowed)) (wait))", "w")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

// TestFailingHandlersEnd checks that a direct handler that cannot be
// called, or that fails on every condition, ends in an error instead of
// looping forever.
func TestFailingHandlersEnd(t *testing.T) {
	cases := map[string]string{
		"(%with-direct-handler (lambda (c) 1) (lambda () (error \"x\")))":                  "handler is not a procedure of 2 arguments",
		"(%with-direct-handler 1 (lambda () (error \"x\")))":                               "handler is not a procedure of 2 arguments",
		"(%with-direct-handler (lambda (c more) (car 1)) (lambda () (error \"x\")))":       "",
		"(%with-direct-handler (lambda (c more) (error \"y\")) (lambda () (error \"x\")))": "",
	}
	for src, want := range cases {
		it := New()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := it.EvalString(ctx, src, "h")
		cancel()
		if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", src, err)
		}
	}
}

// TestVMLoopNotBig guards the speed of the VM: past a size the Go
// compiler calls a function 'big' and stops inlining the small helpers
// its loop relies on (testJump, fixnum, moveArgs ...), which costs 10-15 %
// on call-heavy programs. Cold code belongs in functions of its own.
func TestVMLoopNotBig(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to compile with")
	}
	out, err := exec.Command(gobin, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("inlining call to testJump")) {
		t.Errorf("the compiler's report names no inlined testJump:\n%.2000s", out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "considered 'big'") && strings.Contains(line, "(*vm).loop") {
			t.Errorf("%s: move cold code out of the loop", line)
		}
	}
}
