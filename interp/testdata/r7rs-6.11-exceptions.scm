;;; R7RS 6.11: exceptions
(define (make-read-error-test) (guard (e (#t e)) (eval '(car 1))))
(define (vector-ref-test) (car '()))
(define (reverse-test l) (let loop ((l l) (acc '())) (if (null? l) acc (loop (cdr l) (cons (car l) acc)))))
(test 42 (call-with-current-continuation
          (lambda (k)
            (with-exception-handler
             (lambda (e) (k 42))
             (lambda () (+ (raise 'oops) 1))))))
(test 43 (with-exception-handler
          (lambda (con) 42)
          (lambda () (+ (raise-continuable 'oops) 1))))
(test (caught 5) (guard (e ((symbol? e) (list 'sym e)) ((number? e) (list 'caught e))) (raise 5)))
(test (caught-string "oops") (guard (e ((string? e) (list 'caught-string e))) (raise "oops")))
(test ("bad thing" (1 2)) (guard (e ((error-object? e) (list (error-object-message e) (error-object-irritants e))))
                           (error "bad thing" 1 2)))
(test #t (guard (e (#t (error-object? e))) (car 5)))
(test "car: expected a pair, got 5" (guard (e (#t (error-object-message e))) (car 5)))
(test other (guard (e ((read-error? e) #t) (else 'other)) (car 1)))
;; nested guard re-raises to the outer one
(test (outer inner) (guard (e (#t (list 'outer e))) (guard (e ((number? e) 'num)) (raise 'inner))))
;; a handler returning from a non-continuable raise is an error
(test-error "handler returned from non-continuable raise" (with-exception-handler (lambda (e) 'ignored) (lambda () (raise 'boom))))
;; the handler runs with the outer handler list installed
(test (outer boom2) (guard (e (#t (list 'outer e)))
                     (with-exception-handler (lambda (e) (raise 'boom2)) (lambda () (raise 'boom1)))))
;; errors from primitives go through the handler stack
(test 10 (with-exception-handler (lambda (e) 10) (lambda () (raise-continuable 'x))))
(test ok (call/cc (lambda (k) (with-exception-handler (lambda (e) (k 'ok)) (lambda () (vector-ref-test))))))
;; direct handlers (scsh with-handler semantics)
(test 99 (%with-direct-handler (lambda (c punt) 99) (lambda () (+ (error "x") 0))))
(test 100 (%with-direct-handler (lambda (c punt) 99) (lambda () (+ (car 5) 1))))
(test (inner-saw outer 7)
      (%with-direct-handler (lambda (c punt) (list 'outer c))
        (lambda () (%with-direct-handler (lambda (c punt) (list 'inner-saw (car (punt)) (car (cdr (punt)))))
                     (lambda () (raise 7))))))
;; the same direct handler sees a raise made inside itself
(test (second first)
      (let ((seen '()))
        (%with-direct-handler
         (lambda (c punt)
           (set! seen (cons c seen))
           (if (eq? c 'first) (raise 'second) seen))
         (lambda () (raise 'first)))))
;; guard sees errors raised inside a direct handler's punt
(test (guarded 3) (guard (e (#t (list 'guarded e))) (%with-direct-handler (lambda (c punt) (punt)) (lambda () (raise 3)))))
;; dynamic-wind after thunks run when guard escapes
(test (after caught) (let ((log '()))
                       (guard (e (#t (set! log (cons 'caught log))))
                         (dynamic-wind (lambda () #f) (lambda () (raise 'x)) (lambda () (set! log (cons 'after log)))))
                       (reverse-test log)))
(test-error "^testdata/r7rs-6.11-exceptions.scm:[0-9]+:[0-9]+: oops 1 \"two\"$" (error "oops" 1 "two"))
(test-error "uncaught exception: sym" (raise 'sym))
(test-error "bad-who: message" (error 'bad-who "message"))
(test #f (file-error? 5))
(test #t (guard (e ((file-error? e) #t)) (load "/nonexistent/dir/file.scm")))
(define (assq k l) (cond ((null? l) #f) ((eq? k (car (car l))) (car l)) (else (assq k (cdr l)))))
(test 42 (guard (e ((assq 'a e) => cdr) ((assq 'b e))) (raise (list (cons 'a 42)))))
(test (b . 23) (guard (e ((assq 'a e) => cdr) ((assq 'b e))) (raise (list (cons 'b 23)))))
;; an unmatched guard re-raises in the dynamic environment of the original raise
(test 1 (with-exception-handler (lambda (e) 0)
          (lambda () (+ 1 (guard (e ((string? e) 'str)) (raise-continuable 5))))))
;; guard body in tail position still sees the handler
(define (raiser) (raise 'tail))
(test tail (guard (e (#t e)) (raiser)))
;; errors inside handlers go to outer handlers
(test (outer "car: expected a pair, got 1") (guard (e (#t (list 'outer (error-object-message e))))
                      (guard (e2 (#t (car 1))) (raise 'inner))))
;; raise-continuable with no handler is an uncaught error
(test-error "uncaught exception: cont" (raise-continuable 'cont))
(test-error "with-exception-handler: expected a procedure" (with-exception-handler 5 (lambda () 1)) 0)
(test-error "raise: handler returned from non-continuable raise of x" (with-exception-handler (lambda (e) 1) (lambda () (raise 'x))))
(test-error "error: expected at least 1 argument, got 0" (error))
