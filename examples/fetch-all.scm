;;; fetch-all.scm -- fetch every message in one pipelined go.
;;;
;;; pop3-for-each-message sends the RETR commands in windows when the
;;; server announces PIPELINING (one round trip per window instead of one
;;; per message) and calls the procedure with each message number and text.
;;; pop3-get-all returns them as a list of (number . text); pop3-delete-all
;;; marks them all for deletion.

(define conn (pop3-connect))
(pop3-login conn)

(define total 0)
(pop3-for-each-message conn
  (lambda (n text)
    (set! total (+ total (string-length text)))
    (display "message ") (display n) (display ": ")
    (display (string-length text)) (display " characters") (newline)))
(display "total: ") (display total) (display " characters") (newline)

;; Only some messages, by number:
(for-each (lambda (m) (display (car m)) (display " starts with ")
                      (write (substring (cdr m) 0 5)) (newline))
          (pop3-get-all conn '(2 3)))

;; Mark everything for deletion, then think again: nothing is lost until
;; pop3-quit, and pop3-reset unmarks.
(display "marked: ") (display (pop3-delete-all conn)) (newline)
(pop3-reset conn)
(pop3-quit conn)
