package interp

import (
	"context"
	"strings"
	"testing"
)

// mixedLib is a library with the three kinds of top-level forms NewLibrary
// distinguishes: procedure definitions (lazy), macros (lazy) and other
// forms (evaluated by Install).
const mixedLib = `;; a test library
(define counter 0)
(define (bump!) (set! counter (+ counter 1)) counter)
(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((t a)) (set! a b) (set! b t)))))
(define old-car car)
(define (twice x)
  (* 2 x))
(define (fails x)
  (car x))
`

func evalT(t *testing.T, it *Interp, src string) string {
	t.Helper()
	v, err := it.EvalString(context.Background(), src, "t")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return WriteString(v)
}

func TestNewLibraryKinds(t *testing.T) {
	lib := NewLibrary("mixed.scm", mixedLib)
	if got, want := strings.Join(lib.Names(), " "), "bump! swap! twice fails"; got != want {
		t.Fatalf("lazy names %q, want %q", got, want)
	}
	it := New()
	if err := lib.Load(it); err != nil {
		t.Fatal(err)
	}
	// The other forms ran at install.
	if got := evalT(t, it, "(list counter (eq? old-car car))"); got != "(0 #t)" {
		t.Errorf("install-time forms: %s", got)
	}
	// Procedures are stubs until called.
	if v, _ := it.Lookup("twice"); v == nil || !strings.Contains(WriteString(v), "twice") {
		t.Errorf("twice before its first call: %v", v)
	} else if _, ok := v.(*Primitive); !ok {
		t.Errorf("twice compiled at install: %s", WriteString(v))
	}
	if got := evalT(t, it, "(list (twice 21) (bump!) (bump!))"); got != "(42 1 2)" {
		t.Errorf("calls: %s", got)
	}
	if v, _ := it.Lookup("twice"); v != nil {
		if _, ok := v.(*Closure); !ok {
			t.Errorf("twice after its first call: %s", WriteString(v))
		}
	}
	// The macro is defined at its first use.
	if got := evalT(t, it, "(define a 1) (define b 2) (swap! a b) (list a b)"); got != "(2 1)" {
		t.Errorf("swap!: %s", got)
	}
	// Every name is listed (completion, ,apropos).
	names := strings.Join(it.GlobalNames(), " ")
	for _, n := range []string{"counter", "bump!", "swap!", "old-car", "twice", "fails"} {
		if !strings.Contains(" "+names+" ", " "+n+" ") {
			t.Errorf("GlobalNames lacks %s", n)
		}
	}
	// An error inside a lazily compiled definition is reported with the
	// library's line, and the call's position in the backtrace.
	_, err := it.EvalString(context.Background(), "(define (g) (fails 5))\n(g)", "user.scm")
	if err == nil {
		t.Fatal("(fails 5) did not fail")
	}
	eo, ok := err.(*ErrorObject)
	if !ok || eo.Pos.File != "mixed.scm" || eo.Pos.Line != 11 {
		t.Errorf("error %v at %v, want mixed.scm:11", err, eo.Pos)
	}
	if s := FormatError(err); !strings.Contains(s, "fails") {
		t.Errorf("backtrace does not name fails:\n%s", s)
	}
}

func TestNewLibraryRedefinition(t *testing.T) {
	lib := NewLibrary("mixed.scm", mixedLib)
	it := New()
	lib.Install(it)
	// A program that defines a lazily defined name before its first call
	// sees its own definition, and keeps it after the library's copy has
	// been compiled through a reference taken earlier.
	got := evalT(t, it, `(define lib-twice twice)
(define (twice x) (list 'mine x))
(define-syntax swap! (syntax-rules () ((_ a b) 'my-swap)))
(list (twice 1) (lib-twice 3) (twice 2) (swap! x y))`)
	if got != "((mine 1) 6 (mine 2) my-swap)" {
		t.Errorf("after redefinition: %s", got)
	}
	// The same names in another interpreter are still the library's.
	it2 := New()
	lib.Install(it2)
	if got := evalT(t, it2, "(twice 5)"); got != "10" {
		t.Errorf("second interpreter: %s", got)
	}
}

func TestBuiltinLazyRedefinition(t *testing.T) {
	it := New()
	// filter and dynamic-wind are lazy library definitions: a program's
	// own definitions win, and a reference taken before still reaches the
	// library's procedure.
	got := evalT(t, it, `(define lib-filter filter)
(define (filter p l) 'mine)
(list (filter odd? '(1 2 3)) (lib-filter odd? '(1 2 3)) (filter odd? '()))`)
	if got != "(mine (1 3) mine)" {
		t.Errorf("filter: %s", got)
	}
	// A derived form's expansion refers to the library's procedure even
	// when a program redefines the name first.
	got = evalT(t, it, `(define (with-exception-handler h t) 'mine)
(list (guard (e (#t (list 'caught e))) (raise 'oops)) (with-exception-handler 1 2))`)
	if got != "((caught oops) mine)" {
		t.Errorf("guard after redefining with-exception-handler: %s", got)
	}
}

func TestLazyReadLimit(t *testing.T) {
	// Library text is the interpreter's: a small read limit for programs
	// does not stop a lazy definition from compiling.
	it := New(WithMaxRead(400))
	if got := evalT(t, it, "(list-sort < (list 3 1 2))"); got != "(1 2 3)" {
		t.Errorf("list-sort under a 64-byte read limit: %s", got)
	}
}

func TestFixnumBoxing(t *testing.T) {
	for _, n := range []int{fixLow, -1, 0, 1, fixEager - 1, fixEager, fixEager + 1, 20000, fixHigh - 1, fixHigh, -fixLow + 5} {
		v := fixnum(n)
		if got, ok := v.(int); !ok || got != n {
			t.Errorf("fixnum(%d) = %v", n, v)
		}
		if v2 := fixnum(n); v2.(int) != n {
			t.Errorf("fixnum(%d) boxed again = %v", n, v2)
		}
	}
	for _, n := range []int{30000, 999999, fixHigh - 1} {
		if a := testing.AllocsPerRun(100, func() { _ = fixnum(n) }); a != 0 {
			t.Errorf("fixnum(%d) allocates %v times", n, a)
		}
	}
	big := fixHigh + 12345 + len(sinkString)
	if a := testing.AllocsPerRun(100, func() { sinkValue = fixnum(big) }); a != 1 {
		t.Errorf("fixnum(fixHigh+12345) allocates %v times, want 1 (outside the table)", a)
	}
}

var (
	sinkValue  Value
	sinkString string
)
