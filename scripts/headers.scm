#!/usr/bin/env -S popsh -s
!#
;;; headers.scm -- list the Date, From and Subject of every waiting message.
;;;
;;; Usage: headers.scm [HOST]
;;; Only the headers travel (TOP n 0), never the bodies.

(define host (if (pair? command-line-arguments) (car command-line-arguments) #f))
(define conn (pop3-connect host))
(pop3-login conn)

(define (field name header)
  (let ((m (regexp-search (rx (: (| bos #\newline) ,name ": " (submatch (* (~ #\newline)))))
                          header)))
    (if m (match:substring m 1) "")))

(for-each
  (lambda (entry)
    (let* ((n (car entry))
           (header (with-output-to-string (lambda () (pop3-headers conn n)))))
      (format #t "~a. ~a~%   From: ~a~%   Subject: ~a~%"
              n (field "Date" header) (field "From" header) (field "Subject" header))))
  (pop3-list conn))
(pop3-quit conn)
