;; Continuations captured at every level of a recursion and re-entered
;; later, out of order, from outside the recursion: each must bring back
;; the stack and frames of its own capture (captures share the part of
;; the stack below them that an earlier capture saved).
(define (reentry)
  (let ((ks '()) (count 0) (results '()))
    (define (f n)
      (if (= n 0)
          0
          (let ((v (call-with-current-continuation
                    (lambda (k) (set! ks (cons k ks)) (f (- n 1))))))
            (+ n (* 10 v)))))
    (let ((r (f 4)))
      (set! results (cons r results))
      (set! count (+ count 1))
      (if (< count 5)
          ((list-ref ks (- count 1)) (* 7 count))
          (reverse results)))))
(test (1234 71234 14234 2134 284) (reentry))
(define (reentry2)
  (let ((saved '()) (hs '()))
    (define (h n)
      (if (= n 0)
          (call-with-current-continuation (lambda (k) (set! saved (cons k saved)) 1))
          (let ((x (* n 2)))
            (+ x (call-with-current-continuation (lambda (k) (set! saved (cons k saved)) (h (- n 1))))))))
    (let ((hv (h 5)))
      (set! hs (cons hv hs))
      (if (< (length hs) 6)
          ((list-ref saved (length hs)) (* 100 (length hs)))
          (reverse hs)))))
(test (31 130 228 324 418 510) (reentry2))

;; a loop that captures in tail position runs in constant space
(define (spin n) (if (= n 0) 'done (call-with-current-continuation (lambda (k) (spin (- n 1))))))
(test done (spin 100000))
;; an escape from deep inside, then a capture at a shallower depth
(define (deep n k) (if (= n 0) (k 'out) (+ 1 (deep (- n 1) k))))
(test (out 7)
      (let* ((a (call-with-current-continuation (lambda (k) (deep 50 k))))
             (b (call-with-current-continuation (lambda (k) (+ 3 (k 7))))))
        (list a b)))
