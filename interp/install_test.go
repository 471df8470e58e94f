package interp

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// installCounter returns an installation that defines triple (a Go
// procedure), a variable and a Local, and counts its runs.
func installCounter(runs *int) func(*Interp) error {
	return func(it *Interp) error {
		*runs++
		it.DefineBuiltins("test: installed", Builtin{Name: "triple", MinArgs: 1, MaxArgs: 1,
			Doc: "(triple n): three times n",
			Fn: func(_ *Interp, a []Value) (Value, error) {
				n, ok := a[0].(int)
				if !ok {
					return nil, TypeError("an exact integer", a[0])
				}
				return 3 * n, nil
			}})
		it.Define("installed-var", 7)
		it.SetLocal("installed", true)
		return nil
	}
}

func TestInstallOnFirstUse(t *testing.T) {
	ctx := context.Background()
	uses := []struct {
		name string
		use  func(it *Interp) (any, error)
		want any
	}{
		{"compiled reference", func(it *Interp) (any, error) { return it.EvalString(ctx, "(triple 5)", "t") }, 15},
		{"compiled variable", func(it *Interp) (any, error) { return it.EvalString(ctx, "installed-var", "t") }, 7},
		{"reference in a lambda", func(it *Interp) (any, error) {
			return it.EvalString(ctx, "((lambda (x) (+ x installed-var)) 1)", "t")
		}, 8},
		{"begin", func(it *Interp) (any, error) { return it.EvalString(ctx, "(begin 1 (triple 2))", "t") }, 6},
		{"Lookup", func(it *Interp) (any, error) { v, ok := it.Lookup("installed-var"); return fmt.Sprint(v, ok), nil }, "7 true"},
		{"Local", func(it *Interp) (any, error) { return it.Local("installed"), nil }, true},
		{"Doc", func(it *Interp) (any, error) { d, ok := it.Doc("triple"); return d.Section + " " + fmt.Sprint(ok), nil }, "test: installed true"},
		{"GlobalNames", func(it *Interp) (any, error) {
			for _, n := range it.GlobalNames() {
				if n == "triple" {
					return true, nil
				}
			}
			return false, nil
		}, true},
		// a redefinition before any other use keeps the program's value
		{"Define", func(it *Interp) (any, error) {
			it.Define("installed-var", 1)
			return it.EvalString(ctx, "installed-var", "t")
		}, 1},
		{"set!", func(it *Interp) (any, error) {
			return it.EvalString(ctx, "(begin (set! triple (lambda (n) n)) (triple 4))", "t")
		}, 4},
	}
	for _, u := range uses {
		t.Run(u.name, func(t *testing.T) {
			it := New()
			runs := 0
			it.InstallOnFirstUse(installCounter(&runs))
			// an expression that refers to no global name (not even a
			// keyword) uses nothing
			if v, err := it.EvalString(ctx, `#(1 "a" #\b)`, "t"); err != nil || WriteString(v) != `#(1 "a" #\b)` {
				t.Fatalf("constant: %v, %v", v, err)
			}
			if runs != 0 {
				t.Fatalf("installed %d times before any use", runs)
			}
			got, err := u.use(it)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(u.want) {
				t.Errorf("got %v, want %v", got, u.want)
			}
			if _, err := it.EvalString(ctx, "(triple 1)", "t"); err != nil && u.name != "set!" {
				t.Error(err)
			}
			if runs != 1 {
				t.Errorf("installed %d times, want once", runs)
			}
		})
	}
}

// Installations run in the order given, once, even when the first one
// uses the environment.
func TestInstallOnFirstUseOrder(t *testing.T) {
	it := New()
	var order []string
	it.InstallOnFirstUse(func(it *Interp) error {
		order = append(order, "a")
		it.Define("a", 1)
		if _, ok := it.Lookup("a"); !ok {
			t.Error("a not bound inside its installation")
		}
		return nil
	})
	it.InstallOnFirstUse(func(it *Interp) error {
		order = append(order, "b")
		v, _ := it.Lookup("a")
		it.Define("b", v)
		return nil
	})
	v, err := it.EvalString(context.Background(), "b", "t")
	if err != nil || v != Value(1) || fmt.Sprint(order) != "[a b]" {
		t.Fatalf("b = %v, %v; order %v", v, err, order)
	}
}

// Several interpreters, each putting its installation off, run at once
// (go test -race checks that they share nothing unsafely); threads of one
// interpreter see the installation made once.
func TestInstallOnFirstUseConcurrent(t *testing.T) {
	const n = 4
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := New()
			runs := 0
			it.InstallOnFirstUse(installCounter(&runs))
			v, err := it.EvalString(context.Background(), `
				(let ((ts (map (lambda (k) (make-thread (lambda () (triple k)))) '(1 2 3 4))))
				  (for-each thread-start! ts)
				  (apply + (map thread-join! ts)))`, "t")
			if err != nil || v != Value(30) || runs != 1 {
				errs <- fmt.Errorf("got %v, %v after %d installations", v, err, runs)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

type installCtxKey struct{}

// An installation that evaluates Scheme (a library with a form done at
// install), run when the compiler meets the program's first global name,
// leaves the program's evaluation as it was: its context (and with it the
// interrupt) stays the one the program was started with.
func TestInstallOnFirstUseKeepsEvaluation(t *testing.T) {
	it := New()
	lib := NewLibrary("install.scm", "(define (lib-double x) (* 2 x))\n(define lib-ten (lib-double 5))\n(newline (open-output-string))\n", "lib-ten")
	it.InstallOnFirstUse(func(it *Interp) error {
		if err := lib.Load(it); err != nil {
			return err
		}
		it.DefineBuiltins("test: context", Builtin{Name: "ctx-tag", MaxArgs: 0, Doc: "(ctx-tag): the tag of the evaluation's context",
			Fn: func(it *Interp, _ []Value) (Value, error) {
				s, _ := it.Context().Value(installCtxKey{}).(string)
				return NewString(s), nil
			}})
		return nil
	})
	ctx := context.WithValue(context.Background(), installCtxKey{}, "the program's")
	v, err := it.EvalString(ctx, "(list (ctx-tag) lib-ten)", "t")
	if err != nil || WriteString(v) != `("the program's" 10)` {
		t.Fatalf("got %v, %v", WriteString(v), err)
	}
	// the next evaluation sets up its own context as usual
	v, err = it.EvalString(context.Background(), "(ctx-tag)", "t")
	if err != nil || WriteString(v) != `""` {
		t.Fatalf("second evaluation: %v, %v", WriteString(v), err)
	}
}
