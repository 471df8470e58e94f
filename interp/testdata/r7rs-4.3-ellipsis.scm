;; R7RS 4.3.2 syntax-rules: which identifier is the ellipsis

;; a custom ellipsis that a macro-defining macro receives as an argument,
;; given as a literal of the inner macro: the user's ... is then a literal
;; and the inner ellipsis is the one the outer template wrote
(test 1 (let-syntax
          ((outer (syntax-rules ::: ()
                    ((_ dots)
                     (let-syntax ((inner (syntax-rules ... (dots)
                                           ((_ dots ...) 1))))
                       (inner dots))))))
          (outer ...)))
(test 2 (let-syntax
          ((outer (syntax-rules ::: ()
                    ((_ dots)
                     (let-syntax ((inner (syntax-rules ... (dots)
                                           ((_ dots ...) (+ 1 1)))))
                       (inner dots dots dots))))))
          (outer ...)))

;; where ... is bound as a variable, it is an ordinary pattern variable
(test (2 1 3) (let ((... 'bound))
                (define-syntax swap
                  (syntax-rules ()
                    ((_ x y ...) (list y x ...))))
                (swap 1 2 3)))
;; elsewhere it is still the ellipsis
(test (2 3 4 1) (let ()
                  (define-syntax rot
                    (syntax-rules ()
                      ((_ x y ...) (list y ... x))))
                  (rot 1 2 3 4)))
;; a ... in the literals is matched literally
(test (lit other) (let-syntax ((m (syntax-rules (...) ((_ ...) 'lit) ((_ x) 'other))))
                    (list (m ...) (m 5))))
