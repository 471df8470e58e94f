;;; sigproc.scm -- the scsh procedures and forms of signals, process
;;; objects and process state that are written in Scheme over their Go
;;; primitives (signals.go, procobj.go, procctl.go).

;; (with-enabled-interrupts* set thunk): thunk runs with the interrupts of
;; set enabled; the enabled set is put back however thunk is left.
(define (with-enabled-interrupts* set thunk)
  (let ((before (enabled-interrupts)))
    (dynamic-wind (lambda () (set-enabled-interrupts set))
                  thunk
                  (lambda () (set-enabled-interrupts before)))))

(define-syntax with-enabled-interrupts
  (syntax-rules ()
    ((_ set body ...) (with-enabled-interrupts* set (lambda () body ...)))))

;; The effective ids, changed around a thunk and put back after it.
(define (with-user-effective-uid* uid thunk)
  (let ((before (user-effective-uid)))
    (dynamic-wind (lambda () (set-user-effective-uid uid))
                  thunk
                  (lambda () (set-user-effective-uid before)))))

(define (with-user-effective-gid* gid thunk)
  (let ((before (user-effective-gid)))
    (dynamic-wind (lambda () (set-user-effective-gid gid))
                  thunk
                  (lambda () (set-user-effective-gid before)))))

(define-syntax with-user-effective-uid
  (syntax-rules ()
    ((_ uid body ...) (with-user-effective-uid* uid (lambda () body ...)))))

(define-syntax with-user-effective-gid
  (syntax-rules ()
    ((_ gid body ...) (with-user-effective-gid* gid (lambda () body ...)))))

;; (with-autoreaping thunk): children are reaped as soon as they end.
(define (with-autoreaping thunk)
  (autoreap-policy 'early)
  (thunk))
