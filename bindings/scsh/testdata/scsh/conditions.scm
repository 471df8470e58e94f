;; scsh / Scheme48 condition semantics (scsh-api.md 2.2, 5.4).
(define (show . xs) (for-each display xs) (newline))

(define-condition-type '-ERR '(error))
(define -ERR? (condition-predicate '-ERR))

;; The handler's value becomes the value of signal; execution continues.
(show "handler value: "
      (with-handler (lambda (c punt) 42)
                    (lambda () (+ 1 (signal '-ERR "msg" "cmd")))))

;; Predicates follow the supertypes; stuff is the list given to signal.
(with-handler
 (lambda (c punt)
   (write (list (-ERR? c) (error? c) (call-error? c) (condition-type c) (condition-stuff c)))
   (newline)
   0)
 (lambda () (signal '-ERR "msg" "cmd")))

;; punt passes the condition to the next outer handler and returns its value.
(show "punted: "
      (with-handler (lambda (c punt) (list 'outer (condition-stuff c)))
                    (lambda ()
                      (with-handler (lambda (c punt) (punt))
                                    (lambda () (signal '-ERR "x"))))))

;; A signal raised inside the handler goes to the same handler first
;; (pop3:login's handler calls (error "login failed") and swallows it).
(define seen '())
(show "nested: "
      (with-handler
       (lambda (c punt)
         (set! seen (cons (condition-stuff c) seen))
         (if (-ERR? c) (list 'error-returned (error "login failed")) 'swallowed))
       (lambda () (signal '-ERR "bad password" "PASS x"))))
(write (reverse seen)) (newline)

;; Interpreter errors reach with-handler as error conditions.
(show "car of 5: "
      (call-with-current-continuation
       (lambda (k)
         (with-handler (lambda (c punt) (k (list 'caught (error? c) (condition? c))))
                       (lambda () (car 5))))))

;; call-error: stuff is (message proc . args).
(with-handler
 (lambda (c punt)
   (write (list (call-error? c) (error? c) (condition-stuff c))) (newline) 'r)
 (lambda () (call-error "not in transaction state" 'pop3-stat)))

;; ignore-errors returns the condition.
(let ((c (ignore-errors (lambda () (error "boom" 1 2)))))
  (write (list (condition? c) (error? c) (condition-stuff c))) (newline))
(show "ignore-errors value: " (ignore-errors (lambda () 'fine)))

;; A non-error condition with no handler simply returns.
(define-condition-type 'my-note '(note))
(signal 'my-note "hello")
(show "continued after a note")

;; R7RS guard sees scsh conditions as error objects.
(write (guard (e ((error-object? e) (list (error-object-message e) (error-object-irritants e))))
         (signal '-ERR "server says no" "RETR 1")))
(newline)
(write (guard (e (#t (condition-stuff e))) (define-condition-type 'x '(nonexistent))))
(newline)

;; Handlers that do not escape do not disturb normal returns.
(show "normal: " (with-handler (lambda (c p) 0) (lambda () 'normal)))

;; display-condition, to a string port.
(show (call-with-string-output-port
       (lambda (port)
         (display-condition (ignore-errors (lambda () (error "login failed" "x"))) port))))

;; Uncaught: the runner prints it as popsh does (interp.FormatError).
(signal '-ERR " no such message" "RETR 9")
(show "not reached")
