package interp

import (
	"context"
	"strings"
	"testing"
)

func TestLazyLibraryInstall(t *testing.T) {
	src := "; a library\n(define (twice x) (* 2 (once x)))\n(define (once x) x)\n(define thrice (lambda (x) (* 3 x)))\n(define dbl twice)\n(define (broken) (car))\n"
	lib := NewLazyLibrary("mylib.scm", src)
	if got, want := strings.Join(lib.Names(), " "), "twice once thrice dbl broken"; got != want {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for i := 0; i < 2; i++ { // two interpreters share the stubs
		it := New()
		lib.Install(it)
		v, err := it.EvalString(context.Background(), "(list (twice 4) (thrice 2) (dbl 5) (dbl 6) (procedure? once))", "t")
		if err != nil {
			t.Fatal(err)
		}
		if got := WriteString(v); got != "(8 6 10 12 #t)" {
			t.Fatalf("got %s", got)
		}
		_, err = it.EvalString(context.Background(), "(broken)", "t")
		if err == nil || !strings.Contains(err.Error(), "car") {
			t.Fatalf("(broken): error %v, want car's arity error", err)
		}
	}
}

// A library loaded while the form of a top-level evaluation is compiled
// (a macro of the embedder's, or a deferred group, installs it when the
// form first names it) is a nested evaluation: it left the running one
// without its context, so that Ctrl-C no longer stopped it and its waits
// no longer let other threads run.
func TestLibraryLoadedWhileCompilingKeepsContext(t *testing.T) {
	it := New()
	lib := NewLibrary("late.scm", "(define late-value (list 1 2))\n(define (late-proc) late-value)\n")
	it.DefineMacro("load-late", func(form Value) (Value, error) {
		if err := lib.Load(it); err != nil {
			return nil, err
		}
		return Intern("late-value"), nil
	})
	it.DefineBuiltins("test", Builtin{Name: "context-live?", MinArgs: 0, MaxArgs: 0, Doc: "(context-live?): test",
		Fn: func(it *Interp, a []Value) (Value, error) {
			return it.Context().Done() != nil, nil
		}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	v, err := it.EvalString(ctx, "(define got (load-late)) (list got (context-live?))", "t")
	if err != nil {
		t.Fatal(err)
	}
	if got := WriteString(v); got != "((1 2) #t)" {
		t.Errorf("got %s, want ((1 2) #t): the evaluation lost its context", got)
	}
}
