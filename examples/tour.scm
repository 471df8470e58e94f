;;; tour.scm -- a walk through every POP3 procedure of popsh.
;;;
;;; `popsh --demo` runs it against a sample server of its own.  Against
;;; your own server: MAILHOST=pop.example.org popsh examples/tour.scm
;;; (login and password from ~/.netrc).  It leaves the maildrop as it
;;; found it: the one deletion it makes is undone with pop3-reset.

(define (say . things) (for-each display things) (newline))
(define (show value) (display "=> ") (write value) (newline))
(define (step . title) (newline) (apply say ";; " title))

(step "(pop3-connect) opens a connection to $MAILHOST (port 110; host:port,")
(say  ";; pop3s://host or port 995 for TLS; pop3-connect/tls always uses TLS).")
(define conn (pop3-connect))
(show conn)

(step "(pop3-capabilities conn): what the server offers, one list per line of CAPA.")
(for-each (lambda (cap) (display "   ") (write cap) (newline)) (pop3-capabilities conn))

(step "(pop3-login conn): login and password from ~/.netrc (or the file $NETRC")
(say  ";; names), with the strongest method the server offers (here APOP: the")
(say  ";; greeting carries a timestamp and there is no TLS).  Like every status,")
(say  ";; the result is the server's text after +OK, leading space included.")
(show (pop3-login conn))

(step "(pop3-stat conn) returns two values: messages waiting and their size.")
(receive (count octets) (pop3-stat conn)
  (say "=> " count " messages, " octets " octets"))

(step "(pop3-list conn): (number . octets) per message; (pop3-uidl conn):")
(say  ";; (number . unique-id), ids that stay the same from session to session.")
(show (pop3-list conn))
(show (pop3-uidl conn))

(step "(pop3-headers conn 1) writes the header of message 1 and the blank line")
(say  ";; after it to (current-output-port); the result is the status text.")
(pop3-headers conn 1)

(step "(pop3-top conn 4 8): the header and the first 8 lines of the body.")
(say  ";; Lines starting with a dot arrive exactly as they were written.")
(pop3-top conn 4 8)

(step "(pop3-get conn 1) writes the whole message; with-output-to-string")
(say  ";; (or with-output-to-file, call-with-output-file) captures it.")
(define text (with-output-to-string (lambda () (pop3-get conn 1))))
(say "=> a string of " (string-length text) " characters; its 9th line:")
(say "   " (let ((in (open-input-string text)))
              (do ((i 1 (+ i 1))) ((= i 9) (read-line in)) (read-line in))))

(step "(pop3-last conn): the highest message number accessed in this session.")
(show (pop3-last conn))

(step "(pop3-noop conn): nothing, but the server answers.")
(show (pop3-noop conn))

(step "pop3-for-each-message fetches many messages in one pipelined go and")
(say  ";; calls a procedure with each number and text.  Here: every Subject.")
(pop3-for-each-message conn
  (lambda (n text)
    (let ((m (regexp-search (rx (posix-string "(^|\n)Subject: ([^\n]*)")) text)))
      (say "   " n ": " (if m (match:substring m 2) "(no subject)")))))

(step "(pop3-delete conn 2) marks message 2; it goes only when the session")
(say  ";; ends with pop3-quit.  (pop3-reset conn) unmarks everything.")
(show (pop3-delete conn 2))
(receive (count octets) (pop3-stat conn) (say "   now " count " messages"))
(show (pop3-reset conn))
(receive (count octets) (pop3-stat conn) (say "   and " count " again"))

(step "A server -ERR is a condition (-ERR?), seen by guard and with-handler.")
(guard (e ((-ERR? e)
           (say "=> caught: " (pop3-error-text e))
           (say "   command: " (pop3-error-command e)
                ", response code: " (pop3-error-code e))))
  (pop3-get conn 99))

(step "(pop3-quit conn) ends the session and closes the connection.")
(show (pop3-quit conn))

(step "After quit, a command is refused at once, and nothing is sent:")
(guard (e ((error-object? e) (say "=> error: " (error-object-message e))))
  (pop3-stat conn))
(newline)
