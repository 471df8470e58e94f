;; R7RS 5.2: import sets (prefix, rename, only, except, nested) on the
;; standard libraries, whose names popsh always binds: the new names are
;; bound too, procedures and syntax alike.
(import (prefix (scheme base) std:) (prefix (scheme write) out:))
(std:define seven 7)
(test 7 seven)
(test (1 2 3) (std:list 1 2 3))
(test 3 (std:car (std:cdr '(2 3))))
(test no (std:if #f 'yes 'no))
(test 10 (std:let loop ((i 0)) (std:if (std:< i 10) (loop (std:+ i 1)) i)))
(test (a . 1) (std:let-values (((x y) (std:values 'a 1))) (std:cons x y)))
(test caught (std:guard (e ((std:symbol? e) 'caught)) (std:raise 'oops)))
(test-output "(1 \"s\")" (out:write (std:list 1 "s")))
;; the auxiliary keywords under their new names
(test other (std:cond ((std:assq 'z '((a . 1))) std:=> std:cdr) (std:else 'other)))
(test 1 (std:cond ((std:assq 'a '((a . 1))) std:=> std:cdr) (std:else 'other)))
(test big (std:case 9 ((1 2) 'small) (std:else 'big)))
(test fallback (std:guard (e ((std:string? e) 'string) (std:else 'fallback)) (std:raise 1)))
;; a syntax-rules macro written with the prefixed names
(std:define-syntax swap!
  (std:syntax-rules ()
    ((_ a b) (std:let ((tmp a)) (std:set! a b) (std:set! b tmp)))))
(define p 1)
(define q 2)
(swap! p q)
(test (2 1) (list p q))
;; rename, only and except, nested in each other
(import (rename (scheme base) (car head) (cdr tail) (lambda fn)))
(test 1 (head '(1 2)))
(test (2) (tail '(1 2)))
(test 9 ((fn (x) (* x x)) 3))
(import (prefix (only (scheme char) char-upcase char-downcase) ch:))
(test #\A (ch:char-upcase #\a))
(test-error "unbound variable: ch:char-foldcase" (ch:char-foldcase #\a))
(import (prefix (except (scheme cxr) caddr) x:))
(test 3 (x:cadddr '(0 1 2 3)))
(test-error "unbound variable: x:caddr" (x:caddr '(0 1 2)))
(import (rename (prefix (scheme inexact) m:) (m:sqrt root)))
(test 3 (exact (root 9)))
(test-error "unbound variable: m:sqrt" (m:sqrt 9))
(import (prefix (rename (scheme base) (vector-map vmap)) v:))
(test #(2 4) (v:vmap (lambda (x) (* 2 x)) #(1 2)))
;; the standard names stay bound under their own names
(test (1) (list 1))
;; eval in an environment made of import sets
(test 5 (eval '(e:+ 2 3) (environment '(prefix (scheme base) e:))))
(test 42 (eval '(e:let ((z 6)) (e:* z 7)) (environment '(prefix (scheme base) e:))))
(test (b a) (eval '(rev '(a b)) (environment '(rename (scheme base) (reverse rev)))))
;; a library whose names popsh does not list cannot be prefixed: a clear error
(test-error "prefix of \\(srfi 1\\): popsh does not know the names it exports" (eval '(import (prefix (srfi 1) s1:)) (interaction-environment)))
;; a library importing standard libraries under new names
(define-library (qa prefixed)
  (export area)
  (import (prefix (scheme base) b:) (rename (scheme inexact) (sqrt root)))
  (begin
    (b:define (area r) (b:cond ((b:< r 0) 'negative) (b:else (b:* 3 r r))))
    (b:define (unused) (root 4))))
(import (qa prefixed))
(test 12 (area 2))
(test negative (area -1))
;; a name not in the set it is renamed from is an error
(test-error "import: missing is not in the import set \\(qa prefixed\\)" (eval '(import (rename (qa prefixed) (missing found))) (interaction-environment)))
