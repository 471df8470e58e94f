package interp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestUnpackArgs(t *testing.T) {
	var (
		s    string
		n    int
		f    float64
		b    bool
		v    Value
		p    *Pair
		proc Procedure
		rest []Value
	)
	if err := UnpackArgs("f", []Value{NewString("x"), 3, 2.5, true, Intern("q"), Cons(1, 2), &Primitive{Name: "p"}, 9, 10},
		"s", &s, "n", &n, "f", &f, "b", &b, "v", &v, "p", &p, "proc", &proc, "more*", &rest); err != nil {
		t.Fatal(err)
	}
	if s != "x" || n != 3 || f != 2.5 || !b || v != Value(Intern("q")) || p.Car != Value(1) || proc == nil || len(rest) != 2 {
		t.Fatalf("unpacked %v %v %v %v %v %v %v %v", s, n, f, b, v, p, proc, rest)
	}
	// optional parameters keep their values when absent or #!default
	n = 7
	if err := UnpackArgs("g", []Value{NewString("a")}, "s", &s, "n?", &n); err != nil || n != 7 {
		t.Fatalf("optional: %v %d", err, n)
	}
	if err := UnpackArgs("g", []Value{NewString("a"), DefaultObject}, "s", &s, "n?", &n); err != nil || n != 7 {
		t.Fatalf("default object: %v %d", err, n)
	}
	f = 0
	if err := UnpackArgs("g", []Value{4}, "f", &f); err != nil || f != 4 {
		t.Fatalf("int as float: %v %v", err, f)
	}
	errs := []struct {
		args []Value
		spec []any
		want string
	}{
		{[]Value{1}, []any{"a", &n, "b", &n}, "pop3-get: expected 2 arguments, got 1"},
		{[]Value{1, 2, 3}, []any{"a", &n, "b?", &n}, "pop3-get: expected 1 or 2 arguments, got 3"},
		{[]Value{}, []any{"a", &n, "b?", &n, "c?", &n}, "pop3-get: expected 1 to 3 arguments, got 0"},
		{[]Value{}, []any{"a", &n, "r*", &rest}, "pop3-get: expected at least 1 argument, got 0"},
		{[]Value{1, NewString("x")}, []any{"conn", &v, "msgid", &n}, `pop3-get: argument 2 (msgid): expected an exact integer, got "x"`},
		{[]Value{1}, []any{"s", &s}, "pop3-get: argument 1 (s): expected a string, got 1"},
		{[]Value{1}, []any{"b", &b}, "pop3-get: argument 1 (b): expected a boolean, got 1"},
		{[]Value{1}, []any{"p", &proc}, "pop3-get: argument 1 (p): expected a procedure, got 1"},
		{[]Value{Null}, []any{"p", &p}, "pop3-get: argument 1 (p): expected a pair, got ()"},
		{[]Value{NewString("x")}, []any{"f", &f}, `pop3-get: argument 1 (f): expected a real number, got "x"`},
	}
	for _, c := range errs {
		err := UnpackArgs("pop3-get", c.args, c.spec...)
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

func TestUnpackArgsPositionFromVM(t *testing.T) {
	it := New()
	it.DefinePrimitive("need-int", 1, 1, func(it *Interp, args []Value) (Value, error) {
		var n int
		return nil, UnpackArgs("need-int", args, "n", &n)
	})
	_, err := it.EvalString(context.Background(), "\n  (need-int \"x\")", "u.scm")
	if err == nil || err.Error() != `u.scm:2:3: need-int: argument 1 (n): expected an exact integer, got "x"` {
		t.Fatalf("got %v", err)
	}
}

func TestGoConversions(t *testing.T) {
	v := FromGo([]any{1, "two", 3.5, true, nil, []string{"a"}, []byte{1}})
	if got := WriteString(v); !strings.HasPrefix(got, `(1 "two" 3.5 #t () ("a")`) {
		t.Errorf("FromGo: %s", got)
	}
	g := ToGo(v).([]any)
	if g[0] != 1 || g[1] != "two" || g[2] != 3.5 || g[3] != true {
		t.Errorf("ToGo: %#v", g)
	}
	if ToGo(Unspecified) != nil || ToGo(Char('x')) != 'x' || ToGo(Intern("s")) != "s" {
		t.Error("ToGo scalars")
	}
}

func TestIndependentInterpreters(t *testing.T) {
	a, b := New(), New()
	evalOK(t, a, "(define shared 1) (define (car x) 'mine)")
	if _, ok := b.Lookup("shared"); ok {
		t.Error("a global leaked between interpreters")
	}
	if v := evalOK(t, b, "(car '(1))"); v != Value(1) {
		t.Errorf("redefining car in one interpreter changed another: %v", v)
	}
	if v := evalOK(t, a, "(car '(1))"); v != Value(Intern("mine")) {
		t.Errorf("redefined car not used (inlining must respect redefinition): %v", WriteString(v))
	}
	names := a.GlobalNames()
	found := false
	for _, n := range names {
		if n == "shared" {
			found = true
		}
	}
	if !found || len(names) < 50 {
		t.Errorf("GlobalNames: %d names, shared found %v", len(names), found)
	}
}

func TestEvalEntryPoints(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/prog.scm"
	if err := os.WriteFile(path, []byte("(define from-file 5)\n(+ from-file 1)\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	it := New(WithOutput(&out), WithErrorOutput(&errOut), WithCommandLine([]string{"prog", "a"}))
	ctx := context.Background()
	if v, err := it.EvalFile(ctx, path); err != nil || v != Value(6) {
		t.Fatalf("EvalFile: %v %v", v, err)
	}
	if _, err := it.EvalFile(ctx, dir+"/missing.scm"); err == nil || !strings.Contains(err.Error(), "cannot open file") {
		t.Errorf("EvalFile missing: %v", err)
	} else if eo, ok := err.(*ErrorObject); !ok || eo.Kind != KindFileError {
		t.Errorf("EvalFile missing: not a file error: %#v", err)
	}
	if v, err := it.Eval(ctx, List(Intern("+"), 1, 2)); err != nil || v != Value(3) {
		t.Errorf("Eval: %v %v", v, err)
	}
	if v, err := it.EvalReader(ctx, strings.NewReader("(* from-file 2)"), "r"); err != nil || v != Value(10) {
		t.Errorf("EvalReader: %v %v", v, err)
	}
	v, err := it.EvalString(ctx, "(command-line)", "c")
	if err != nil || WriteString(v) != `("prog" "a")` {
		t.Errorf("command-line: %v %v", WriteString(v), err)
	}
	it.SetCommandLine([]string{"other"})
	if v, _ := it.EvalString(ctx, "(command-line)", "c"); WriteString(v) != `("other")` {
		t.Errorf("SetCommandLine: %s", WriteString(v))
	}
	if _, err := it.EvalString(ctx, `(display "err" (current-error-port)) (display "out")`, "o"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "out" || errOut.String() != "err" {
		t.Errorf("ports: out %q err %q", out.String(), errOut.String())
	}
	it.SetInput(strings.NewReader("input text"))
	if p := it.CurrentInput(); p == nil {
		t.Error("no current input")
	}
	// a read error is returned as such, and incomplete input is recognisable
	_, err = it.EvalString(ctx, "(display 1", "inc")
	if !errors.Is(err, ErrIncomplete) {
		t.Errorf("incomplete: %v", err)
	}
	// a cancelled context stops before starting
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := it.EvalString(cctx, "1", "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestOutputOrdering checks that what was written to the current output
// comes out before what is then written to the error port.
func TestOutputOrdering(t *testing.T) {
	var both bytes.Buffer
	it := New()
	it.SetOutput(&both)
	it.SetErrorOutput(&both)
	evalOK(t, it, `(display "out1") (display "err1\n" (current-error-port)) (display "out2")`)
	if both.String() != "out1err1\nout2" {
		t.Errorf("got %q", both.String())
	}
}

// An error, an exit or an interrupt that ends a top-level evaluation inside
// parameterize or dynamic-wind leaves the extent: the next evaluation sees
// the parameter's old value, and the after thunk has run once.
func TestTopLevelErrorLeavesDynamicExtent(t *testing.T) {
	it := New()
	ctx := context.Background()
	if _, err := it.EvalString(ctx, `(define p (make-parameter 'outer)) (define left 0)`, "setup"); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		`(parameterize ((p 'inner)) (error "boom"))`,
		`(parameterize ((p 'inner)) (car '()))`,
		`(dynamic-wind (lambda () #f) (lambda () (parameterize ((p 'inner)) (raise 'x))) (lambda () (set! left (+ left 1))))`,
		`(parameterize ((p 'inner)) (exit 3))`,
	} {
		if _, err := it.EvalString(ctx, src, "t"); err == nil {
			t.Fatalf("%s: no error", src)
		}
		v, err := it.EvalString(ctx, `(p)`, "check")
		if err != nil {
			t.Fatal(err)
		}
		if WriteString(v) != "outer" {
			t.Errorf("after %s: (p) = %s, want outer", src, WriteString(v))
		}
	}
	v, _ := it.EvalString(ctx, `left`, "check")
	if WriteString(v) != "1" {
		t.Errorf("after thunk ran %s times, want 1", WriteString(v))
	}

	// Interrupted inside parameterize.
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := it.EvalString(cctx, `(parameterize ((p 'inner)) (let loop () (loop)))`, "loop")
		done <- err
	}()
	cancel()
	if err := <-done; err == nil {
		t.Fatal("interrupted loop: no error")
	}
	v, err := it.EvalString(ctx, `(p)`, "check")
	if err != nil || WriteString(v) != "outer" {
		t.Errorf("after an interrupt: (p) = %v (%v), want outer", v, err)
	}
}

// SetLocal keeps an embedder's value per interpreter, where no program
// can reach it.
func TestLocals(t *testing.T) {
	a, b := New(), New()
	type state struct{ n int }
	st := &state{n: 1}
	a.SetLocal("example.com/pkg.state", st)
	if got, _ := a.Local("example.com/pkg.state").(*state); got != st {
		t.Errorf("Local = %v, want the value set", got)
	}
	if got := b.Local("example.com/pkg.state"); got != nil {
		t.Errorf("another interpreter sees %v", got)
	}
	if _, err := a.EvalString(context.Background(), `(define example.com/pkg.state 0)`, "t"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Local("example.com/pkg.state").(*state); got != st {
		t.Errorf("after a program defined the key as a global, Local = %v", got)
	}
	a.SetLocal("example.com/pkg.state", nil)
	if got := a.Local("example.com/pkg.state"); got != nil {
		t.Errorf("after SetLocal(key, nil), Local = %v, want nil", got)
	}
}
