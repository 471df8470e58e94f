(define loaded-value 'loaded)

(define (loaded-fails) (car 'not-a-pair))
