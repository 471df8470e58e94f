package interp

import (
	"context"
	"testing"
)

// A program that defines a name the libraries bind gets its own binding;
// the libraries' code keeps theirs, as a Scheme48 module does whatever the
// user package defines. Old scsh scripts define filter, any, first, remove,
// string-join ... their own way, and the library procedures that use those
// names must not break.
func TestProgramDefinitionsLeaveLibrariesAlone(t *testing.T) {
	const libSrc = "(define (lib-helper x) (list 'lib x))\n" +
		"(define (lib-user x) (lib-helper x))\n" +
		"(define (lib-late x) (lib-helper x))\n" +
		"(define-syntax lib-mac (syntax-rules () ((_ x) (list 'mac x))))\n" +
		"(define-syntax lib-calls-helper (syntax-rules () ((_ x) (lib-helper x))))\n" +
		"(define (lib-mac-user x) (lib-mac x))\n" +
		"(define (lib-filter-user l) (filter odd? l))\n"
	cases := []struct{ src, want string }{
		// the library procedure compiled before the program's definition
		{`(lib-user 1)`, `(lib 1)`},
		{`(define (lib-helper x) (list 'mine x))`, ``},
		{`(list (lib-helper 2) (lib-user 3))`, `((mine 2) (lib 3))`},
		// a library macro's template means the library's lib-helper
		{`(lib-calls-helper 10)`, `(lib 10)`},
		// and one compiled after it
		{`(lib-late 4)`, `(lib 4)`},
		// the program's macro over a library macro's name
		{`(define-syntax lib-mac (syntax-rules () ((_ x) (list 'my-mac x))))`, ``},
		{`(list (lib-mac 5) (lib-mac-user 6))`, `((my-mac 5) (mac 6))`},
		// a built-in library procedure redefined with its arguments swapped
		{`(define (filter l pred) (cond ((null? l) '()) ((pred (car l)) (cons (car l) (filter (cdr l) pred))) (else (filter (cdr l) pred))))`, ``},
		{`(list (filter '(1 2 3 4) even?) (lib-filter-user '(1 2 3)))`, `((2 4) (1 3))`},
		// a definition again, and a procedure defined before the name it
		// calls: the program's code sees the program's definitions
		{`(define (main) (lib-helper 7))`, ``},
		{`(define (lib-helper x) (list 'mine-again x))`, ``},
		{`(list (main) (lib-user 8))`, `((mine-again 7) (lib 8))`},
		// set! of a name the program defined changes the program's binding
		{`(set! lib-helper (lambda (x) 'set))`, ``},
		{`(list (main) (lib-user 9))`, `(set (lib 9))`},
	}
	it := New()
	NewLibrary("isolation.scm", libSrc).Install(it)
	for _, c := range cases {
		v, err := it.EvalString(context.Background(), c.src, "program.scm")
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if c.want == "" {
			continue
		}
		if got := WriteString(v); got != c.want {
			t.Errorf("%s = %s, want %s", c.src, got, c.want)
		}
	}
	// Go sees the program's bindings
	if v, ok := it.Lookup("lib-helper"); !ok || WriteString(v) == "" {
		t.Errorf("Lookup lib-helper: %v %v", v, ok)
	} else if p, _ := v.(*Closure); p == nil {
		t.Errorf("Lookup lib-helper = %s, want the program's procedure", WriteString(v))
	}
}

// A name whose library definition is deferred (not evaluated yet) keeps
// it for the library when the program defines the name first.
func TestProgramDefinitionBeforeLibraryUse(t *testing.T) {
	it := New()
	NewLazyLibrary("lazy.scm", "(define (lazy-helper) 'lib)\n(define (lazy-user) (lazy-helper))\n").Install(it)
	for _, c := range []struct{ src, want string }{
		{`(define (lazy-helper) 'mine)`, ``},
		{`(list (lazy-helper) (lazy-user))`, `(mine lib)`},
	} {
		v, err := it.EvalString(context.Background(), c.src, "program.scm")
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if c.want != "" && WriteString(v) != c.want {
			t.Errorf("%s = %s, want %s", c.src, WriteString(v), c.want)
		}
	}
}
