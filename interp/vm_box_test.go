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
