(define included-value 17)
(define (included-fn x) (* x 2))
