package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestOpTable checks the opcode table: every opcode has a name, short
// forms point at opcodes whose own row says they take an immediate or a
// local, and every inlined primitive is a built-in whose arity admits the
// inlined call.
func TestOpTable(t *testing.T) {
	it := New()
	names := map[string]opcode{}
	for i, row := range opTable {
		op := opcode(i)
		if row.name == "" {
			t.Errorf("opcode %d has no name", i)
			continue
		}
		if o, dup := names[row.name]; dup {
			t.Errorf("opcodes %d and %d are both named %q", o, op, row.name)
		}
		names[row.name] = op
		if row.imm != opNone && opTable[row.imm].a != oImm {
			t.Errorf("%v: immediate form %v does not take an immediate", op, row.imm)
		}
		if row.local != opNone && opTable[row.local].a != oSlot && opTable[row.local].c != oSlot {
			t.Errorf("%v: local form %v does not take a slot", op, row.local)
		}
		if row.prim == "" {
			continue
		}
		if row.b != oGlobal {
			t.Errorf("%v inlines %s but has no global operand", op, row.prim)
		}
		g := it.global(Intern(row.prim))
		if g.builtin == nil {
			t.Errorf("%v inlines %s, which is not a built-in", op, row.prim)
			continue
		}
		if p := g.builtin; row.arity >= 0 && (row.arity < p.MinArgs || (p.MaxArgs >= 0 && row.arity > p.MaxArgs)) || row.arity < 0 && (p.MinArgs > 0 || p.MaxArgs >= 0) {
			t.Errorf("%v inlines %s with %d arguments, outside its arity", op, row.prim, row.arity)
		}
		if inlineOps[row.prim].op != op {
			t.Errorf("%s is not inlined as %v", row.prim, op)
		}
	}
	for _, name := range []string{"caar", "cdddr", "cadadr"} {
		if op := inlineOps[name]; op.op != opCxr || op.imm == 0 {
			t.Errorf("%s is not inlined as cxr: %+v", name, op)
		}
	}
}

// TestBinaryForms checks every operand form of the binary ops against the
// primitive called through apply, on fixnums, overflowing fixnums,
// flonums, exact non-fixnums and wrong types, and that the compiler chose
// the form.
func TestBinaryForms(t *testing.T) {
	vals := []string{"7", "-3", "0", "4611686018427387903", "2.5", "-0.0", "+nan.0", "1/3",
		"100000000000000000000", "'x", "\"s\"", "#(10 20 30)", "'(1 . 2)", "#\\a"}
	forms := []struct {
		form binForm
		def  string // defines f of a and b; K is the second operand as a literal
	}{
		{binLL, "(define (f a b) (OP a b))"},
		{binLK, "(define (f a b) (OP a K))"},
		{binLV, "(define (f a b) (OP a (id b)))"},
		{binVL, "(define (f a b) (OP (id a) b))"},
		{binVK, "(define (f a b) (OP (id a) K))"},
		{binLK, "(define (f a b) (let ((k K)) (OP a k)))"},
		{binGeneral, "(define (f a b) (OP (id a) (id b)))"},
	}
	outcome := func(it *Interp, src string) string {
		v, err := it.EvalString(context.Background(), src, "t")
		if err != nil {
			e, ok := err.(*ErrorObject)
			if !ok {
				return "error " + err.Error()
			}
			return "error " + e.Who + ": " + e.Message
		}
		return WriteString(v)
	}
	for _, op := range binOps {
		prim := opTable[op].prim
		for _, fm := range forms {
			for _, b := range vals {
				it := New()
				def := strings.ReplaceAll(strings.ReplaceAll(fm.def, "OP", prim), "K", b)
				evalOK(t, it, "(define (id x) x) "+def)
				f := it.global(Intern("f")).value.(*Closure)
				want := opTable[op].bin[fm.form]
				found := false
				for _, in := range f.proto.code {
					found = found || in.op == want && (want == op || in.k == op)
					// a small fixnum constant takes the immediate forms
					if imm := opTable[op].imm; imm != opNone && (fm.form == binLK || fm.form == binVK) {
						found = found || in.op == imm || in.op == opTable[imm].local
					}
				}
				if !found {
					t.Fatalf("%s: no %v instruction", def, want)
				}
				for _, a := range vals {
					call := "(f " + a + " " + b + ")"
					got := outcome(it, call)
					ref := outcome(it, "(apply "+prim+" (list "+a+" "+b+"))")
					if got != ref {
						t.Errorf("%s %s = %s, apply gives %s", def, call, got, ref)
					}
				}
				// a redefined primitive is called instead of the fast path
				evalOK(t, it, "(set! "+prim+" (lambda (a b) (list 'mine a b)))")
				if got, want := outcome(it, "(f 7 "+b+")"), outcome(it, "(list 'mine 7 "+b+")"); got != want {
					t.Errorf("%s after redefining %s: %s, want %s", def, prim, got, want)
				}
			}
		}
	}
}

// TestLetrecGroups checks that procedures bound by internal definitions,
// letrec and named let live unboxed when no closure can see them before
// they are set, and stay boxed (and right) when one can.
func TestLetrecGroups(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define (parity n)
  (define (ev? n) (if (= n 0) #t (od? (- n 1))))
  (define (od? n) (if (= n 0) #f (ev? (- n 1))))
  (list (ev? n) (od? n)))
(define (forward)
  (define (a) (lambda () (b)))
  (define x (a))
  (define (b) 42)
  (x))
(define (mixed)
  (define (a) (+ k (b)))
  (define k 5)
  (define (b) 1)
  (a))
(define (upto n) (let loop ((i 0)) (if (= i n) '() (cons i (loop (+ i 1))))))
(define (rec n)
  (letrec ((ev? (lambda (n) (if (= n 0) #t (od? (- n 1)))))
           (od? (lambda (n) (if (= n 0) #f (ev? (- n 1))))))
    (ev? n)))
(define (again)
  (define k #f)
  (define n 0)
  (define r (call/cc (lambda (c) (set! k c) 0)))
  (define (p) (+ r (q)))
  (define (q) 10)
  (set! n (+ n 1))
  (if (< n 3) (k n) (p)))`)
	for src, want := range map[string]string{
		"(parity 7)":  "(#f #t)",
		"(forward)":   "42",
		"(mixed)":     "6",
		"(upto 5)":    "(0 1 2 3 4)",
		"(rec 9)":     "#f",
		"(again)":     "12",
		"(parity 10)": "(#t #f)",
	} {
		if got := evalT(t, it, src); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
	// which procedures hold boxes
	boxes := func(name string) int {
		var count func(p *Proto) int
		count = func(p *Proto) int {
			k := 0
			for _, in := range p.code {
				switch in.op {
				case opBox, opBoxNew, opLocalBox, opFreeBox, opSetLocalBox, opSetFreeBox:
					k++
				}
			}
			for _, c := range p.protos {
				k += count(c)
			}
			return k
		}
		return count(it.global(Intern(name)).value.(*Closure).proto)
	}
	for _, name := range []string{"parity", "upto", "rec", "mixed"} {
		if k := boxes(name); k != 0 {
			t.Errorf("%s: %d box instructions, want none", name, k)
		}
	}
	if boxes("forward") == 0 {
		t.Error("forward: b is seen by a closure made before it is set, but has no box")
	}
}

// TestRecordSizes makes records of 0 to 8 fields (kept with the record in
// one allocation up to six), reads every field, sets it, reads it again.
func TestRecordSizes(t *testing.T) {
	for n := 0; n <= 8; n++ {
		it := New()
		var fields, specs, args, reads, sets strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&fields, " f%d", i)
			fmt.Fprintf(&specs, " (f%d get%d set%d!)", i, i, i)
			fmt.Fprintf(&args, " %d", i*10)
			fmt.Fprintf(&reads, " (get%d r)", i)
			fmt.Fprintf(&sets, " (set%d! r (+ 1 (get%d r)))", i, i)
		}
		src := fmt.Sprintf("(define-record-type thing (make-thing%s) thing?%s)"+
			" (define r (make-thing%s)) (define before (list%s)) (begin #t%s) (list (thing? r) before (list%s))",
			fields.String(), specs.String(), args.String(), reads.String(), sets.String(), reads.String())
		var want strings.Builder
		want.WriteString("(#t (")
		for i := 0; i < n; i++ {
			if i > 0 {
				want.WriteString(" ")
			}
			fmt.Fprintf(&want, "%d", i*10)
		}
		want.WriteString(") (")
		for i := 0; i < n; i++ {
			if i > 0 {
				want.WriteString(" ")
			}
			fmt.Fprintf(&want, "%d", i*10+1)
		}
		want.WriteString("))")
		if got := evalT(t, it, src); got != want.String() {
			t.Errorf("%d fields: %s, want %s", n, got, want.String())
		}
	}
}

// TestOrForm checks or compiled as a jump on a true value: its values,
// the evaluation stopping at the first true operand, tail calls through
// its last operand, and that the jump is used.
func TestOrForm(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define n 0)
(define (bump!) (set! n (+ n 1)) #f)
(define (first-true a b c) (or a b c))
(define (stops) (or (bump!) 7 (bump!)))
(define (count-down k) (or (= k 0) (count-down (- k 1))))
(define (inside k) (if (or (< k 0) (> k 9)) 'out 'in))`)
	for src, want := range map[string]string{
		"(first-true #f #f #f)":       "#f",
		"(first-true #f 0 1)":         "0",
		"(first-true '() #f #f)":      "()",
		"(list (stops) n)":            "(7 1)",
		"(count-down 1000000)":        "#t",
		"(map inside '(-1 0 5 9 10))": "(out in in in out)",
	} {
		if got := evalT(t, it, src); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
	found := false
	for _, in := range it.global(Intern("first-true")).value.(*Closure).proto.code {
		found = found || in.op == opJumpTrue
	}
	if !found {
		t.Error("or does not compile to jump-true")
	}
}

// TestCxrLocal checks caar ... cddddr applied to a local variable: the
// value, the primitive's error on a bad argument, and the instruction.
func TestCxrLocal(t *testing.T) {
	it := New()
	evalOK(t, it, "(define (f x) (caddr x)) (define (g x) (cdar x))")
	if got := evalT(t, it, "(list (f '(1 2 3 4)) (g '((a . b))))"); got != "(3 b)" {
		t.Errorf("cxr of a local: %s", got)
	}
	_, err := it.EvalString(context.Background(), "(f '(1 2))", "t")
	if e, ok := err.(*ErrorObject); !ok || e.Who != "caddr" {
		t.Errorf("(caddr '(1 2)): error %v, want one from caddr", err)
	}
	found := false
	for _, in := range it.global(Intern("f")).value.(*Closure).proto.code {
		found = found || in.op == opCxrL
	}
	if !found {
		t.Error("caddr of a local does not compile to cxr-local")
	}
}

// TestCallForms checks the calls whose procedure is in a local or free
// variable or a global, with the last argument pushed or in val, against
// the same calls through a computed procedure (the general call): their
// values, arity errors, calls of non-procedures and error positions.
func TestCallForms(t *testing.T) {
	defs := []struct {
		def  string
		want opcode
	}{
		{"(define (f p a b) (p a b))", opTailCallL},
		{"(define (f p a b) (p a (id b)))", opTailCallL},
		{"(define (f p a b) (list (p a (id b))))", opCallL},
		{"(define (f p a b) ((lambda () (p a (id b)))))", opTailCallF},
		{"(define (f p a b) ((lambda () (list (p (id a) b)))))", opCallF},
		{"(define (f p a b) (set! g p) (g a (id b)))", opTailCallG},
		{"(define (f p a b) (set! g p) (list (g a (id b))))", opCallG},
	}
	general := "(define (f p a b) ((id p) a b))"
	procs := []string{"+", "cons", "(lambda (x y) (list y x))", "(lambda (x) x)", "(lambda args args)",
		"(lambda (x y z) x)", "5", "'sym", "car"}
	outcome := func(it *Interp, src string) string {
		v, err := it.EvalString(context.Background(), src, "t")
		if err != nil {
			e, ok := err.(*ErrorObject)
			if !ok {
				return "error " + err.Error()
			}
			return fmt.Sprintf("error %s: %s (line %d)", e.Who, e.Message, e.Pos.Line)
		}
		return WriteString(v)
	}
	for _, d := range defs {
		it := New()
		ref := New()
		evalOK(t, it, "(define (id x) x) (define g #f) "+d.def)
		evalOK(t, ref, "(define (id x) x) (define g #f) "+general)
		found := false
		for p := []*Proto{it.global(Intern("f")).value.(*Closure).proto}; len(p) > 0; {
			{
				q := p[0]
				p = append(p[1:], q.protos...)
				last := int32(0)
				if strings.Contains(d.def, "(id b)") {
					last = 1
				}
				for _, in := range q.code {
					found = found || in.op == d.want && in.c == last
				}
			}
		}
		if !found {
			t.Errorf("%s: no %v instruction", d.def, d.want)
		}
		for _, p := range procs {
			call := "(f " + p + " 1 2)"
			got, want := outcome(it, call), outcome(ref, call)
			if strings.Contains(d.def, "list") && !strings.HasPrefix(want, "error") {
				want = "(" + want + ")"
			}
			if got != want {
				t.Errorf("%s %s = %s, the general call gives %s", d.def, call, got, want)
			}
		}
	}
}

// TestFusedTests checks the tests that take the jump of an if, through a
// not, at once: the same answers as the primitives, and the
// redefined not called instead once it is redefined.
func TestFusedTests(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define (f a b) (if (not (< a b)) 'ge 'lt))
(define (g a b) (list (not (< a b))))
(define (h l) (if (not (null? l)) 'pair 'null))
(define (k x) (if (not (not x)) 'yes 'no))`)
	check := evalChecker(t, it)
	check("(list (f 1 2) (f 2 1) (f 2 2) (f 1.5 2) (f 2 +nan.0))", "(lt ge ge lt ge)")
	check("(list (g 1 2) (g 2 1))", "((#f) (#t))")
	check("(list (h '()) (h '(1)) (k #f) (k 0))", "(null pair no yes)")
	evalOK(t, it, "(set! not (lambda (x) (if x 'nope 'yes)))")
	check("(list (f 1 2) (f 2 1))", "(ge ge)")
	check("(list (g 1 2) (g 2 1))", "((nope) (yes))")
	check("(list (h '()) (h '(1)))", "(pair pair)")
}

// TestFusedPush checks the ops that push their result themselves when a
// push follows: the fast path and the slow one (the primitive, or a
// procedure that replaced it) give the same list.
func TestFusedPush(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define (f l n) (list (car l) (cdr l) (cadr l) (- n 1) (+ n 1)))
(define (g l n) (let ((m n) (p l)) (list (car (id p)) (cdr (id p)) (caddr (id p)) (- (id m) 1) (+ (id m) 1))))
(define (id x) x)
(define (r l a b) (if (pair? l) (cdr l) (if (= a 0) (cons a b) (if (= a 1) (* (id a) b) (+ a b)))))`)
	for name, then := range map[string]uint8{"f": thenPush, "g": thenPush, "r": thenReturn} {
		found := false
		for _, in := range it.global(Intern(name)).value.(*Closure).proto.code {
			found = found || fuses(in) && in.then == then
		}
		if !found {
			t.Fatalf("no op of %s has then = %d", name, then)
		}
	}
	check := evalChecker(t, it)
	check("(f '(1 2 3) 10)", "(1 (2 3) 2 9 11)")
	check("(g '(1 2 3) 10)", "(1 (2 3) 3 9 11)")
	check("(f '(1 2 3) 1.5)", "(1 (2 3) 2 0.5 2.5)")
	check("(f '(1 2 3) 4611686018427387903)", "(1 (2 3) 2 4611686018427387902 4611686018427387904)")
	check("(g '(1 2 3) -4611686018427387904)", "(1 (2 3) 3 -4611686018427387905 -4611686018427387903)")
	check("(list (r '(1 2) 0 0) (r 0 0 5) (r 0 1 5) (r 0 1 2.5) (r 0 2 3) (r 0 2 0.5) (r 0 4611686018427387903 1))",
		"((2) (0 . 5) 5 2.5 5 2.5 4611686018427387904)")
	evalOK(t, it, "(set! - (lambda (a b) (list 'minus a b))) (set! car (lambda (p) 'mycar)) (set! caddr (lambda (p) 'my3))")

	check("(f '(1 2 3) 10)", "(mycar (2 3) 2 (minus 10 1) 11)")
	check("(g '(1 2 3) 10)", "(mycar (2 3) my3 (minus 10 1) 11)")
	evalOK(t, it, "(set! + (lambda (a b) (list 'plus a b))) (set! cons (lambda (a b) (list 'cons a b))) (set! cdr (lambda (p) 'mycdr))")
	check("(list (r '(1 2) 0 0) (r 0 0 5) (r 0 2 3))", "(mycdr (cons 0 5) (plus 2 3))")
}
