; How values without a readable form print (write and display agree).
(define-record-type point (make-point x y) point? (x point-x) (y point-y))
(test-output "#<record-type point>" (write point))
(test-output "#<record point 1 2>" (write (make-point 1 2)))
(test-output "#<procedure car>" (write car))
(test-output "|a b| 'x" (begin (write (string->symbol "a b")) (display " ") (write ''x)))
