;; QA Q6: a huge allocation request is a Scheme error (catchable), never a
;; Go out-of-memory crash.
(test-error "make-vector: length 10000000000 is too large \\(at most 67108864\\)" (make-vector 10000000000))
(test-error "make-string: length 10000000000 is too large" (make-string 10000000000 #\a))
(test-error "make-bytevector: length 100000000000000000000000 is too large" (make-bytevector 100000000000000000000000))
(test-error "make-list: length 10000000000 is too large" (make-list 10000000000 0))
(test-error "make-vector: expected a non-negative exact integer, got -1" (make-vector -1))
(test "caught" (guard (e ((error-object? e) "caught")) (make-vector 100000000)))
(test 3 (vector-length (make-vector 3)))
(test 67108864 (* 64 1024 1024))
