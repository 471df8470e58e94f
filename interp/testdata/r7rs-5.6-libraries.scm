;; R7RS 5.6 libraries: a library has a top level of its own

;; an exported macro whose expansion calls a helper the library keeps to itself
(define-library (lib counter)
  (export count-up counted)
  (import (scheme base))
  (begin
    (define tally 0)
    (define (bump! n) (set! tally (+ tally n)) tally)
    (define (counted) tally)
    (define-syntax count-up
      (syntax-rules ()
        ((_ e) (bump! e))))))
(import (lib counter))
(test 3 (count-up 3))
(test 5 (count-up 2))
(test 5 (counted))
(test-error "unbound variable: bump!" bump!)
(test-error "unbound variable: tally" tally)
;; the helper keeps working when the user defines a name of the same spelling
(define (bump! n) 'users-own)
(test 6 (count-up 1))
(test users-own (bump! 1))

;; a library's definitions do not replace the globals of the same name
(define-library (lib shadow)
  (export shadow-car)
  (import (scheme base))
  (begin
    (define (car x) 'private-car)
    (define (shadow-car x) (car x))))
(import (lib shadow))
(test private-car (shadow-car '(1 2)))
(test 1 (car '(1 2)))

;; forward references inside a library, and define-values
(define-library (lib forward)
  (export early both-a both-b)
  (import (scheme base))
  (begin
    (define (early) (later))
    (define (later) 'later)
    (define-values (both-a both-b) (values 'a 'b))))
(import (lib forward))
(test later (early))
(test (a b) (list both-a both-b))

;; an exported variable is one cell: a change inside the library is seen outside
(define-library (lib cell)
  (export level raise-level!)
  (import (scheme base))
  (begin
    (define level 1)
    (define (raise-level!) (set! level (+ level 1)))))
(import (lib cell))
(raise-level!)
(test 2 level)

;; a macro of one library used inside another, and re-export under a new name
(define-library (lib user)
  (export use-counter (rename counted how-many))
  (import (scheme base) (lib counter))
  (begin
    (define (use-counter) (count-up 10))))
(import (lib user))
(test 16 (use-counter))
(test 16 (how-many))

;; cond-expand and include-library-declarations as library declarations
(define-library (lib features)
  (export which decl-value)
  (import (scheme base))
  (cond-expand
    ((library (lib counter)) (begin (define which 'has-counter)))
    (else (begin (define which 'no-counter))))
  (cond-expand
    ((library (lib no-such-library)) (begin (define which 'wrong)))
    (else))
  (include-library-declarations "include/lib-decls.scm"))
(import (lib features))
(test has-counter which)
(test from-included-declarations decl-value)
(test yes (cond-expand ((library (lib features)) 'yes) (else 'no)))
(test no (cond-expand ((library (lib never-defined)) 'yes) (else 'no)))

;; renamed imports inside a library are names of its top level only
(define-library (lib renaming)
  (export renamed-result)
  (import (scheme base) (rename (lib forward) (early first-thing)))
  (begin
    (define (renamed-result) (first-thing))))
(import (lib renaming))
(test later (renamed-result))
(test-error "unbound variable: first-thing" first-thing)

;; cond-expand knows the SRFIs provided, as srfi-N and as (library (srfi N)),
;; and the libraries of R7RS-small, and no others
(test (yes yes no no) (list (cond-expand (srfi-9 'yes) (else 'no))
                            (cond-expand ((library (srfi 9)) 'yes) (else 'no))
                            (cond-expand (srfi-4242 'yes) (else 'no))
                            (cond-expand ((library (srfi 4242)) 'yes) (else 'no))))
(test (yes yes no) (list (cond-expand ((library (scheme char)) 'yes) (else 'no))
                         (cond-expand ((and srfi-0 srfi-6 (library (scheme process-context))) 'yes) (else 'no))
                         (cond-expand ((library (scheme no-such-part)) 'yes) (else 'no))))
(test #t (and (memq 'srfi-23 (features)) #t))
;; a library is available to cond-expand when import would find its file
;; (include/available.sld here), before anything has imported it
(test yes (cond-expand ((library (include available)) 'yes) (else 'no)))
(test no (cond-expand ((library (include not-there)) 'yes) (else 'no)))
(import (include available))
(test loaded available-value)
