#!/usr/bin/env -S popsh -s
!#
;;; popstat.scm -- how much mail is waiting?
;;;
;;; Usage: popstat.scm [HOST]
;;; HOST defaults to $MAILHOST; login and password come from ~/.netrc
;;; (or the file $NETRC names).  Prints the count, the total size and one
;;; line per message with its size and subject.  Nothing is deleted.

(define host (if (pair? command-line-arguments) (car command-line-arguments) #f))
(define conn (pop3-connect host))
(pop3-login conn)

(define (subject-of header)
  (let ((m (regexp-search (rx (posix-string "(^|\n)Subject: ([^\n]*)")) header)))
    (if m (match:substring m 2) "(no subject)")))

(receive (count octets) (pop3-stat conn)
  (format #t "~a: ~a message~a, ~a octets~%"
          (pop3-connection-host conn) count (if (= count 1) "" "s") octets))
(for-each
  (lambda (entry)
    (let ((header (with-output-to-string (lambda () (pop3-headers conn (car entry))))))
      (format #t "~a ~a ~a~%"
              (string-pad-left (number->string (car entry)) 4)
              (string-pad-left (number->string (cdr entry)) 9)
              (subject-of header))))
  (pop3-list conn))
(pop3-quit conn)
