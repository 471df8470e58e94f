;;; errors-guard.scm -- R7RS guard and the -ERR condition.
;;;
;;; A -ERR condition is also an R7RS error object: guard, error?,
;;; error-object? and error-object-message all work on it, and
;;; pop3-error-text, pop3-error-code and pop3-error-command tell what the
;;; server refused and why.

(define conn (pop3-connect))

;; A wrong password: the server's refusal is a -ERR condition.
(guard (e ((-ERR? e)
           (display "login refused: ") (display (pop3-error-text e)) (newline)
           (display "error? ") (write (error? e))
           (display ", error-object? ") (write (error-object? e)) (newline)
           (display "response code: ") (write (pop3-error-code e)) (newline)
           (display "command: ") (write (pop3-error-command e)) (newline)))
  (pop3-login conn "demo" "not-the-password"))

;; The right one, from ~/.netrc.
(pop3-login conn)

;; A message that does not exist.
(define (safe-get n)
  (guard (e ((-ERR? e) (string-append "no message " (number->string n))))
    (with-output-to-string (lambda () (pop3-get conn n)))))
(display (safe-get 99)) (newline)
(display (string-length (safe-get 1))) (display " characters in message 1") (newline)

;; A message number that is not a positive integer is refused before
;; anything is sent.
(guard (e ((error-object? e) (display "refused: ") (display (error-object-message e)) (newline)))
  (pop3-get conn 0))

(pop3-quit conn)
