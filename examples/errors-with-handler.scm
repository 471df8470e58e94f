;;; errors-with-handler.scm -- scsh's with-handler and the -ERR condition.
;;;
;;; A with-handler handler runs where the condition is signalled.  If it
;;; returns, its value becomes the value of the failing call and the program
;;; goes on; to give up on the computation, escape with a continuation.

(define conn (pop3-connect))
(pop3-login conn)

;; 1. Returning from the handler: the failing pop3-get returns 'skipped.
(define result
  (with-handler
    (lambda (condition punt)
      (if (-ERR? condition)
          (begin (display "the server said: ")
                 (display (pop3-error-text condition))
                 (newline)
                 'skipped)
          (punt)))                      ; not ours: pass it on
    (lambda () (pop3-get conn 42))))
(display "result: ") (write result) (newline)

;; 2. Escaping with call/cc: stop fetching at the first message that fails.
(define (fetch-until-error numbers)
  (call-with-current-continuation
    (lambda (stop)
      (with-handler
        (lambda (condition punt)
          (if (-ERR? condition) (stop (list 'stopped-at (pop3-error-command condition))) (punt)))
        (lambda ()
          (for-each (lambda (n)
                      (let ((text (with-output-to-string (lambda () (pop3-get conn n)))))
                        (display "message ") (display n) (display ": ")
                        (display (string-length text)) (display " characters") (newline)))
                    numbers)
          'all-fetched)))))
(write (fetch-until-error '(1 2 3 17 4))) (newline)

;; 3. A call in the wrong state is a call-error, signalled before anything
;;    is sent: here pop3-stat after pop3-quit.
(pop3-quit conn)
(with-handler
  (lambda (condition punt)
    (display "refused: ")
    (display (car (condition-stuff condition)))
    (newline)
    #f)
  (lambda () (pop3-stat conn)))
