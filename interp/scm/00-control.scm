;;; popsh prelude 00: control. Loaded into every interpreter.
;;; Every definition here gives a procedure, compiled on the first call
;;; of its name (or when a derived form's expansion first refers to it),
;;; %deliver (which the evaluator calls when an error is raised) and
;;; make-parameter included: a start compiles none of them.

(define (call-with-values producer consumer)
  (%check-procedure 'call-with-values producer)
  (%check-procedure 'call-with-values consumer)
  (%apply-mv consumer (producer)))

(define (dynamic-wind before thunk after)
  (%check-procedure 'dynamic-wind before)
  (%check-procedure 'dynamic-wind thunk)
  (%check-procedure 'dynamic-wind after)
  (before)
  (%wind-push before after)
  (%apply-mv (lambda vals (%wind-pop) (after) (apply values vals))
             (thunk)))

(define (with-exception-handler handler thunk)
  (%check-procedure 'with-exception-handler handler)
  (%check-procedure 'with-exception-handler thunk)
  (let ((saved (%handlers)))
    (%set-handlers! (cons handler saved))
    (%apply-mv (lambda vals (%set-handlers! saved) (apply values vals))
               (thunk))))

;; scsh/Scheme48 with-handler semantics: see control.go.
(define (%with-direct-handler proc thunk)
  (let ((saved (%handlers)))
    (%set-handlers! (cons (%make-direct-handler proc) saved))
    (%apply-mv (lambda vals (%set-handlers! saved) (apply values vals))
               (thunk))))

;; Called by the VM (and by raise) to hand obj to the handler list hs.
;; wrapper is the error object reported if nobody handles it.
(define %deliver
  (lambda (obj hs continuable wrapper)
    (if (null? hs)
        (%uncaught wrapper)
        (let ((h (car hs)))
          (if (%direct-handler? h)
              (let ((proc (%direct-handler-proc h)))
                (if (%accepts-2? proc)
                    (proc obj (lambda () (%deliver obj (cdr hs) continuable wrapper)))
                    ;; a handler that cannot even be called: tell the outer handlers
                    (let ((e (%bad-handler proc wrapper)))
                      (%deliver e (cdr hs) #f e))))
              (let ((saved (%handlers)))
                (%set-handlers! (cdr hs))
                (%apply-mv
                 (lambda vals
                   (if continuable
                       (begin (%set-handlers! saved) (apply values vals))
                       (%non-continuable obj wrapper)))
                 (h obj))))))))

(define make-parameter
  (lambda (value . conv)
    (if (null? conv)
        (%make-parameter value #f)
        (%make-parameter ((car conv) value) (car conv)))))

(define (%map1 f l)
  (if (null? l) '() (cons (f (car l)) (%map1 f (cdr l)))))

(define (%for-each2 f a b)
  (if (pair? a)
      (begin (f (car a) (car b)) (%for-each2 f (cdr a) (cdr b)))))

(define (%parameterize params vals body)
  (let ((new (let loop ((ps params) (vs vals))
               (if (null? ps)
                   '()
                   (cons (let ((c (%param-converter (car ps))))
                           (if c (c (car vs)) (car vs)))
                         (loop (cdr ps) (cdr vs))))))
        (old #f))
    (dynamic-wind
     (lambda ()
       (set! old (%map1 %param-local params))
       (%for-each2 %param-set-local! params new))
     body
     (lambda ()
       (set! new (%map1 %param-value params))
       (%for-each2 %param-set-local! params old)))))

(define (force p)
  (if (promise? p)
      (let loop ()
        (if (%promise-done? p)
            (%promise-value p)
            (let ((p2 ((%promise-value p))))
              (if (not (%promise-done? p))
                  (%promise-update! p2 p))
              (loop))))
      p))
