#!/usr/bin/env -S popsh -s
!#
;;; movemail.scm -- move the messages of a POP3 maildrop into an mbox file.
;;;
;;; Usage: movemail.scm MBOX [--keep]
;;; The server is $MAILHOST, credentials come from ~/.netrc (or $NETRC).
;;; Messages are fetched in pipelined batches and appended to MBOX (created
;;; with mode 0600) in mboxrd form: a "From " line, the message with lines
;;; starting ">*From " quoted by one more ">", a blank line.  Only when
;;; the whole mbox is written and closed are the messages deleted on the
;;; server (unless --keep); if anything fails before, nothing is deleted.

(define (usage)
  (display "usage: movemail.scm MBOX [--keep]" (current-error-port))
  (newline (current-error-port))
  (exit 2))

(define args command-line-arguments)
(if (null? args) (usage))
(define mbox (car args))
(define keep? (member "--keep" (cdr args)))

(define from-line (rx (posix-string "^>*From ")))

;; Write TEXT (LF line ends) as one mboxrd message to PORT.
(define (write-mboxrd text port)
  (write-string "From popsh@localhost Thu Jan  1 00:00:00 1970\n" port)
  (let ((in (open-input-string text)))
    (let loop ((line (read-line in)))
      (if (not (eof-object? line))
          (begin
            (if (regexp-search from-line line) (write-string ">" port))
            (write-string line port)
            (newline port)
            (loop (read-line in))))))
  (newline port))

(define conn (pop3-connect))
(pop3-login conn)

(define out (open-output-file mbox (bitwise-ior open/write open/append open/create) #o600))
(define moved
  (pop3-for-each-message conn (lambda (n text) (write-mboxrd text out))))
(close-output-port out)

(if (and (> moved 0) (not keep?))
    (pop3-delete-all conn))
(pop3-quit conn)
(format #t "~a message~a ~a ~a~%" moved (if (= moved 1) "" "s")
        (if keep? "copied to" "moved to") mbox)
