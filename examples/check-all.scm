;; check-all.scm -- every account of ~/.netrc checked at once, one thread
;; each, so that the waits on the network overlap; lines in netrc order.
(define (check host)
  (guard (e (#t (format #f "~a: ~a" host (condition/report-string e))))
    (let ((conn (pop3-connect host)))
      (pop3-login conn)
      (receive (n octets) (pop3-stat conn)
        (pop3-quit conn)
        (format #f "~a: ~a messages, ~a octets" host n octets)))))
(for-each (lambda (t) (display (thread-join! t)) (newline))
          (map (lambda (host) (spawn (lambda () (check host)))) (netrc-machines)))
