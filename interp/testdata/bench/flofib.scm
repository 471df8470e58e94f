;; Inexact recursion and counting: the doubly recursive Fibonacci function
;; on flonums (every argument and result an integral flonum), and a sum of
;; square roots over an inexact counter whose step and bound are let-bound
;; constants. Prints both results.
(define (ffib n)
  (if (< n 2.)
      n
      (+ (ffib (- n 1.)) (ffib (- n 2.)))))
(define (root-sum n)
  (let ((step .5) (limit n))
    (let loop ((x 0.) (acc 0.))
      (if (> x limit)
          acc
          (loop (+ x step) (+ acc (sqrt x)))))))
(display (ffib 27.)) (newline)
(display (round (root-sum 200000.))) (newline)
