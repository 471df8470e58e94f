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
	check := evalChecker(t, it)
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

// A call of the built-in list is one instruction (opList) for up to
// maxInlineList values: every count, in tail, argument and plain
// position, gives a fresh list of its values, and once list is redefined
// the calls compiled before call the new procedure.
func TestInlineList(t *testing.T) {
	it := New()
	var defs, call strings.Builder
	for n := 0; n <= maxInlineList+1; n++ {
		var args []string
		for i := 0; i < n; i++ {
			args = append(args, fmt.Sprintf("(+ x %d)", i))
		}
		a := strings.Join(args, " ")
		fmt.Fprintf(&defs, "(define (t%d x) (list %s))\n(define (p%d x) (length (list %s)))\n(define (v%d x) (let ((l (list %s))) (set-car! (list 0) 1) l))\n", n, a, n, a, n, a)
		fmt.Fprintf(&call, " (t%d 10) (p%d 10) (v%d 10)", n, n, n)
	}
	evalOK(t, it, defs.String())
	code := it.global(Intern("t3")).value.(*Closure).proto.code
	if in := code[len(code)-2]; in.op != opList || in.then != thenReturn || in.a != 3 {
		t.Errorf("(list a b c) in tail position: %v", code)
	}
	var want strings.Builder
	for n := 0; n <= maxInlineList+1; n++ {
		var l []string
		for i := 0; i < n; i++ {
			l = append(l, fmt.Sprint(10+i))
		}
		s := "(" + strings.Join(l, " ") + ")"
		fmt.Fprintf(&want, " %s %d %s", s, n, s)
	}
	if got := WriteString(evalOK(t, it, "(list"+call.String()+")")); got != "("+want.String()[1:]+")" {
		t.Errorf("lists: %s\nwant (%s)", got, want.String()[1:])
	}
	if got := WriteString(evalOK(t, it, "(let ((a (t2 0)) (b (t2 0))) (list (eq? a b) (equal? a b)))")); got != "(#f #t)" {
		t.Errorf("two calls share their list: %s", got)
	}
	evalOK(t, it, "(set! list (lambda args (cons 'mine args)))")
	if got := WriteString(evalOK(t, it, "(cons (t2 1) (p2 1))")); got != "((mine 1 2) . 3)" {
		t.Errorf("after redefining list: %s", got)
	}
}

// map over one list makes its first elements by recursion and the rest
// by a loop: both give the list in order, with f applied from the first
// element on, and re-entering a continuation captured inside f (in
// either part) makes a new result without changing the earlier ones.
func TestMapParts(t *testing.T) {
	it := New()
	check := evalChecker(t, it)
	check("(let ((order '())) (let ((r (map (lambda (x) (set! order (cons x order)) (* x x)) '(1 2 3)))) (list r (reverse order))))",
		"((1 4 9) (1 2 3))")
	check("(let* ((l (let loop ((i 199) (acc '())) (if (< i 0) acc (loop (- i 1) (cons i acc))))) (order '()) (r (map (lambda (x) (set! order (cons x order)) (+ x 1)) l))) (list (length r) (car r) (list-ref r 63) (list-ref r 64) (list-ref r 199) (equal? (reverse order) l)))",
		"(200 1 64 65 200 #t)")
	check("(map (lambda (x) x) '(1 2 . 3))", "(1 2)")
	for _, at := range []int{2, 100} {
		src := fmt.Sprintf(`(let ((k* #f) (n 0) (results '()))
  (let ((r (map (lambda (x) (call/cc (lambda (k) (if (= x %d) (set! k* k)) x)))
                (let loop ((i 120) (acc '())) (if (= i 0) acc (loop (- i 1) (cons i acc)))))))
    (set! results (cons r results))
    (set! n (+ n 1))
    (if (< n 3) (k* (* n 1000)))
    (map (lambda (r) (list (list-ref r 0) (list-ref r %d) (list-ref r 119) (length r))) results)))`, at, at-1)
		check(src, fmt.Sprintf("((1 2000 120 120) (1 1000 120 120) (1 %d 120 120))", at))
	}
}

// The loads of a global, a boxed local or free variable, a closure and a
// vector element push or return their value themselves when a push or a
// return follows (instr.then): the same values as the separate
// instructions, and vector-ref's slow path (a redefined vector-ref, an
// index out of range) returns to the push it skipped.
func TestFusedLoads(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define g 7)
(define (loads v i)
  (let ((b 1))
    (set! b (+ b 1))
    (list g b (vector-ref v i) ((lambda () (set! b (+ b 1)) b)) ((lambda (x) x) 5) (let ((k (lambda (y) (+ y b)))) (k 1)) (vector-ref v (+ i 1)))))
(define (ret-g) g)
(define (ret-box) (let ((b 1)) (set! b 9) b))
(define (ret-clo) (lambda () 3))
(define (ret-ref v i) (vector-ref v i))
(define (arg-ref v i) (cons (vector-ref v i) 'end))`)
	found := map[opcode]uint8{}
	for _, name := range []string{"loads", "ret-g", "ret-box", "ret-clo", "ret-ref", "arg-ref"} {
		for _, in := range it.global(Intern(name)).value.(*Closure).proto.code {
			op := in.op
			if op >= opBinLL && op <= opBinVK {
				op = in.k
			}
			found[op] |= 1 << in.then
		}
	}
	for _, op := range []opcode{opGlobal, opLocalBox, opClosure, opVectorRef} {
		if found[op]&(1<<thenPush) == 0 || found[op]&(1<<thenReturn) == 0 {
			t.Errorf("%v: pushes and returns fused %b, want both", op, found[op])
		}
	}
	check := evalChecker(t, it)
	check("(list (loads (vector 'a 'b 'c) 1) (ret-g) (ret-box) ((ret-clo)) (ret-ref (vector 1 2) 1) (arg-ref (vector 1 2) 0))",
		"((7 2 b 3 5 4 c) 7 9 3 2 (1 . end))")
	check("(guard (e (#t (condition/report-string e))) (arg-ref (vector 1) 5))", `"vector-ref: argument 2 (k): index 5 is out of range for a vector of length 1"`)
	evalOK(t, it, "(set! vector-ref (lambda (v i) (list 'ref i)))")
	check("(list (loads (vector 'a 'b 'c) 1) (ret-ref (vector 1 2) 1) (arg-ref (vector 1 2) 0))",
		"((7 2 (ref 1) 3 5 4 (ref 2)) (ref 1) ((ref 0) . end))")
}
