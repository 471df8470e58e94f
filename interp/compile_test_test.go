package interp

import (
	"fmt"
	"strings"
	"testing"
)

// An and or an or as the test of an if jumps straight to the branch it
// chooses (gen.test): every combination of true, false and other values
// chooses the same branch as the value of the same expression would, the
// value of an and or an or elsewhere is unchanged, and a test made of
// ands loads no #f of its own.
func TestAndOrAsTests(t *testing.T) {
	forms := []string{"(and a b)", "(or a b)", "(and a b c)", "(or a b c)", "(and a (or b c))", "(or (and a b) c)",
		"(and (or a b) (or b c))", "(or (and a b) (and b c) a)", "(not (and a b))", "(and (not a) b)",
		"(and)", "(or)", "(and a)", "(or c)", "(and a (and b c))", "(or a (or b (and c a)))",
		"(if a b 5)", "(if a b #f)", "(if a #f b)", "(if a #t b)", "(let ((x a)) (if x x b))", "(let ((x a)) (if x b x))"}
	vals := []string{"#f", "#t", "0", "'()"}
	it := New()
	var defs strings.Builder
	defs.WriteString("(define (id x) x)\n")
	for i, f := range forms {
		// h: the form as a test; v: its value tested through a call
		fmt.Fprintf(&defs, "(define (h%d a b c) (if %s 'then 'else))\n", i, f)
		fmt.Fprintf(&defs, "(define (v%d a b c) (if (id %s) 'then 'else))\n", i, f)
		fmt.Fprintf(&defs, "(define (w%d a b c) (list %s))\n", i, f)
	}
	evalOK(t, it, defs.String())
	for i, f := range forms {
		for _, a := range vals {
			for _, b := range vals {
				for _, c := range vals {
					args := a + " " + b + " " + c
					got := WriteString(evalOK(t, it, fmt.Sprintf("(h%d %s)", i, args)))
					want := WriteString(evalOK(t, it, fmt.Sprintf("(v%d %s)", i, args)))
					if got != want {
						t.Errorf("%s with a b c = %s: %s, want %s", f, args, got, want)
					}
				}
			}
		}
	}
	// the values themselves
	check := func(src, want string) {
		t.Helper()
		if got := WriteString(evalOK(t, it, src)); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
	check("(list (w0 1 2 3) (w0 #f 2 3) (w1 #f 2 3) (w1 #f #f #f) (w5 1 #f 3) (w5 1 2 3) (w10 1 2 3) (w11 1 2 3))",
		"((2) (#f) (2) (#f) (3) (2) (#t) (#f))")
	evalOK(t, it, "(define (s x y o) (if (and (eq? x (car o)) (eq? y (cdr o))) o (cons x y)))")
	for _, in := range it.global(Intern("s")).value.(*Closure).proto.code {
		if in.op == opConst {
			t.Errorf("the test of s loads a constant: %v", it.global(Intern("s")).value.(*Closure).proto.code)
		}
	}
	check("(let ((o (cons 1 2))) (list (eq? o (s 1 2 o)) (s 1 3 o) (s 0 2 o)))", "(#t (1 . 3) (0 . 2))")
}
