;;; save-messages.scm -- save every message into a file of its own.
;;;
;;; Usage: popsh examples/save-messages.scm [DIRECTORY]   (default: saved-mail)
;;; pop3-get writes to (current-output-port), so with-output-to-file sends
;;; the message straight into the file, streamed, byte-stuffing undone.
;;; Wrap the call in (parameterize ((pop3-line-ending 'crlf)) ...) to keep the
;;; network's CRLF line ends.

(define dir (if (pair? command-line-arguments) (car command-line-arguments) "saved-mail"))
(if (not (file-exists? dir)) (create-directory dir))

(define conn (pop3-connect))
(pop3-login conn)
(receive (count octets) (pop3-stat conn)
  (do ((n 1 (+ n 1))) ((> n count))
    (let ((file (string-append dir "/" (number->string n) ".eml")))
      (with-output-to-file file (lambda () (pop3-get conn n)))
      (display "saved ") (display file) (newline))))

;; The same message with CRLF line ends, as it travels on the network.
(parameterize ((pop3-line-ending 'crlf))
  (call-with-output-file (string-append dir "/1-crlf.eml")
    (lambda (port)
      (with-current-output-port port (pop3-get conn 1)))))
(display "saved ") (display dir) (display "/1-crlf.eml (CRLF line ends)") (newline)
(pop3-quit conn)
