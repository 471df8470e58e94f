#!/usr/bin/env -S popsh -s
!#
;;; popstat.scm -- how much mail is waiting, account by account (like biff
;;; or mailcheck, for POP3).
;;;
;;; Usage: popsh scripts/popstat.scm [--tls] [ACCOUNT...]
;;;
;;; ACCOUNT is HOST, HOST:PORT, pop://[USER@]HOST[:PORT] or pops://...;
;;; without any, every machine of ~/.netrc (or $NETRC) is checked, at the
;;; address $MAILHOST gives when it names that machine (so a port or
;;; pop3s:// in MAILHOST is used).  The password (and the login when not
;;; given) comes from the netrc file.
;;; One line per account: the message count and total size (STAT), or why
;;; it could not be read.  A maildrop locked by another session
;;; ([IN-USE]) or a login refused as too soon ([LOGIN-DELAY]) is reported
;;; as such, not as a failure.  Nothing is retrieved or deleted.
;;; Exit status: 0 when every account answered (busy ones included), 1
;;; when some could not be checked, 2 on a usage error.

(define (usage port)
  (display "usage: popsh popstat.scm [--tls] [ACCOUNT...]

For each ACCOUNT (HOST, HOST:PORT, pop://[USER@]HOST[:PORT], pops://...),
or each machine of ~/.netrc when none is given (reached at $MAILHOST when
that names the machine), print the number and total size of the waiting
messages.  Credentials come from ~/.netrc
(or $NETRC).  [IN-USE] and [LOGIN-DELAY] answers are shown as busy.

options:
  --tls       POP3 over TLS (port 995) for accounts without a scheme
  -h, --help  this text
" port))

(define tls-default #f)
(define accounts '())
(for-each
 (lambda (a)
   (cond ((or (string=? a "-h") (string=? a "--help")) (usage (current-output-port)) (exit 0))
         ((string=? a "--tls") (set! tls-default #t))
         ((and (> (string-length a) 1) (char=? (string-ref a 0) #\-))
          (format (current-error-port) "popstat: unknown option ~a~%" a)
          (usage (current-error-port))
          (exit 2))
         (else (set! accounts (cons a accounts)))))
 command-line-arguments)
(set! accounts (reverse accounts))
;; The host part of an account or MAILHOST: no scheme, user, port or brackets.
(define (host-of a)
  (let* ((scheme-end (string-contains a "://"))
         (rest (if scheme-end (substring a (+ scheme-end 3) (string-length a)) a))
         (at (string-index-right rest #\@))
         (hp (if at (substring rest (+ at 1) (string-length rest)) rest)))
    (if (and (> (string-length hp) 0) (char=? (string-ref hp 0) #\[))
        (let ((close (string-index hp #\])))
          (if close (substring hp 1 close) hp))
        (let ((colon (string-index hp #\:)))
          (if colon (substring hp 0 colon) hp)))))

;; A netrc machine is checked where MAILHOST says when MAILHOST names it
;; (MAILHOST=127.0.0.1:11110 with "machine 127.0.0.1" in the netrc file).
(define (netrc-account machine)
  (let ((mh (getenv "MAILHOST")))
    (if (and mh (not (string=? mh "")) (string=? (host-of mh) machine))
        mh
        machine)))

(if (null? accounts) (set! accounts (map netrc-account (netrc-machines))))
(if (null? accounts)
    (begin (display "popstat: no ACCOUNT given and no machine in ~/.netrc\n" (current-error-port))
           (exit 2)))

(define (human-size n)
  (cond ((< n 1024) (format #f "~a B" n))
        ((< n (* 1024 1024)) (format #f "~a KB" (quotient (+ n 512) 1024)))
        (else (let ((tenths (quotient (+ (* n 10) (quotient (* 1024 1024) 2)) (* 1024 1024))))
                (format #f "~a.~a MB" (quotient tenths 10) (remainder tenths 10))))))

;; ACCOUNT → (values user host-spec) where host-spec is what pop3-connect
;; takes (pop3://host:port or pop3s://...).
(define (account->target a)
  (let* ((scheme-end (string-contains a "://"))
         (scheme (if scheme-end (substring a 0 scheme-end) (if tls-default "pops" "pop")))
         (rest (if scheme-end (substring a (+ scheme-end 3) (string-length a)) a))
         (at (string-index-right rest #\@))
         (user (and at (substring rest 0 at)))
         (hostport (if at (substring rest (+ at 1) (string-length rest)) rest))
         (tls? (member scheme '("pops" "pop3s"))))
    (values user (string-append (if tls? "pop3s://" "pop3://") hostport))))

(define (condition->text e)
  (if (error-object? e)
      (let ((irr (error-object-irritants e)))
        (apply string-append (error-object-message e)
               (map (lambda (x) (format #f " ~s" x)) irr)))
      (format #f "~s" e)))

(define failures 0)

;; Busy is a normal state of a maildrop, not a failure.
(define (busy-code e)
  (and (pop3-error? e)
       (let ((code (pop3-error-code e)))
         (and code (member code '("IN-USE" "LOGIN-DELAY")) code))))

;; check: one account's line of output, and whether it failed.
(define (check a)
  (receive (user target) (account->target a)
    (let* ((label a) (conn #f) (failed #f)
           (line
            (with-output-to-string
              (lambda ()
                (guard (e ((busy-code e)
                           => (lambda (code)
                                (format #t "~a: busy [~a]~a~%" label code (pop3-error-text e))))
                          (#t (set! failed #t)
                              (format #t "~a: cannot check: ~a~%" label
                                      (if (pop3-error? e)
                                          ;; The response code tells a wrong password
                                          ;; ([AUTH]) from a disabled account
                                          ;; ([SYS/PERM]) or a passing fault ([SYS/TEMP]).
                                          (string-append (pop3-error-command e) " refused: "
                                                         (let ((code (pop3-error-code e)))
                                                           (if code (string-append "[" code "] ") ""))
                                                         (pop3-error-text e))
                                          (condition->text e)))))
                  (set! conn (pop3-connect target))
                  (if user (pop3-login conn user) (pop3-login conn))
                  (receive (count octets) (pop3-stat conn)
                    (format #t "~a: ~a message~a, ~a~a~%" label count (if (= count 1) "" "s")
                            (human-size octets) (if (pop3-connection-tls? conn) "" " (no TLS)")))
                  (pop3-quit conn))))))
      (if conn (guard (e (#t #f)) (pop3-close conn)))
      (cons line failed))))

(setenv "MAILHOST" "")   ; pop3-connect would otherwise ignore its argument
;; Every account is checked at once, each in its own thread (the waits on
;; the network overlap); the lines come out in the order of the accounts.
(for-each
 (lambda (a t)
   (let ((r (guard (e (#t (cons (format #f "~a: cannot check: ~a~%" a (condition->text e)) #t)))
              (thread-join! t))))
     (display (car r))
     (if (cdr r) (set! failures (+ failures 1)))))
 accounts
 (map (lambda (a) (spawn (lambda () (check a)) a)) accounts))
(exit (if (> failures 0) 1 0))
