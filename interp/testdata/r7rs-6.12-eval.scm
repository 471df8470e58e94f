;;; R7RS 6.12 environments and evaluation
(test 21 (eval '(* 7 3) (environment '(scheme base))))
(test 20 (let ((f (eval '(lambda (f x) (f x x)) (interaction-environment)))) (f + 10)))
(test 3 (eval '(+ 1 2) (scheme-report-environment 5)))
(eval '(define evaluated-define 12) (interaction-environment))
(test 12 evaluated-define)
(test 5 (eval '(let-syntax ((m (syntax-rules () ((_) 5)))) (m))))
(test (1 2) (eval '(begin (define-syntax ev2 (syntax-rules () ((_ a) (list a 2)))) (ev2 1))))
(test-error "unbound variable: not-bound-anywhere" (eval 'not-bound-anywhere) 0)
