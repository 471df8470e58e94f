;; Bignums: digits of e from the series sum 1/k! scaled by 10^4000 (exact
;; integer division of a growing numerator), the square root of 2 to 4000
;; digits by integer Newton iteration, and 1000! — printed as digit sums
;; and lengths so that the output stays short.
(define (digit-sum n) (let loop ((n n) (s 0)) (if (= n 0) s (loop (quotient n 10) (+ s (remainder n 10))))))
(define (digits n) (string-length (number->string n)))
(define scale (expt 10 4000))
(define (e-scaled)
  (let loop ((k 1) (term scale) (sum scale))
    (if (= term 0) sum (let ((t (quotient term k))) (loop (+ k 1) t (+ sum t))))))
(define (isqrt n)
  (let loop ((x (expt 10 (quotient (+ (digits n) 1) 2))))
    (let ((y (quotient (+ x (quotient n x)) 2)))
      (if (>= y x) x (loop y)))))
(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))
(define e 0) (define r2 0) (define f 0)
(do ((i 0 (+ i 1))) ((= i 10))
  (set! e (e-scaled)) (set! r2 (isqrt (* 2 scale scale))) (set! f (fact 1000)))
(display (digit-sum e)) (newline)
(display (digit-sum r2)) (newline)
(display (list (digits f) (digit-sum f))) (newline)
