package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// SRFI 69 hash tables: each equivalence finds keys as it should, the
// entries come back in the order they were added, updates and deletes
// hold over many keys, and the hashes agree with their equivalences.
func TestHashTables(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(let ((h (make-hash-table))) (hash-table-set! h (list 1 2) 'a) (hash-table-set! h "s" 'b) (hash-table-set! h 3 'c)
		   (list (hash-table-ref h (list 1 2)) (hash-table-ref/default h (string-copy "s") 'none) (hash-table-ref/default h 4 'none) (hash-table-size h)))`, `(a b none 3)`},
		{`(let ((h (make-hash-table))) (hash-table-set! h 'x 1) (hash-table-set! h 'y 2) (hash-table-set! h 'x 3) (hash-table-delete! h 'y) (hash-table-set! h 'z 4)
		   (list (hash-table->alist h) (hash-table-keys h) (hash-table-values h) (hash-table-exists? h 'y) (hash-table-contains? h 'z)))`, `(((x . 3) (z . 4)) (x z) (3 4) #f #t)`},
		{`(let ((h (make-hash-table eq?)) (k (list 1))) (hash-table-set! h k 'k) (list (hash-table-ref/default h k #f) (hash-table-ref/default h (list 1) #f)))`, `(k #f)`},
		{`(let ((h (make-hash-table eqv?))) (hash-table-set! h 100000000000000000000 'big) (hash-table-set! h 1.5 'f) (list (hash-table-ref/default h (* 10000000000 10000000000) #f) (hash-table-ref/default h (/ 3. 2) #f) (hash-table-ref/default h (string #\a) #f)))`, `(big f #f)`},
		{`(let ((h (make-hash-table string-ci=?))) (hash-table-set! h "Hello" 1) (list (hash-table-ref/default h "hELLO" #f) (hash-table-ref/default h "help" #f)))`, `(1 #f)`},
		{`(let ((h (make-hash-table (lambda (a b) (= (modulo a 10) (modulo b 10))) (lambda (x . _) (modulo x 10)))))
		   (hash-table-set! h 13 'x) (list (hash-table-ref/default h 23 #f) (hash-table-ref h 99 (lambda () 'missing)) (hash-table-ref h 3 (lambda () 'missing) (lambda (v) (list 'found v)))))`, `(x missing (found x))`},
		{`(let ((h (make-hash-table))) (hash-table-update! h 'n (lambda (v) (+ v 1)) (lambda () 10)) (hash-table-update!/default h 'm (lambda (v) (cons 'x v)) '()) (hash-table-update!/default h 'm (lambda (v) (cons 'y v)) '())
		   (list (hash-table-ref h 'n) (hash-table-ref h 'm) (hash-table-fold h (lambda (k v acc) (cons k acc)) '())))`, `(11 (y x) (m n))`},
		{`(let* ((a (alist->hash-table '((a . 1) (b . 2) (a . 3)) eq?)) (c (hash-table-copy a))) (hash-table-set! c 'z 26)
		   (list (hash-table-ref a 'a) (hash-table-size a) (hash-table-size c) (hash-table-size (hash-table-merge! a c)) (hash-table? a) (hash-table? 5)
		         (eq? (hash-table-equivalence-function a) eq?) (eq? (hash-table-hash-function a) hash-by-identity)))`, `(1 2 3 3 #t #f #t #t)`},
		{`(let ((h (make-hash-table)) (acc '())) (hash-table-set! h 1 'one) (hash-table-set! h 2 'two) (hash-table-walk h (lambda (k v) (set! acc (cons (list k v) acc)) (hash-table-delete! h 2))) acc)`, `((2 two) (1 one))`},
		{`(let ((h (make-hash-table))) (do ((i 0 (+ i 1))) ((= i 10000)) (hash-table-set! h i (* i i))) (do ((i 0 (+ i 2))) ((>= i 10000)) (hash-table-delete! h i))
		   (list (hash-table-size h) (hash-table-ref h 9999) (length (hash-table-keys h)) (hash-table-ref/default h 5000 'gone)))`, `(5000 99980001 5000 gone)`},
		{`(list (= (hash (list 1 "x" (vector 2))) (hash (list 1 (string-copy "x") (vector 2)))) (< -1 (hash 'abc 10) 10) (= (string-ci-hash "AbC") (string-ci-hash "abc")) (= (hash-by-identity 7) (hash-by-identity 7)))`, `(#t #t #t #t)`},
		{`(let ((l (list 1 2))) (set-cdr! (cdr l) l) (let ((h (make-hash-table))) (hash-table-set! h l 'cyclic) (hash-table-ref h l)))`, `cyclic`},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		v, err := evalScsh(t, it, c.src)
		if err != nil || interp.WriteString(v) != c.want {
			t.Errorf("%s\n = %v (%v), want %s", c.src, v, err, c.want)
		}
	}
	errs := []struct{ src, want string }{
		{`(hash-table-ref (make-hash-table) 'nope)`, "hash-table-ref: no such key nope"},
		{`(hash-table-update! (make-hash-table) 'nope (lambda (x) x))`, "hash-table-update!: no such key nope"},
		{`(hash-table-set! 5 1 2)`, "hash-table-set!: argument 1 (table): expected a hash table, got 5"},
		{`(make-hash-table 5)`, "make-hash-table: argument 1 (equiv): expected a procedure, got 5"},
		{`(hash-table-set! (make-hash-table string=?) 'sym 1)`, "hash-table-set!: argument 2 (key): expected a string, got sym"},
		{`(hash 1 0)`, "hash: argument 2 (bound): expected a positive exact integer, got 0"},
		{`(hash-table-set! (make-hash-table = (lambda (x) -1)) 1 2)`, "the hash procedure returned something other than a non-negative exact integer"},
	}
	for _, c := range errs {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		_, err := evalScsh(t, it, c.src)
		if err == nil || !strings.Contains(interp.FormatError(err), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}
