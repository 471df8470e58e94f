;;; R7RS 4.3: macros
(test now (let-syntax ((given-that (syntax-rules () ((_ test stmt1 stmt2 ...) (if test (begin stmt1 stmt2 ...))))))
            (let ((if #t)) (given-that if (set! if 'now)) if)))
(test outer (let ((x 'outer))
              (let-syntax ((m (syntax-rules () ((m) x))))
                (let ((x 'inner)) (m)))))
(test 7 (letrec-syntax ((my-or (syntax-rules ()
                                 ((my-or) #f)
                                 ((my-or e) e)
                                 ((my-or e1 e2 ...) (let ((temp e1)) (if temp temp (my-or e2 ...)))))))
          (let ((x #f) (y 7) (temp 8) (let odd?) (if even?))
            (my-or x (let temp) (if y) y))))
(define-syntax my-if
  (syntax-rules () ((_ c t e) (cond (c t) (else e)))))
(test yes (let ((else #f)) (my-if #f 'no 'yes)))
(define-syntax swap!
  (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
(test (2 1) (let ((tmp 1) (other 2)) (swap! tmp other) (list tmp other)))
;; a user's local rebinding of if and list does not break a macro
(define-syntax make-pair (syntax-rules () ((_ a b) (if #t (list a b) #f))))
(test (1 2) (let ((if (lambda args 'bad)) (list (lambda args 'bad))) (make-pair 1 2)))
;; literals
(define-syntax arrow (syntax-rules (=>) ((_ a => b) (cons a b)) ((_ a b) 'no-arrow)))
(test (1 . 2) (arrow 1 => 2))
(test no-arrow (arrow 1 2))
;; nested ellipses
(define-syntax my-let*
  (syntax-rules ()
    ((_ () body ...) (let () body ...))
    ((_ ((x v) rest ...) body ...) (let ((x v)) (my-let* (rest ...) body ...)))))
(test 3 (my-let* ((a 1) (b (+ a 1))) (+ a b)))
(define-syntax flatten
  (syntax-rules () ((_ (a ...) ...) '(a ... ...))))
(test (1 2 3 4 5) (flatten (1 2) (3) (4 5)))
(define-syntax pairs
  (syntax-rules () ((_ (k v ...) ...) '((k . (v ...)) ...))))
(test ((a 1 2) (b) (c 3)) (pairs (a 1 2) (b) (c 3)))
;; vector patterns
(define-syntax vec-first (syntax-rules () ((_ #(a b ...)) 'a)))
(test x (vec-first #(x y z)))
(define-syntax vec-rest (syntax-rules () ((_ #(a b ...)) '#(b ...))))
(test #(y z) (vec-rest #(x y z)))
;; custom ellipsis
(define-syntax my-list (syntax-rules ::: () ((_ x :::) (list x :::))))
(test (1 2 3) (my-list 1 2 3))
;; (... ...) escape
(define-syntax def-lister
  (syntax-rules ()
    ((_ name) (define-syntax name (syntax-rules () ((_ x (... ...)) (list x (... ...))))))))
(def-lister lister)
(test (4 5) (lister 4 5))
;; _ matches anything
(define-syntax second (syntax-rules () ((_ _ b . _) b)))
(test 2 (second 1 2 3 4))
;; tail patterns after ellipsis
(define-syntax last-of (syntax-rules () ((_ x ... y) 'y)))
(test c (last-of a b c))
;; dotted patterns
(define-syntax dot (syntax-rules () ((_ a . rest) 'rest)))
(test (2 3) (dot 1 2 3))
;; recursive macros and internal defines produced by macros
(define-syntax def2 (syntax-rules () ((_ a b v) (begin (define a v) (define b v)))))
(test 10 (let () (def2 p q 5) (+ p q)))
(def2 gp gq 7)
(test 14 (+ gp gq))
;; hygiene: introduced temporary does not capture user variable
(define-syntax my-or2 (syntax-rules () ((_ a b) (let ((t a)) (if t t b)))))
(test 5 (let ((t 5)) (my-or2 #f t)))
;; macro defined in terms of a local variable refers to it
(test 10 (let ((y 10)) (let-syntax ((get-y (syntax-rules () ((_) y)))) (let ((y 20)) (get-y)))))
;; macros expanding to define-record-type and to other macros
(define-syntax def-point (syntax-rules () ((_ ctor pred) (define-record-type point (ctor x y) pred (x px) (y py)))))
(def-point mkpt pt?)
(test (#t 3) (list (pt? (mkpt 3 4)) (px (mkpt 3 4))))
;; explicit renaming macros (scsh style)
(define-syntax swap2!
  (lambda (form rename compare)
    (let ((a (car (cdr form))) (b (car (cdr (cdr form)))))
      (list (rename 'let) (list (list (rename 'tmp) a))
            (list (rename 'set!) a b)
            (list (rename 'set!) b (rename 'tmp))))))
(test (2 1) (let ((tmp 1) (y 2)) (swap2! tmp y) (list tmp y)))
(define-syntax er-if
  (er-macro-transformer
   (lambda (form rename compare)
     (list (rename 'if) (car (cdr form)) ''yes ''no))))
(test (yes no) (let ((if list)) (list (er-if #t) (er-if #f))))
(define-syntax kw-test
  (er-macro-transformer
   (lambda (form rename compare)
     (if (compare (car (cdr form)) (rename 'else)) ''was-else ''not-else))))
(test was-else (kw-test else))
(test not-else (kw-test other))
(test-error "no syntax rule matches" (swap! 1))
(test-error "syntax keyword swap! used as a variable" swap!)
(test-error "pattern variables under one ellipsis matched different lengths"
            (let-syntax ((m (syntax-rules () ((_ (a ...) (b ...)) '((a b) ...))))) (m (1 2) (3)))
            97)
;; an ellipsis renamed by an outer macro ((... ...)) is still an ellipsis
(define-syntax def-lister2
  (syntax-rules () ((_ n) (define-syntax n (syntax-rules () ((_ e (... ...)) (list 'x e (... ...))))))))
(def-lister2 k2)
(test (x 1 2 3) (k2 1 2 3))
(test (x) (k2))
(define-syntax be-like-begin
  (syntax-rules ()
    ((be-like-begin name)
     (define-syntax name (syntax-rules () ((name expr (... ...)) (begin expr (... ...))))))))
(be-like-begin sequence)
(test 4 (sequence 1 2 3 4))
(test ok (let ((=> #f)) (cond (#t => 'ok))))
; an ellipsis that is also a literal is a literal (R7RS 4.3.2)
(define-syntax quote-with-dots (syntax-rules ::: (:::) ((_ x) '(x :::))))
(test (100 :::) (quote-with-dots 100))
(define-syntax dots-literal (syntax-rules (...) ((_ x ...) '(x ...)) ((_ x y) 'no-dots)))
(test (1 ...) (dots-literal 1 ...))
(test no-dots (dots-literal 1 2))
;; a bytevector in a pattern is a datum matched by its bytes (R7RS errata:
;; <pattern datum> includes <bytevector>)
(define-syntax which-bytes
  (syntax-rules () ((_ #u8(1 2)) 'one-two) ((_ #u8()) 'empty) ((_ x) 'other)))
(test (one-two empty other other) (list (which-bytes #u8(1 2)) (which-bytes #u8()) (which-bytes #u8(1 3)) (which-bytes "x")))
