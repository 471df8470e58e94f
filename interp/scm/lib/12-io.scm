;;; 12-io.scm -- port procedures built on parameterize and dynamic-wind.
;;; A port opened here is closed when its procedure returns
;;; or when control escapes from it (an error, a continuation).

(define (call-with-port port proc)
  (call-with-values (lambda () (proc port))
    (lambda vals
      (close-port port)
      (apply values vals))))

(define (%call-closing port proc)
  (dynamic-wind
    (lambda () #f)
    (lambda () (proc port))
    (lambda () (close-port port))))

(define (call-with-input-file filename proc)
  (%call-closing (open-input-file filename) proc))

(define (call-with-output-file filename proc)
  (%call-closing (open-output-file filename) proc))

(define (with-input-from-file filename thunk)
  (%call-closing (open-input-file filename)
                 (lambda (port)
                   (parameterize ((current-input-port port)) (thunk)))))

(define (with-output-to-file filename thunk)
  (%call-closing (open-output-file filename)
                 (lambda (port)
                   (parameterize ((current-output-port port)) (thunk)))))

(define (with-output-to-string thunk)
  (let ((port (open-output-string)))
    (parameterize ((current-output-port port)) (thunk))
    (get-output-string port)))

(define (call-with-output-string proc)
  (let ((port (open-output-string)))
    (proc port)
    (get-output-string port)))

(define (with-input-from-string string thunk)
  (parameterize ((current-input-port (open-input-string string))) (thunk)))
