;; dynamic-wind and parameters: a parameter rebound with parameterize in a
;; loop and read in a callee, nested dynamic-wind whose before/after
;; thunks count entries and exits, and escapes through the winds with
;; call/cc. Prints the parameter sum and the entry/exit counts.
(define depth (make-parameter 0))
(define (read-depth) (depth))
(define (nest k) (if (= k 0) (read-depth) (parameterize ((depth (+ (depth) 1))) (nest (- k 1)))))
(define psum 0)
(do ((i 0 (+ i 1))) ((= i 30000)) (set! psum (+ psum (nest 5))))
(display psum) (newline)
(define ins 0) (define outs 0)
(define (wind k thunk)
  (if (= k 0)
      (thunk)
      (dynamic-wind (lambda () (set! ins (+ ins 1)))
                    (lambda () (wind (- k 1) thunk))
                    (lambda () (set! outs (+ outs 1))))))
(do ((i 0 (+ i 1))) ((= i 20000))
  (call-with-current-continuation
   (lambda (escape) (wind 4 (lambda () (if (odd? i) (escape i) i))))))
(display (list ins outs)) (newline)
