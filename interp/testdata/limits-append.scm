;; string-append, vector-append and bytevector-append refuse a result over the
;; allocation caps (a doubling loop must not grow to the machine's memory).
;; The length is checked before anything is allocated.
(define s (make-string 1048576 #\a))
(test-error "string-append: result length 269484032 is too large \\(at most 268435456\\)" (apply string-append (make-list 257 s)))
(test 3145728 (string-length (apply string-append (make-list 3 s))))
(define v (make-vector 1048576 0))
(test-error "vector-append: result length 68157440 is too large \\(at most 67108864\\)" (apply vector-append (make-list 65 v)))
(test 2097152 (vector-length (vector-append v v)))
(define b (make-bytevector 1048576 0))
(test-error "bytevector-append: result length 1074790400 is too large \\(at most 1073741824\\)" (apply bytevector-append (make-list 1025 b)))
(test 2097152 (bytevector-length (bytevector-append b b)))
(test "caught" (guard (e ((error-object? e) "caught")) (apply string-append (make-list 300 s))))
