;; R7RS 6.12 environment: import sets that give names under new names
(test 2 (eval '(e:car (e:cons 2 4))
              (environment '(prefix (only (scheme base) car cons) e:))))
(test 1 (eval '(head '(1 2)) (environment '(rename (scheme base) (car head)))))
(test (1 2) (eval '(list (h '(1)) (t:car '(2)))
                  (environment '(scheme base)
                               '(rename (only (scheme base) car) (car h))
                               '(prefix (only (scheme base) car) t:))))
(test 3 (eval '(+ 1 2) (environment '(scheme base))))
;; the new names live in that environment only
(test-error "unbound variable: e:car" (eval '(e:car '(1)) (environment '(scheme base))) 0)
(test-error "unbound variable: e:car" e:car)
;; a user's library, renamed
(define-library (env lib) (export twice) (import (scheme base)) (begin (define (twice x) (* 2 x))))
(test 8 (eval '(lib:twice 4) (environment '(prefix (env lib) lib:))))
;; a top-level import renaming a standard procedure
(import (rename (only (scheme base) cadr) (cadr second-item)))
(test 2 (second-item '(1 2 3)))
;; load evaluates the file's forms in the environment it is given
(define load-env-result #f)
(load "testdata/include/load-env.scm" (environment '(scheme base) '(rename (only (env lib) twice) (twice double))))
(test 42 load-env-result)
(test-error "unbound variable: double" (load "testdata/include/load-env.scm") 0)
(test-error "argument 2 \\(environment\\): expected an environment" (load "testdata/include/load-env.scm" 'no))
