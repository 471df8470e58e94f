;;; The syslog procedures written in Scheme over the primitives of
;;; syslog.go. %syslog-channel is a parameter holding a box (a list of
;;; one channel): with-syslog-destination binds a new box for the thunk,
;;; set-syslog-destination! and set-syslog-channel! change the innermost.

(define (with-syslog-destination ident options facility mask thunk)
  (parameterize ((%syslog-channel
                  (list (%syslog-change-channel ident options facility mask))))
    (thunk)))
