#!/usr/bin/env -S popsh -s
!#
;;; pop-headers.scm -- one line per waiting message: number, size, date,
;;; sender and subject (like frm(1), for a POP3 maildrop).
;;;
;;; Usage: popsh scripts/pop-headers.scm [--tls] [ACCOUNT]
;;;
;;; ACCOUNT is HOST, HOST:PORT, pop://[USER@]HOST[:PORT] or pops://...;
;;; default $MAILHOST.  Credentials come from ~/.netrc (or $NETRC).  Only
;;; the headers travel (TOP n 0, pipelined when the server offers it);
;;; RFC 2047 encoded words in From and Subject are decoded; a control
;;; character in them is shown as "?".  Nothing is deleted.  Exit status 0, or 1 on failure, 2 on a usage error.

(define (usage port)
  (display "usage: popsh pop-headers.scm [--tls] [ACCOUNT]

List the waiting messages of ACCOUNT (HOST, HOST:PORT,
pop://[USER@]HOST[:PORT], pops://...; default $MAILHOST), one line each:
number, size, date, sender, subject.  Credentials come from ~/.netrc.

options:
  --tls       POP3 over TLS (port 995) when ACCOUNT has no scheme
  -h, --help  this text
" port))

(define tls-default #f)
(define account #f)
(for-each
 (lambda (a)
   (cond ((or (string=? a "-h") (string=? a "--help")) (usage (current-output-port)) (exit 0))
         ((string=? a "--tls") (set! tls-default #t))
         ((or (and (> (string-length a) 1) (char=? (string-ref a 0) #\-)) account)
          (format (current-error-port) "pop-headers: unexpected argument ~a~%" a)
          (usage (current-error-port))
          (exit 2))
         (else (set! account a))))
 command-line-arguments)
(if (not account)
    (let ((mh (getenv "MAILHOST")))
      (if (and mh (not (string=? mh "")))
          (set! account mh)
          (begin (display "pop-headers: no ACCOUNT given and MAILHOST is not set\n" (current-error-port))
                 (exit 2)))))

(define user #f)
(define target
  (let* ((scheme-end (string-contains account "://"))
         (scheme (if scheme-end (substring account 0 scheme-end) (if tls-default "pops" "pop")))
         (rest (if scheme-end (substring account (+ scheme-end 3) (string-length account)) account))
         (at (string-index-right rest #\@)))
    (if at (set! user (substring rest 0 at)))
    (string-append (if (member scheme '("pops" "pop3s")) "pop3s://" "pop3://")
                   (if at (substring rest (+ at 1) (string-length rest)) rest))))

(define (human-size n)
  (cond ((< n 1000) (number->string n))
        ((< n (* 1000 1024)) (string-append (number->string (quotient (+ n 512) 1024)) "K"))
        (else (string-append (number->string (quotient (+ n (* 512 1024)) (* 1024 1024))) "M"))))

(define date-rx (rx (posix-string "([0-9]{1,2}) +([A-Za-z]{3}) +([0-9]{2,4})")))
(define (short-date d)
  (let ((m (and d (regexp-search date-rx d))))
    (if m
        (string-append (string-pad-left (match:substring m 1) 2) " " (match:substring m 2)
                       " " (match:substring m 3))
        "")))

;; The display name of a From field, else its address.
(define name-rx (rx (posix-string "^ *\"?([^\"<]*[^\" <])\"? *<")))
(define addr-rx (rx (posix-string "<([^>]*)>")))
(define (sender from)
  (if (not from)
      ""
      (let ((m (regexp-search name-rx from)))
        (cond (m (match:substring m 1))
              ((regexp-search addr-rx from) => (lambda (m) (match:substring m 1)))
              (else from)))))

(define (field header name)
  (let ((v (mail-header-field header name)))
    (and v (rfc2047-decode v))))

(define (fit s n) (string-pad-right s n))

;; A header as it may be shown on a terminal: the message's sender chose
;; it, and a control character in it (ESC [ 2J, an OSC title, a C1 CSI,
;; even once RFC 2047 decoding made it) would be obeyed by the terminal;
;; a bidirectional-text control (a right-to-left override, an isolate, a
;; mark) would reorder the rest of the line, the columns after it too.
;; Each becomes "?".
(define (printable s)
  (string-map (lambda (c)
                (let ((i (char->integer c)))
                  (cond ((char=? c #\tab) #\space)
                        ((or (< i 32) (= i 127) (<= 128 i 159)) #\?)
                        ((or (<= #x202A i #x202E) (<= #x2066 i #x2069)
                             (= i #x200E) (= i #x200F) (= i #x061C))
                         #\?)
                        (else c))))
              s))

(setenv "MAILHOST" "")

;; A failure as one line: a server's refusal with its response code, or
;; the message of any other error (a connection refused, a protocol
;; error), without the script's file and line.
(define (failure-text e)
  (cond ((pop3-error? e)
         (string-append "server refused " (pop3-error-command e) ": "
                        (let ((code (pop3-error-code e)))
                          (if code (string-append "[" code "] ") ""))
                        (string-trim (pop3-error-text e))))
        ((error-object? e)
         (apply string-append (error-object-message e)
                (map (lambda (x) (format #f " ~s" x)) (error-object-irritants e))))
        (else (format #f "~s" e))))

(guard (e (#t (format (current-error-port) "pop-headers: ~a~%" (failure-text e))
              (exit 1)))
  (let* ((conn (pop3-connect target))
         (_ (if user (pop3-login conn user) (pop3-login conn)))
         (sizes (pop3-list conn)))
    (if (null? sizes) (display "0 messages\n"))
    (for-each
     (lambda (entry size-entry)
       (let* ((n (car entry))
              (header (cdr entry))
              (size (cdr size-entry)))
         (format #t "~a ~a  ~a  ~a  ~a~%"
                 (string-pad-left (number->string n) 4)
                 (string-pad-left (human-size size) 5)
                 (fit (printable (short-date (mail-header-field header "Date"))) 11)
                 (fit (printable (sender (field header "From"))) 22)
                 (printable (or (field header "Subject") "")))))
     (pop3-headers-many conn (map car sizes))
     sizes)
    (pop3-quit conn)))
