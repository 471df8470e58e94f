package interp

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// deferredSrc is a library whose parameter p is deferred: made counts
// how many times its definition ran.
const deferredSrc = `(define made 0)
(define p (begin (set! made (+ made 1)) (make-parameter 1)))
(define q p)
(define (get) (p))
`

func evalIn(t *testing.T, it *Interp, src string) string {
	t.Helper()
	v, err := it.EvalString(context.Background(), src, "t")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return WriteString(v)
}

func TestDeferredDefinitionRunsOnFirstReference(t *testing.T) {
	lib := NewLibrary("deferred.scm", deferredSrc, "p")
	for i := 0; i < 2; i++ { // two interpreters, each its own parameter
		it := New()
		if err := lib.Load(it); err != nil {
			t.Fatal(err)
		}
		if got := evalIn(t, it, "made"); got != "0" {
			t.Fatalf("made after install = %s, want 0 (p's definition ran at install)", got)
		}
		if !slices.Contains(it.GlobalNames(), "p") || !slices.Contains(it.GlobalNames(), "q") {
			t.Errorf("GlobalNames lacks the deferred p or q")
		}
		if got := evalIn(t, it, "(list (p) (get) made (eq? p q) (parameterize ((p 2)) (list (p) (q))))"); got != "(1 1 1 #t (2 2))" {
			t.Fatalf("after first reference: %s", got)
		}
		if got := evalIn(t, it, "(begin p q made)"); got != "1" {
			t.Errorf("made = %s after more references, want 1", got)
		}
	}
}

func TestDeferredDefinitionFromGoAndRebound(t *testing.T) {
	lib := NewLibrary("deferred.scm", deferredSrc, "p")
	it := New()
	lib.Install(it)
	v, ok := it.Lookup("p")
	if _, isParam := v.(*Parameter); !ok || !isParam {
		t.Fatalf("Lookup(p) = %v, %v; want the parameter", v, ok)
	}
	if got := evalIn(t, it, "made"); got != "1" {
		t.Fatalf("made after Lookup = %s, want 1", got)
	}

	// A program that binds the name first keeps its binding; the
	// library's value is still there for Go (Value), made once.
	it = New()
	lib.Install(it)
	evalIn(t, it, "(set! made 100)")
	it.Define("p", NewString("mine"))
	if got := evalIn(t, it, "(list p made)"); got != `("mine" 100)` {
		t.Fatalf("rebound p: %s", got)
	}
	lv, err := lib.Value(it, "p")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lv.(*Parameter); !ok {
		t.Fatalf("Value(p) = %v, want the library's parameter", WriteString(lv))
	}
	if lv2, _ := lib.Value(it, "p"); lv2 != lv {
		t.Errorf("Value(p) made a second parameter")
	}
	if got := evalIn(t, it, "(list p made)"); got != `("mine" 101)` {
		t.Fatalf("after Value: %s", got)
	}
	// q was deferred to p's definition: it is the library's parameter.
	if got := evalIn(t, it, "(q)"); got != "1" {
		t.Errorf("(q) = %s", got)
	}
	if qv, _ := it.Lookup("q"); qv != lv {
		t.Errorf("q is not the library's p")
	}
}

func TestDeferredDefinitionOfExistingCellIsEager(t *testing.T) {
	it := New()
	// compiled code holds p's cell before the library is installed
	evalIn(t, it, "(define (early) p)")
	NewLibrary("deferred.scm", deferredSrc, "p").Install(it)
	if got := evalIn(t, it, "(list made ((early)))"); got != "(1 1)" {
		t.Fatalf("got %s", got)
	}
}

// Two threads refer to a deferred name at once: its definition, which
// runs long enough to reach the evaluator's thread switches, runs once,
// and both threads see its value.
func TestDeferredDefinitionUnderThreads(t *testing.T) {
	src := `(define count 0)
(define slow (begin (set! count (+ count 1)) (let loop ((i 0)) (if (< i 300000) (loop (+ i 1)))) (make-parameter 'made)))
`
	for round := 0; round < 3; round++ {
		it := New()
		NewLibrary("slow.scm", src, "slow").Install(it)
		got := evalIn(t, it, `(let* ((ts (map (lambda (i) (spawn (lambda () (eval 'slow (interaction-environment)))))
                          '(1 2 3)))
       (ps (map thread-join! ts)))
  (list count (eq? (car ps) (cadr ps)) (eq? (car ps) (caddr ps)) ((car ps))))`)
		if got != "(1 #t #t made)" {
			t.Fatalf("round %d: %s", round, got)
		}
	}
}

// A lazily compiled procedure of a library, called by several threads at
// once, is compiled once: each thread gets the same procedure.
func TestLazyProcedureUnderThreads(t *testing.T) {
	src := "(define (f) f)\n"
	for round := 0; round < 3; round++ {
		it := New()
		NewLazyLibrary("f.scm", src).Install(it)
		got := evalIn(t, it, `(let ((ps (map thread-join! (map (lambda (i) (spawn (lambda () (f)))) '(1 2 3 4)))))
  (list (eq? (car ps) (cadr ps)) (eq? (car ps) (cadddr ps)) (procedure? (car ps))))`)
		if got != "(#t #t #t)" {
			t.Fatalf("round %d: %s", round, got)
		}
	}
}

func TestDeferredNameIsDocumentedAndNamed(t *testing.T) {
	it := New()
	NewLibrary("deferred.scm", deferredSrc, "p").Install(it)
	it.Document("test", DocLine{Name: "p", Doc: "p: a parameter"})
	if d, ok := it.Doc("p"); !ok || !strings.Contains(d.Doc, "a parameter") {
		t.Errorf("Doc(p) = %v, %v", d, ok)
	}
	if got := evalIn(t, it, "made"); got != "0" {
		t.Errorf("Doc forced p (made = %s)", got)
	}
}

// The forms a library install does without compiling them give what
// compiling them gives: a copy takes the value the name has at that
// point of the library, an error names its position.
func TestInstallFormsWithoutCompiling(t *testing.T) {
	it := New()
	NewLibrary("copy.scm", "(define (g) 1)\n(define h g)\n(define (g) 2)\n(define k car)\n").Install(it)
	if got := evalIn(t, it, "(list (h) (g) (k '(3)))"); got != "(1 2 3)" {
		t.Errorf("copies: %s", got)
	}
	src := "(define (f) 1)\n(car '())\n"
	err := NewLibrary("x.scm", src).Load(New())
	_, wantErr := New().EvalString(context.Background(), src, "x.scm")
	if err == nil || wantErr == nil {
		t.Fatalf("Load: %v; evaluating the text: %v (want errors)", err, wantErr)
	}
	if err.Error() != wantErr.Error() {
		t.Errorf("Load error %q, evaluating the text gives %q", err, wantErr)
	}
}
