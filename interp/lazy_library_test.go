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
