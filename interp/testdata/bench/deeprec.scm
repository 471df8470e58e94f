;; Deep non-tail recursion and continuations: a recursive (not tail
;; recursive) list copy and sum over 200000 elements, done 5 times; then a
;; search that escapes with call/cc from the depth of a recursive tree
;; walk, and a continuation captured at every level of a recursive
;; computation (each call returns through its own continuation).
(define (iota* n) (let loop ((i n) (l '())) (if (= i 0) l (loop (- i 1) (cons i l)))))
(define (copy l) (if (null? l) '() (cons (car l) (copy (cdr l)))))
(define (sum l) (if (null? l) 0 (+ (car l) (sum (cdr l)))))
(define big (iota* 200000))
(define total 0)
(do ((i 0 (+ i 1))) ((= i 5)) (set! total (+ total (sum (copy big)))))
(display total) (newline)
(define (tree depth) (if (= depth 0) '() (cons (tree (- depth 1)) (tree (- depth 1)))))
(define (find-depth t want)
  (call-with-current-continuation
   (lambda (return)
     (let walk ((t t) (d 0))
       (if (= d want) (return d))
       (if (pair? t) (begin (walk (car t) (+ d 1)) (walk (cdr t) (+ d 1))))
       #f))))
(define t (tree 14))
(define found 0)
(do ((i 0 (+ i 1))) ((= i 20000)) (set! found (+ found (find-depth t 12))))
(display found) (newline)
(define (ctak-like x y z)
  (call-with-current-continuation
   (lambda (k)
     (if (not (< y x))
         (k z)
         (ctak-like (ctak-like (- x 1) y z)
                    (ctak-like (- y 1) z x)
                    (ctak-like (- z 1) x y))))))
(display (ctak-like 18 12 6)) (newline)
