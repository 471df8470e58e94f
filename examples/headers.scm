;;; headers.scm -- list who wrote each message and about what, with regexps.
;;;
;;; pop3-headers fetches only the header (TOP n 0); with-output-to-string
;;; captures it, and a scsh regular expression (an SRE, with the field
;;; name spliced in by ,name) picks the fields out.

(define conn (pop3-connect))
(pop3-login conn)

(define (header-field name header)
  (let ((m (regexp-search (rx (: (| bos #\newline) ,name ": " (submatch (* (~ #\newline)))))
                          header)))
    (and m (match:substring m 1))))

(receive (count octets) (pop3-stat conn)
  (do ((n 1 (+ n 1))) ((> n count))
    (let ((header (with-output-to-string (lambda () (pop3-headers conn n)))))
      (display (format #f "~a  ~a~%     ~a~%" n
                       (header-field "From" header)
                       (header-field "Subject" header))))))
(pop3-quit conn)
