#!/usr/bin/env -S popsh -s
!#
;;; movemail.scm -- move the mail of a POP3 maildrop into a Maildir or an mbox.
;;;
;;; Usage: popsh scripts/movemail.scm [options] [SOURCE] DEST
;;;        popsh scripts/movemail.scm [options] SOURCE... DEST
;;;        popsh scripts/movemail.scm [options] --pairs SOURCE DEST [SOURCE DEST]...
;;;
;;; SOURCE is pop://[USER@]HOST[:PORT] or pops://... (implicit TLS), or
;;; GNU movemail's po:USER; without it the server is $MAILHOST.  The
;;; password (and the login, when not given) comes from ~/.netrc or the
;;; file $NETRC / --netrc names.  A plain-text server that offers STLS is
;;; upgraded (certificate verified) before any credential is sent; a failed
;;; upgrade is an error, never a fallback to plain text.  Without TLS the
;;; password is sent only to a server on this machine, unless --no-tls.
;;;
;;; DEST is a Maildir when it is a directory or ends in "/" (created with
;;; tmp/ new/ cur/ if missing), otherwise an mbox file (mboxrd quoting,
;;; fcntl and DEST.lock dot-file locking as mutt and mail(1) use).
;;;
;;; Nothing is lost: a message is deleted on the server only after it is
;;; durably stored (file and directory fsynced for a Maildir; one fsync of
;;; the whole append for an mbox) and recorded in the UIDL state file
;;; (written atomically, kept per account and destination).  One run per
;;; account at a time: a second one waits (--wait) and then gives up,
;;; touching nothing; so does a run that finds the mbox locked by another
;;; program for longer than --lock-wait.  If movemail is killed at any
;;; point, the next run finishes or undoes what was half done (a journal
;;; beside the state file), under the destination's locks, removing only
;;; bytes the killed run provably wrote: every message is then complete in
;;; DEST or still on the server.  SIGTERM, SIGHUP and Ctrl-C stop a run
;;; cleanly: what was stored is committed, an unfinished append undone,
;;; the locks released, and the exit status is 128 + the signal's number.
;;; With --keep, mail stays on the server and a second run fetches only
;;; what is new.  Any failure gives a non-zero exit and deletes nothing
;;; more.  A QUIT whose +OK never comes (the connection drops, or -ERR)
;;; leaves the deletions uncertain: movemail says so and exits 1, keeping
;;; what it stored; the next run stores none of it again (a server
;;; without UIDL: the state file keeps a SHA-256 digest of each such
;;; message, and the next run, which retrieves every message anyway,
;;; recognizes them by it; they are forgotten once a QUIT is confirmed).
;;; Retrieval is pipelined when the server offers it.  The durable
;;; part is the Go package popsh/mailstore.
;;;
;;; Several SOURCEs are fetched at once, each in its own thread (at most
;;; --jobs N at a time): all into the one DEST (an mbox's lock then lets
;;; one account write at a time), or with --pairs each into its own DEST.
;;; Every account keeps the guarantees above; the exit status is 1 when
;;; any account failed.

(define (usage port)
  (display "usage: popsh movemail.scm [options] [SOURCE] DEST
       popsh movemail.scm [options] SOURCE... DEST
       popsh movemail.scm [options] --pairs SOURCE DEST [SOURCE DEST]...

Move every message of a POP3 maildrop into DEST, a Maildir (a directory,
or a path ending in /) or an mbox file.  SOURCE: pop://[USER@]HOST[:PORT],
pops://[USER@]HOST[:PORT] (POP3 over TLS) or po:USER; default $MAILHOST.
Several SOURCEs are fetched at once, all into DEST or, with --pairs,
each into the DEST that follows it.

options:
  -k, --keep          leave the mail on the server; fetch only new mail
  -u, --user USER     login name (default: SOURCE's, else ~/.netrc's)
  -p, --port PORT     server port (default 110, or 995 with TLS)
      --tls           POP3 over TLS (as pops://)
      --no-tls        never use TLS, even when the server offers STLS, and
                      allow the password to travel in the clear (by default
                      it is refused without TLS unless the server is on
                      this machine): trusted networks only
      --tls-fingerprint HEX
                      trust the server whose certificate has this SHA-256
                      fingerprint (colons optional), whatever its issuer
      --tls-ca-file FILE
                      trust certificates issued by the CAs in FILE (PEM)
                      instead of the system's
      --netrc FILE    read credentials from FILE instead of ~/.netrc
  -s, --state FILE    UIDL state file (default ~/.popsh/movemail/USER@HOST:PORT)
  -w, --wait SECONDS  wait this long for another run of the same account
                      to finish (default 5), then give up with status 1
      --lock-wait SECONDS
                      wait this long for another program holding the
                      mbox's locks (default 60), then give up with status 1
      --max-size N    leave messages larger than N bytes (K, M suffixes) on
                      the server, and report them (default: no limit)
  -t, --timeout SECONDS
                      give up on a server that sends nothing for this long,
                      or takes longer to send one reply line (default 60;
                      connecting: 30)
      --min-rate BYTES
                      give up on a reply (a message, a listing) that, once
                      the --timeout is spent waiting for it, has come at
                      less than BYTES per second on average (default 512;
                      0: no limit)
  -j, --jobs N        fetch at most N accounts at once (default 8)
  -P, --pairs         the arguments are SOURCE DEST pairs
  -q, --quiet         no summary line
  -h, --help          this text

Exit status: 0 when everything was moved, 1 on any failure (nothing is
then deleted on the server), 2 on a usage error.
" port))

(define (die-usage fmt . args)
  (apply format (current-error-port) (string-append "movemail: " fmt "~%") args)
  (display "Try 'movemail.scm --help'.\n" (current-error-port))
  (exit 2))

;;; ---- command line ----

(define opt-keep #f)
(define opt-user #f)
(define opt-port #f)
(define opt-tls #f)
(define opt-no-tls #f)
(define opt-tls-fingerprint #f)
(define opt-tls-ca-file #f)
(define opt-netrc #f)
(define opt-state #f)
(define opt-quiet #f)
(define opt-wait 5)
(define opt-lock-wait 60)
(define opt-timeout #f)
(define opt-min-rate #f)
(define opt-max-size #f)
(define opt-jobs 8)
(define opt-pairs #f)
(define positional '())

(define (parse-args! args)
  (define (need-value opt rest)
    (if (null? rest) (die-usage "option ~a needs a value" opt))
    (car rest))
  (let loop ((args args))
    (if (pair? args)
        (let ((a (car args)) (rest (cdr args)))
          (cond ((or (string=? a "-h") (string=? a "--help"))
                 (usage (current-output-port)) (exit 0))
                ((or (string=? a "-k") (string=? a "--keep"))
                 (set! opt-keep #t) (loop rest))
                ((or (string=? a "-q") (string=? a "--quiet"))
                 (set! opt-quiet #t) (loop rest))
                ((string=? a "--tls") (set! opt-tls #t) (loop rest))
                ((or (string=? a "-P") (string=? a "--pairs")) (set! opt-pairs #t) (loop rest))
                ((or (string=? a "-j") (string=? a "--jobs"))
                 (let ((j (string->number (need-value a rest))))
                   (if (not (and (exact-integer? j) (<= 1 j 1000)))
                       (die-usage "bad --jobs ~s (1 to 1000)" (car rest)))
                   (set! opt-jobs j))
                 (loop (cdr rest)))
                ((string=? a "--no-tls") (set! opt-no-tls #t) (loop rest))
                ((string=? a "--tls-fingerprint")
                 (set! opt-tls-fingerprint (need-value a rest))
                 (if (not (fingerprint? opt-tls-fingerprint))
                     (die-usage "bad --tls-fingerprint ~s (64 hex digits, colons optional)" opt-tls-fingerprint))
                 (loop (cdr rest)))
                ((string=? a "--tls-ca-file")
                 (set! opt-tls-ca-file (need-value a rest)) (loop (cdr rest)))
                ((or (string=? a "-u") (string=? a "--user"))
                 (set! opt-user (need-value a rest)) (loop (cdr rest)))
                ((or (string=? a "-p") (string=? a "--port"))
                 (let ((p (string->number (need-value a rest))))
                   (if (not (and (exact-integer? p) (< 0 p 65536)))
                       (die-usage "bad port ~s" (car rest)))
                   (set! opt-port p))
                 (loop (cdr rest)))
                ((string=? a "--netrc")
                 (set! opt-netrc (need-value a rest)) (loop (cdr rest)))
                ((or (string=? a "-s") (string=? a "--state"))
                 (set! opt-state (need-value a rest)) (loop (cdr rest)))
                ((or (string=? a "-t") (string=? a "--timeout"))
                 (let ((t (string->number (need-value a rest))))
                   (if (not (and (real? t) (< 0 t 86401)))
                       (die-usage "bad --timeout ~s (seconds, more than 0, at most 86400)" (car rest)))
                   (set! opt-timeout t))
                 (loop (cdr rest)))
                ((string=? a "--min-rate")
                 (let ((r (string->number (need-value a rest))))
                   (if (not (and (exact-integer? r) (<= 0 r 1000000000)))
                       (die-usage "bad --min-rate ~s (bytes per second, 0 to 1000000000)" (car rest)))
                   (set! opt-min-rate r))
                 (loop (cdr rest)))
                ((or (string=? a "-w") (string=? a "--wait"))
                 (let ((w (string->number (need-value a rest))))
                   (if (not (and (real? w) (<= 0 w 86400)))
                       (die-usage "bad --wait ~s (seconds, 0 to 86400)" (car rest)))
                   (set! opt-wait w))
                 (loop (cdr rest)))
                ((string=? a "--lock-wait")
                 (let ((w (string->number (need-value a rest))))
                   (if (not (and (real? w) (<= 0 w 86400)))
                       (die-usage "bad --lock-wait ~s (seconds, 0 to 86400)" (car rest)))
                   (set! opt-lock-wait w))
                 (loop (cdr rest)))
                ((string=? a "--max-size")
                 (set! opt-max-size (parse-size (need-value a rest))) (loop (cdr rest)))
                ((string=? a "--")
                 (set! positional (append (reverse rest) positional)))
                ((and (> (string-length a) 1) (char=? (string-ref a 0) #\-))
                 (die-usage "unknown option ~a" a))
                (else (set! positional (cons a positional)) (loop rest))))))
  (set! positional (reverse positional)))

;; A SHA-256 fingerprint: 64 hex digits, colons allowed between them.
(define (fingerprint? s)
  (let ((hex (list->string (filter (lambda (c) (not (char=? c #\:))) (string->list s)))))
    (and (= (string-length hex) 64)
         (every (lambda (c) (or (char-numeric? c) (memv (char-downcase c) '(#\a #\b #\c #\d #\e #\f))))
                (string->list hex)))))

;; "N", "NK" or "NM" (bytes, KiB, MiB) → a positive exact integer.
(define (parse-size s)
  (let* ((n (string-length s))
         (unit (and (> n 0) (char-upcase (string-ref s (- n 1)))))
         (mult (cond ((eqv? unit #\K) 1024) ((eqv? unit #\M) (* 1024 1024)) (else 1)))
         (num (string->number (if (= mult 1) s (substring s 0 (- n 1))))))
    (if (not (and (exact-integer? num) (> num 0)))
        (die-usage "bad --max-size ~s (bytes, or with a K or M suffix)" s))
    (* num mult)))

;; SOURCE → (values tls? user host port); host #f means $MAILHOST.
(define (parse-source src)
  (define (split-authority s tls?)
    ;; [USER@]HOST[:PORT] (HOST may be [v6])
    (let* ((at (string-index-right s #\@))
           (user (and at (substring s 0 at)))
           (hp (if at (substring s (+ at 1) (string-length s)) s))
           (hp (if (and (> (string-length hp) 0)
                        (char=? (string-ref hp (- (string-length hp) 1)) #\/))
                   (substring hp 0 (- (string-length hp) 1))
                   hp))
           (close (string-index hp #\]))
           (colon (string-index-right hp #\:))
           (colon (and colon (or (not close) (> colon close)) colon))
           (host (if colon (substring hp 0 colon) hp))
           (port (and colon (string->number (substring hp (+ colon 1) (string-length hp))))))
      (if (and colon (not (and (exact-integer? port) (< 0 port 65536))))
          (die-usage "bad port in ~a" src))
      (if (string=? host "") (die-usage "no host in ~a" src))
      (values tls? (and user (not (string=? user "")) user) host port)))
  (cond ((string-prefix? "pop://" src) (split-authority (substring src 6 (string-length src)) #f))
        ((string-prefix? "pop3://" src) (split-authority (substring src 7 (string-length src)) #f))
        ((string-prefix? "pops://" src) (split-authority (substring src 7 (string-length src)) #t))
        ((string-prefix? "pop3s://" src) (split-authority (substring src 8 (string-length src)) #t))
        ((string-prefix? "po:" src) (values #f (substring src 3 (string-length src)) #f #f))
        (else (die-usage "bad SOURCE ~s (pop://[USER@]HOST[:PORT], pops://..., po:USER)" src))))

;;; ---- small helpers ----

(define (plural n word) (format #f "~a ~a~a" n word (if (= n 1) "" "s")))

(define (human-size n)
  (cond ((< n 1024) (format #f "~a B" n))
        ((< n (* 1024 1024)) (format #f "~a KB" (quotient (+ n 512) 1024)))
        (else (let ((tenths (quotient (+ (* n 10) (quotient (* 1024 1024) 2)) (* 1024 1024))))
                (format #f "~a.~a MB" (quotient tenths 10) (remainder tenths 10))))))

;; The text of a failure, naming the side that failed: the server (a
;; refusal, or the connection), the protocol (a reply that breaks POP3), or
;; the destination (the mailbox, its state file, its journal).
(define (error-text e)
  (define (plain e)
    (let ((msg (error-object-message e)) (irr (error-object-irritants e)))
      (if (null? irr)
          msg
          (string-append msg " " (string-join (map (lambda (x) (format #f "~s" x)) irr) " ")))))
  (cond ((pop3-error? e)
         ;; The RFC 2449 code ([IN-USE], [LOGIN-DELAY], [SYS/TEMP],
         ;; [AUTH]) says whether trying again later can help: it is shown.
         (string-append "server refused " (pop3-error-command e) ": "
                        (let ((code (pop3-error-code e)))
                          (if code (string-append "[" code "] ") ""))
                        (string-trim (pop3-error-text e))))
        ((error-object? e)
         (case (mail-error-side e)
           ((destination) (let ((msg (plain e)))
                            (if (string-prefix? "destination " msg) msg (string-append "destination: " msg))))
           ((protocol) (string-append "protocol: " (plain e)))
           ((server) (string-append "server: " (plain e)))
           (else (plain e))))
        (else (format #f "~s" e))))

;; After the DELEs, before QUIT: does the server list what it listed
;; before (LISTING, ((n . uid-or-size) ...)) less the messages DOOMED,
;; under the same numbers? (RFC 1939: numbers do not change within a
;; session; marked messages are not listed.) A server that marked another
;; message than the one named, or renumbered its messages, would delete
;; mail never stored: the run then sends RSET and fails, without QUIT.
;; (A server that deletes on QUIT what it did not list can still lie;
;; this catches one that numbers or marks other than it says.) A server
;; that refuses to list again cannot be checked: #f too.
(define (marked-as-asked? conn doomed listing list-again)
  (let* ((gone (make-hash-table eqv?))
         (now (make-hash-table eqv?))
         (top (fold (lambda (p m) (max m (car p))) 0 listing))
         (again (guard (e ((pop3-error? e) #f)) (list-again conn)))
         ;; Mail that arrived during the session, numbered after the
         ;; rest (a server that does not keep the maildrop as it was at
         ;; login), is no matter.
         (relisted (filter (lambda (p) (<= (car p) top)) (or again '()))))
    (for-each (lambda (n) (hash-table-set! gone n #t)) doomed)
    (for-each (lambda (p) (hash-table-set! now (car p) (cdr p))) relisted)
    (let ((kept (filter (lambda (p) (not (hash-table-ref/default gone (car p) #f))) listing)))
      (and again
           (= (length kept) (length relisted))
           (every (lambda (p) (equal? (hash-table-ref/default now (car p) #f) (cdr p))) kept)))))

;; The first N elements of L and the rest.
(define (split-at* l n)
  (let loop ((l l) (n n) (acc '()))
    (if (or (= n 0) (null? l))
        (values (reverse acc) l)
        (loop (cdr l) (- n 1) (cons (car l) acc)))))

;;; ---- the run ----

(define (movemail)
  (parse-args! command-line-arguments)
  (if (null? positional) (die-usage "no DEST given"))
  (if (and opt-pairs (odd? (length positional)))
      (die-usage "--pairs needs SOURCE DEST pairs"))
  ;; jobs: ((source . dest) ...); source #f means $MAILHOST
  (define jobs
    (cond (opt-pairs
           (let loop ((l positional) (acc '()))
             (if (null? l) (reverse acc) (loop (cddr l) (cons (cons (car l) (cadr l)) acc)))))
          ((= (length positional) 1) (list (cons #f (car positional))))
          (else (let ((dest (car (last-pair positional))))
                  (map (lambda (s) (cons s dest)) (reverse (cdr (reverse positional))))))))
  (if opt-netrc
      (if (file-exists? opt-netrc)
          (setenv "NETRC" opt-netrc)
          (begin (format (current-error-port) "movemail: --netrc ~a: no such file~%" opt-netrc)
                 (exit 1))))
  (define mailhost (let ((h (getenv "MAILHOST"))) (and h (not (string=? h "")) h)))
  ;; SIGTERM and SIGHUP stop the runs as Ctrl-C does: each puts its
  ;; mailbox in order (see run-one), then the process exits with status
  ;; 128 + the signal's number, as a shell reports a process it ended.
  (for-each (lambda (interrupt signal)
              (set-interrupt-handler interrupt (lambda (enabled) (exit (+ 128 signal)))))
            (list interrupt/term interrupt/hup)
            (list signal/term signal/hup))
  ;; Every account is checked before any starts (a usage error stops all).
  (define runs (map (lambda (j) (plan (car j) (cdr j) mailhost (> (length jobs) 1))) jobs))
  ;; pop3-connect takes its host from MAILHOST when it is set: each run
  ;; gives its own.
  (setenv "MAILHOST" "")
  (dynamic-wind
   (lambda () #f)
   (lambda ()
     (if (= (length runs) 1)
         (exit (if ((car runs)) 0 1))
         ;; At most opt-jobs runs at once: a run holds a slot of the channel.
         (let* ((slots (make-channel opt-jobs))
                (threads (map (lambda (run)
                                (spawn (lambda ()
                                         (channel-send! slots #t)
                                         (let ((ok (guard (e (#t (format (current-error-port) "movemail: ~a~%" (error-text e)) #f))
                                                     (run))))
                                           (channel-receive slots)
                                           ok))))
                              runs))
                (results (map (lambda (t) (guard (e (#t #f)) (thread-join! t))) threads)))
           (exit (if (every (lambda (x) x) results) 0 1)))))
   ;; The runs in threads of their own are not unwound when the program
   ;; stops: their mailboxes are put in order here (and a run's own
   ;; cleanup under way is waited for), before the process ends.
   (lambda () (for-each (lambda (stop!) (stop!)) stoppers))))

;; The runs' cleanups (see run-one): each closes its run's mailbox, and
;; says what was stored, if the run was stopped before its end.
(define stoppers '())

;; plan checks one SOURCE → DEST job and returns the procedure that runs
;; it, answering #t when everything was moved. label?: name the account in
;; the messages (several run at once).
(define (plan source dest mailhost label?)
  (define-values (src-tls src-user src-host src-port)
    (if source (parse-source source) (values #f #f #f #f)))
  (define tls? (or opt-tls src-tls))
  (define host (or src-host mailhost))
  (if (not host) (die-usage "no server: give SOURCE or set MAILHOST"))
  ;; A MAILHOST of the form host:port or pops://host is taken apart too.
  (define-values (host-tls host-user host-name host-port)
    (if (string-index host #\/)
        (parse-source host)
        (parse-source (string-append "pop://" host))))
  (define user (or opt-user src-user host-user))
  (define port (or opt-port src-port host-port))
  (define tls (or tls? host-tls))
  (if (and tls opt-no-tls) (die-usage "--no-tls contradicts pops:// or --tls"))
  (if (and opt-no-tls (or opt-tls-fingerprint opt-tls-ca-file))
      (die-usage "--no-tls contradicts --tls-fingerprint and --tls-ca-file"))
  (define target (string-append (if tls "pop3s://" "pop3://")
                                (if (string-index host-name #\:)
                                    (string-append "[" host-name "]")
                                    host-name)
                                (if port (string-append ":" (number->string port)) "")))
  ;; The account, as the default state file is named: [USER@]HOST:PORT.
  (define account
    (string-append (if user (string-append user "@") "")
                   host-name ":" (number->string (or port (if tls 995 110)))))
  (define account-state
    (string-append (home-dir) "/.popsh/movemail/"
                   (string-map (lambda (c) (if (char=? c #\/) #\_ c)) account)))
  (define state (or opt-state account-state))
  (if (and opt-state label?) (die-usage "--state names one account's state file: not with several SOURCEs"))
  (lambda () (call/cc (lambda (return) (run-one return source dest target user account account-state state label?)))))

(define (run-one return source dest target user account account-state state label?)
  ;; "movemail: " or, with several accounts, "movemail: ACCOUNT: "
  (define who (if label? (string-append "movemail: " account ": ") "movemail: "))
  ;; One run per account at a time: the lock of the account's default
  ;; state file (and of --state's file), taken before anything is touched
  ;; and held until the run has put its mailbox in order (see stop!).
  ;; Another thread of this process running the same account waits for
  ;; it as another process does.
  (define locks '())
  (define (unlock-all!)
    (let ((held locks))
      (set! locks '())
      (for-each (lambda (l) (guard (e (#t #f)) (run-unlock l))) held)))
  (for-each
   (lambda (lock-file)
     (let ((l (run-lock lock-file opt-wait)))
       (if (integer? l)
           (begin
             (unlock-all!)
             (format (current-error-port) "movemail: another run for ~a is in progress~a~%"
                     account (if (> l 0) (format #f " (pid ~a)" l) ""))
             (return #f))
           (set! locks (cons l locks)))))
   (if (string=? state account-state)
       (list (string-append state ".lock"))
       (list (string-append account-state ".lock") (string-append state ".lock"))))

  (define tty? (and (not label?) (isatty? 2)))
  (define conn #f)
  (define mb #f)
  (define failure #f)
  (define moved 0)
  (define moved-octets 0)
  (define earlier '())
  (define recognized 0)  ; see mailbox-commit! below
  (define deleted 0)
  (define deleting #f)   ; DELE sent: after QUIT the server may have deleted
  (define quitting #f)   ; QUIT sent, its +OK not read
  (define total 0)
  (define skipped '())   ; ((n . size) ...) over --max-size

  (define (progress done octets)
    (if tty?
        (format (current-error-port) "\rmovemail: ~a/~a messages, ~a   "
                done total (human-size octets))))

  (define settled #f)    ; the run ended by itself, or its end was reported

  ;; Stopped by Ctrl-C, SIGTERM or SIGHUP: what was stored is kept
  ;; (committed and recorded), an unfinished append is undone and the
  ;; mbox's locks are released before the process ends; nothing more is
  ;; deleted (QUIT was not sent). Called by the run's unwinding and by the
  ;; main thread's (see movemail); closing a closed mailbox does nothing,
  ;; and waits for a close under way.
  (define (stop!)
    (let ((report (not settled)))
      (set! settled #t)
      (if mb (guard (e (#t (if report (format (current-error-port) "~a~a~%" who (error-text e)))))
               (mailbox-close mb)))
      (unlock-all!)
      (if report
          (format (current-error-port) "~astopped: ~a stored in ~a, ~a~%"
                  who (plural (length (if mb (mailbox-stored mb) '())) "message") dest
                  (cond ((and deleting quitting)
                         "QUIT not confirmed: deletions uncertain; the next run will not store them again")
                        (deleting "and only stored ones may have been deleted on the server")
                        (else "nothing deleted on the server"))))))
  (set! stoppers (cons stop! stoppers))

  (dynamic-wind
   (lambda () #f)
   (lambda ()
  (guard (e (#t (set! failure e)))
    (set! conn (parameterize ((pop3-tls-fingerprint opt-tls-fingerprint)
                              (pop3-tls-ca-file opt-tls-ca-file)
                              (pop3-command-timeout opt-timeout)
                              (pop3-min-rate opt-min-rate)
                              (pop3-connect-timeout opt-timeout))
                 (if opt-no-tls (pop3-connect/no-tls target) (pop3-connect target))))
    (if user (pop3-login conn user) (pop3-login conn))
    (set! mb (mailbox-open dest state account 0 opt-lock-wait))
    (for-each (lambda (note) (format (current-error-port) "~a~a~%" who note))
              (mailbox-notes mb))
    ;; The sizes by message number: a table, not a vector as long as the
    ;; highest number, which the server chooses ("2000000000 120").
    (let* ((stat-count (call-with-values (lambda () (pop3-stat conn)) (lambda (n octets) n)))
           (sizes (pop3-list conn))
           (size-table (make-hash-table eqv?))
           (size-of (lambda (num) (hash-table-ref/default size-table num 0)))
           (uidls (guard (e ((pop3-error? e) #f)) (pop3-uidl conn))))
      (for-each (lambda (p) (hash-table-set! size-table (car p) (cdr p))) sizes)
      ;; STAT and LIST count the same messages (RFC 1939): a server whose
      ;; LIST leaves some out (or adds some) is not trusted with the run.
      (if (not (= stat-count (length sizes)))
          (error (string-append "protocol: STAT counts " (plural stat-count "message")
                                ", LIST lists " (number->string (length sizes)))))
      (if (and opt-keep (not uidls))
          (error "the server has no UIDL command: --keep cannot tell new mail from old"))
      ;; A UIDL naming a message LIST lacks (or one twice) is a protocol
      ;; error: such a server is not trusted with deletions.
      (if uidls (mailbox-check-uidl sizes uidls))
      (let*-values (((fresh old) (if uidls
                                     (mailbox-partition mb uidls sizes)
                                     (values (map car sizes) '())))
                    ((fresh) (if opt-max-size
                                 (filter (lambda (m)
                                           (let* ((num (if (pair? m) (car m) m))
                                                  (size (size-of num)))
                                             (if (> size opt-max-size)
                                                 (begin (set! skipped (cons (cons num size) skipped)) #f)
                                                 #t)))
                                         fresh)
                                 fresh)))
        (set! skipped (reverse skipped))
        (for-each (lambda (p)
                    (format (current-error-port)
                            "~amessage ~a (~a) is larger than --max-size: left on the server~%"
                            who (car p) (human-size (cdr p))))
                  skipped)
        (set! earlier (map car old))
        (set! total (length fresh))
        ;; Batches of at most 256 messages or 32 MB: each batch is
        ;; fsynced at once; the progress line moves between batches.
        ;; With nothing to fetch, the mailbox is still told the
        ;; connection: a confirmed QUIT then settles what an earlier run
        ;; left uncertain (see mailbox-close).
        (if (null? fresh) (mailbox-fetch! mb conn '()))
        (let loop ((todo fresh))
          (if (pair? todo)
              (let batch ((l todo) (n 0) (octets 0) (acc '()))
                (if (and (pair? l) (< n 256) (< octets (* 32 1024 1024)))
                    (let* ((m (car l)) (num (if (pair? m) (car m) m)))
                      (batch (cdr l) (+ n 1) (+ octets (size-of num)) (cons m acc)))
                    (begin
                      (set! moved (+ moved (mailbox-fetch! mb conn (reverse acc))))
                      (set! moved-octets (+ moved-octets octets))
                      (progress moved moved-octets)
                      (loop l))))))
        (mailbox-commit! mb)
        ;; Without UIDL, the messages an earlier run stored but whose
        ;; QUIT was not confirmed are recognized by their content: not
        ;; stored again, but among mailbox-stored, to be deleted.
        (set! recognized (- (length (mailbox-stored mb)) moved))
        (if (not opt-keep)
            (let ((doomed (append (mailbox-stored mb) earlier)))
              (if (pair? doomed)
                  (begin (set! deleting #t)
                         (set! deleted (pop3-delete-all conn doomed))
                         (if (not (marked-as-asked? conn doomed (or uidls sizes)
                                                    (if uidls pop3-uidl pop3-list)))
                             ;; Unmarked (RSET, for a server that would
                             ;; delete on a dropped connection), and
                             ;; closed without QUIT.
                             (begin
                               (guard (e (#t #f)) (pop3-reset conn))
                               (pop3-abort conn)
                               (set! deleting #f)
                               (error (string-append
                                       "protocol: after DELE the server no longer lists its messages"
                                       " as before less those marked (it may have marked others,"
                                       " or renumbered them), or refuses to list them: RSET sent, no QUIT"))))))))
        (set! quitting #t)
        (pop3-quit conn)
        (set! quitting #f)
        (mailbox-close mb))))
     (set! settled #t))
   stop!)
  (if (and tty? (> total 0)) (display "\r\x1b;[K" (current-error-port)))
  (if failure
      (begin
        ;; Keep what was stored (durable, recorded), delete nothing more.
        (if mb (guard (e (#t (format (current-error-port) "~a~a~%" who (error-text e))))
                 (mailbox-close mb)))
        (if conn (guard (e (#t #f)) (pop3-close conn)))
        (format (current-error-port) "~a~a~%" who (error-text failure))
        (if (and quitting deleting)
            ;; The DELEs were sent, QUIT's +OK never came (the connection
            ;; dropped, or -ERR): the server may have applied them or
            ;; not. What was stored stays stored and recorded: the next
            ;; run stores none of it again, and deletes on the server
            ;; whatever is still there.
            (format (current-error-port)
                    "~aQUIT not confirmed: deletions uncertain: the server may still hold the ~a stored in ~a (kept there); the next run will not store them again~%"
                    who (plural deleted "message") dest)
            (format (current-error-port) "~a~a stored in ~a, ~a~%"
                    who (plural (length (if mb (mailbox-stored mb) '())) "message") dest
                    (if deleting
                        "and only stored ones may have been deleted on the server"
                        "nothing deleted on the server")))
        #f)
      (begin
       (if (not opt-quiet)
          (format #t "~a~a (~a) ~a ~a~a~%"
                  who (plural moved "message") (human-size moved-octets)
                  (if opt-keep "copied to" "moved to") dest
                  (string-append
                   (if (and (> (+ (length earlier) recognized) 0) (not opt-keep))
                       (format #f "; ~a stored by an earlier run deleted" (+ (length earlier) recognized))
                       "")
                   (if (pair? skipped)
                       (format #f "; ~a over --max-size left on the server" (length skipped))
                       ""))))
       #t)))

(movemail)
