package interp

import (
	"fmt"
	"math"
	"testing"
)

// The VM's arithmetic boxes fixnums beyond fixnum's table in blocks
// (boxLarge): every form of + and - and * that makes one gives the
// right number, each box keeps its own number once the block moves on,
// the numbers at the table's edges and past the fixnum range are right,
// and boxes made by several threads in turn do not mix.
func TestLargeFixnumBoxes(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define big 5000000000)
(define (collect n f)
  (let loop ((i 0) (acc '()))
    (if (= i n) (reverse acc) (loop (+ i 1) (cons (f i) acc)))))
(define (forms i)
  (let ((b (+ big i)) (k 3))
    (list (+ b i) (- b i) (* b 1) (* i 100000000) (+ b 1) (- b 1) (+ (car (list b)) 7) (- (car (list b)) 7)
          (+ i (* k big)) (- (* k big) i))))`)
	v := evalOK(t, it, "(collect 100 forms)")
	rows, ok := ListToSlice(v)
	if !ok || len(rows) != 100 {
		t.Fatalf("collect: %s", WriteString(v))
	}
	const big = 5000000000
	for i, r := range rows {
		b := big + i
		want := fmt.Sprint([]int{b + i, b - i, b, i * 100000000, b + 1, b - 1, b + 7, b - 7, i + 3*big, 3*big - i})
		got, _ := ListToSlice(r)
		if fmt.Sprint(got) != want {
			t.Errorf("row %d: %v, want %s", i, got, want)
		}
	}
	edges := []struct{ src, want string }{
		{fmt.Sprintf("(let ((x %d)) (list (+ x 1) (+ x 0) (- x -1)))", fixHigh-1), fmt.Sprintf("(%d %d %d)", fixHigh, fixHigh-1, fixHigh)},
		{fmt.Sprintf("(let ((x %d)) (list (- x 1) (+ x 0) (+ x -1)))", fixLow), fmt.Sprintf("(%d %d %d)", fixLow-1, fixLow, fixLow-1)},
		{fmt.Sprintf("(let ((x %d)) (list (+ x 1) (- x 1) (* x 1)))", math.MaxInt), fmt.Sprintf("(%d %d %d)", uint64(math.MaxInt)+1, math.MaxInt-1, math.MaxInt)},
		{"(let ((x 4611686018427387904) (y 3)) (list (* x y) (exact? (* x y)) (eqv? (+ x 1) (+ x 1)) (= (+ x 1) (+ 1 x))))", "(13835058055282163712 #t #t #t)"},
	}
	for _, e := range edges {
		if got := WriteString(evalOK(t, it, e.src)); got != e.want {
			t.Errorf("%s = %s, want %s", e.src, got, e.want)
		}
	}
	// two threads box in turn (each yields between steps): each keeps
	// its numbers
	got := WriteString(evalOK(t, it, `
(define (worker base)
  (lambda ()
    (let loop ((i 0) (acc '()))
      (if (= i 200)
          acc
          (begin (if (= 0 (remainder i 5)) (thread-yield!))
                 (loop (+ i 1) (cons (+ base i) acc)))))))
(define (ok? l base)
  (let loop ((l l) (i 199))
    (or (null? l) (and (= (car l) (+ base i)) (loop (cdr l) (- i 1))))))
(let ((a (make-thread (worker 7000000000))) (b (make-thread (worker 9000000000))))
  (thread-start! a) (thread-start! b)
  (list (ok? (thread-join! a) 7000000000) (ok? (thread-join! b) 9000000000)))`))
	if got != "(#t #t)" {
		t.Errorf("threads' boxes: %s", got)
	}
}

// The procedures of define-record-type, which the VM runs itself
// (recordOp): the right answers in every call position, fields a
// constructor leaves out are #f, records of more fields than a block
// holds, and a record of another type (or no record) is the same error
// as from the primitive, which a handler catches.
func TestRecordOpsInVM(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y) (tag point-tag))
(define-record-type wide (make-wide a g) wide? (a wide-a) (b wide-b) (c wide-c) (d wide-d) (e wide-e) (f wide-f) (g wide-g set-wide-g!))
(define-record-type other (make-other x) other? (x other-x))
(define (tail-x p) (point-x p))
(define (err thunk) (guard (e (#t (condition/report-string e))) (thunk)))`)
	check := evalChecker(t, it)
	check("(let ((p (make-point 1 2))) (set-point-x! p 10) (list (point-x p) (point-y p) (point-tag p) (tail-x p) (point? p) (point? 5) (point? (make-other 1))))",
		"(10 2 #f 10 #t #f #f)")
	check("(let ((w (make-wide 1 7))) (set-wide-g! w 8) (list (wide-a w) (wide-b w) (wide-f w) (wide-g w) (map point-x (list (make-point 3 4) (make-point 5 6))) (apply point-y (list (make-point 0 9)))))",
		"(1 #f #f 8 (3 5) 9)")
	check("(list (err (lambda () (point-x (make-other 1)))) (err (lambda () (tail-x 5))) (err (lambda () (set-point-x! 'a 1))) (err (lambda () (point-x))))",
		`("point-x: expected a record of type point, got #<record other 1>" "point-x: expected a record of type point, got 5" "set-point-x!: argument 1 (record): expected a record of type point, got a" "point-x: expected 1 argument, got 0")`)
}

// Flonum results of the VM's arithmetic come from blocks (boxFlonum):
// each keeps its own value across blocks, and -0.0, NaN, the infinities
// and the small integers (boxed without allocating) stay what they are.
func TestFlonumBoxes(t *testing.T) {
	it := New()
	evalOK(t, it, `
(define (steps n)
  (let loop ((i 0) (x 0.5) (acc '()))
    (if (= i n)
        (reverse acc)
        (loop (+ i 1) (* x 1.5) (cons (list (+ x 0.25) (- x 0.125) (* x 3.0) (/ x 4.0)) acc)))))`)
	v := evalOK(t, it, "(steps 40)")
	rows, _ := ListToSlice(v)
	if len(rows) != 40 {
		t.Fatalf("steps: %s", WriteString(v))
	}
	x := 0.5
	for i, r := range rows {
		want := fmt.Sprint([]float64{x + 0.25, x - 0.125, x * 3.0, x / 4.0})
		got, _ := ListToSlice(r)
		if fmt.Sprint(got) != want {
			t.Errorf("row %d: %v, want %s", i, got, want)
		}
		x *= 1.5
	}
	check := evalChecker(t, it)
	check("(let ((z 0.0) (m -1.0) (i +inf.0)) (list (* z m) (- z 0.0) (+ m 1.0) (- i i) (/ 1.0 z) (/ m z) (* 2.0 3.0) (eqv? (* z m) -0.0) (eqv? (* z m) 0.0)))",
		"(-0.0 0.0 0.0 +nan.0 +inf.0 -inf.0 6.0 #t #f)")
	check("(let ((n (- +inf.0 +inf.0)) (h 0.5)) (list (eq? n n) (= n n) (eqv? (+ h h) 1.0) (exact? (+ h h)) (eqv? (* h 3.0) 1.5)))",
		"(#t #f #t #f #t)")
}
