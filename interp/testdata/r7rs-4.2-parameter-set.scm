;; A parameter object called with one argument sets its binding in force
;; to the converted value (SRFI 39; R7RS leaves the call unspecified)
(define radix (make-parameter 10 (lambda (x) (if (string? x) (string->number x) x))))
(radix 2)
(test 2 (radix))
(radix "20")
(test 20 (radix))
;; inside parameterize, the set changes that binding only
(test (7 20) (let ((inner (parameterize ((radix 5)) (radix "7") (radix))))
               (list inner (radix))))
(define plain (make-parameter 'a))
(plain 'b)
(test b (plain))
(test-error "expected 0 or 1 arguments, got 2" (plain 1 2))
;; the converter's errors are the caller's
(define checked (make-parameter 1 (lambda (x) (if (integer? x) x (error "not an integer" x)))))
(test-error "not an integer" (checked 'no) 16)
(test 1 (checked))
