;;; apop.scm -- log in with APOP: the password never crosses the network.
;;;
;;; The server's greeting carries a timestamp such as <1896.697170952@host>;
;;; the client sends the MD5 digest of the timestamp and the password.
;;; Credentials come from ~/.netrc (or $NETRC) for the host in $MAILHOST.

(define conn (pop3-connect))
(define host (pop3-connection-host conn))

(define netrc (netrc:parse))
(define login (netrc:lookup-login netrc host))
(define password (netrc:lookup-password netrc host))

(display "greeting: ") (display (pop3-greeting conn)) (newline)
(display "APOP login: ") (display (pop3-login/APOP conn login password)) (newline)
(receive (count octets) (pop3-stat conn)
  (display count) (display " messages waiting") (newline))
(pop3-quit conn)
