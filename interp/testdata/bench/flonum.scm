;; Flonum loops: Simpson's rule for the integral of 4/(1+x^2) over [0,1]
;; (pi) with 200000 intervals, and escape-time counts of a 60x60 grid of
;; points of the complex plane (real arithmetic only). Prints the integral
;; rounded to 10 decimals and the total iteration count.
(define (simpson f a b n)
  (let ((h (/ (- b a) n)))
    (let loop ((i 1) (acc (+ (f a) (f b))))
      (if (= i n)
          (* (/ h 3.) acc)
          (loop (+ i 1) (+ acc (* (if (odd? i) 4. 2.) (f (+ a (* i h))))))))))
(define (integrand x) (/ 4. (+ 1. (* x x))))
(define (escape cr ci limit)
  (let loop ((zr 0.) (zi 0.) (k 0))
    (if (or (= k limit) (> (+ (* zr zr) (* zi zi)) 4.))
        k
        (loop (+ (- (* zr zr) (* zi zi)) cr) (+ (* 2. zr zi) ci) (+ k 1)))))
(define (grid n limit)
  (let rows ((y 0) (total 0))
    (if (= y n)
        total
        (let cols ((x 0) (total total))
          (if (= x n)
              (rows (+ y 1) total)
              (cols (+ x 1)
                    (+ total (escape (- (* 3. (/ x n)) 2.) (- (* 2.4 (/ y n)) 1.2) limit))))))))
(display (/ (round (* 1e10 (simpson integrand 0. 1. 200000))) 1e10)) (newline)
(display (grid 60 200)) (newline)
