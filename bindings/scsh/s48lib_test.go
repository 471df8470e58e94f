package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// Scheme48's big-util, sorting and queue procedures, as scsh scripts that
// open those structures use them.
func TestScheme48Libraries(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(list (concatenate-symbol 'foo "-" 12) (atom? 1) (atom? '(1)) (neq? 'a 'b) (n= 1 2) (identity 5) (memq? 'b '(a b)) (any? even? '(1 3 4)) (every? odd? '(1 3)) (any? even? '()))`, `(foo-12 #t #f #t #t 5 #t #t #t #f)`},
		{`(list (remove-duplicates '(a b a c b)) (call-with-values (lambda () (partition-list even? '(1 2 3 4))) list) (delq! 'a (list 'a 'b 'a 'c)))`, `((c b a) ((2 4) (1 3)) (b c))`},
		{`(list (sort-list '(3 1 2) <) (sort-list (list (cons 1 'a) (cons 0 'b) (cons 1 'c)) (lambda (x y) (< (car x) (car y)))) (list-merge-sort < '(3 1 2)) (list-merge < '(1 3) '(2 4)))`, `((1 2 3) ((0 . b) (1 . a) (1 . c)) (1 2 3) (1 2 3 4))`},
		{`(list (list-sorted? < '(1 2 2 3)) (list-sorted? < '(2 1)) (vector-sorted? < #(1 2 3)) (vector-sorted? < #(3 1 2) 1) (sorted? #(3 1) <) (sorted? '() <))`, `(#t #f #t #t #f #t)`},
		{`(let ((v (vector 5 3 1 4 2))) (vector-quick-sort! < v 1 4) (list v (vector-heap-sort < #(3 2 1)) (vector-merge < #(1 3) #(2 4)) (sort! (vector 2 1) <) (vector-stable-sort < #(9 8 7 6) 1 3)))`, `(#(5 1 3 4 2) #(1 2 3) #(1 2 3 4) #(1 2) #(7 8))`},
		{`(list (list-delete-neighbor-dups = '(1 1 2 3 3 3 1)) (vector-delete-neighbor-dups eq? #(a a b)) (list-delete-neighbor-dups = '()))`, `((1 2 3 1) #(a b) ())`},
		{`(let ((q (make-queue))) (enqueue! q 1) (enqueue! q 2) (enqueue-many! q '(3 4))
		   (let* ((a (list (queue? q) (queue-length q) (queue-head q) (dequeue! q) (queue->list q) (on-queue? q 3) (delete-from-queue! q 4) (delete-from-queue! q 9) (queue->list q)))
		          (b (list (maybe-dequeue! q) (maybe-dequeue! q) (maybe-dequeue! q) (queue-empty? q) (maybe-queue-head q))))
		     (enqueue! q 'x)
		     (list a b (queue->list q) (queue->list (list->queue '(a b))) (queue? 5))))`, `((#t 4 1 1 (2 3 4) #t #t #f (2 3)) (2 3 #f #t #f) (x) (a b) #f)`},
		{`(let ((q (list->queue '(1 2)))) (empty-queue! q) (enqueue! q 3) (list (queue->list q) (queue-length q)))`, `((3) 1)`},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		v, err := evalScsh(t, it, c.src)
		if err != nil || interp.WriteString(v) != c.want {
			t.Errorf("%s\n = %v (%v), want %s", c.src, v, err, c.want)
		}
	}
	for _, c := range []struct{ src, want string }{
		{`(dequeue! (make-queue))`, "dequeue!: empty queue"},
		{`(queue-head (make-queue))`, "queue-head: empty queue"},
		{`(enqueue! 5 1)`, "enqueue!: argument 1 (queue): expected a queue, got 5"},
		{`(concatenate-symbol 'a #\b)`, `concatenate-symbol: expected a string, symbol or number, got #\b`},
	} {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		_, err := evalScsh(t, it, c.src)
		if err == nil || !strings.Contains(interp.FormatError(err), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}

// Scheme48's unspecific, cells, relinquish-timeslice and pretty printer,
// which scsh scripts open with -o (pp, cells, threads).
func TestS48CellsAndPrettyPrinter(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((c (make-cell 1))) (cell-set! c (+ (cell-ref c) 1)) (list (cell? c) (cell-ref c) (cell? 1)))`, `(#t 2 #f)`, ""},
		{`(begin (relinquish-timeslice) (eq? (unspecific) (if #f #f)))`, `#t`, ""},
		{`(call-with-string-output-port (lambda (o) (pp '(a "b" #\c) o)))`, `"(a \"b\" #\\c)\n"`, ""},
		{`(call-with-string-output-port (lambda (o) (p 'x o)))`, `"x"`, ""},
		// a list longer than the line: one element a line, under the first
		{`(call-with-string-output-port (lambda (o) (pp '(define (f x) (let loop ((i 0) (acc '())) (if (< i x) (loop (+ i 1) (cons (* i i i i) acc)) (reverse acc)))) o)))`,
			`"(define (f x)\n        (let loop\n             ((i 0) (acc '()))\n             (if (< i x) (loop (+ i 1) (cons (* i i i i) acc)) (reverse acc))))\n"`, ""},
		{`(cell-ref 5)`, "", "cell"},
		// dump and restore round-trip through a file, as a marshalling
		// program does (dump/restore)
		{`(let ((f (create-temp-file)) (data (list (vector "a b" 12 'sym) 3.5 "q\"uote" '(1 . 2))))
		   (call-with-output-file f (lambda (o) (dump data (lambda (c) (write-char c o)) -1) (dump 'next (lambda (c) (write-char c o)))))
		   (let ((back (call-with-input-file f (lambda (i) (let* ((a (restore (lambda () (read-char i)))) (b (restore (lambda () (read-char i))))) (list a b))))))
		     (delete-file f)
		     (list (equal? (car back) data) (cadr back))))`, `(#t next)`, ""},
		{`(restore (let ((p (make-string-input-port "x"))) (lambda () (read-char p))))`, "", "not the start of a dump"},
		{`(restore (let ((p (make-string-input-port "5:ab"))) (lambda () (read-char p))))`, "", "ends early"},
	})
}

// Scheme48's make-null-output-port (extended-ports), which SUnet's httpd
// logs to when its log file cannot be opened: writes go nowhere.
func TestNullOutputPort(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((p (make-null-output-port))) (display "gone" p) (write-string "x" p) (force-output p) (list (output-port? p) (close-output-port p)))`, `(#t #!unspecific)`, ""},
	})
}
