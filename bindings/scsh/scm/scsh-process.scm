;;; scsh-process.scm -- scsh procedures written in Scheme over the process
;;; primitives: the * procedures behind the run forms, port filters,
;;; with-umask*, call-terminally. Compiled one definition at a time on
;;; first use (a lazy library: only procedure definitions here).
;;; A thunk given to a * procedure runs in popsh as a (begin ...) stage
;;; does: its output is collected, and exec or exit inside it end it.

(define (run/port* thunk) (%run/port (list thunk)))
(define (run/port+proc* thunk) (%run/port+proc (list thunk)))
(define (run/string* thunk) (%run/string (list thunk)))
(define (run/strings* thunk) (%run/strings (list thunk)))
(define (run/sexp* thunk) (read (%run/port (list thunk))))
(define (run/sexps* thunk) (port->sexp-list (%run/port (list thunk))))
(define (run/collecting* fds thunk) (%run/collecting fds (list thunk)))
(define (run/file* thunk) (%run/file (list thunk)))

;; (%run/file epf): runs the form with its output into a new temporary
;; file, and returns the file's name.
(define (%run/file epf)
  (let ((name (create-temp-file)))
    (%run (append epf (list (list '> name))))
    name))

;; Stage thunks that copy (current-input-port) to (current-output-port)
;; through filter: a char -> char, or a string -> string.
(define (make-char-port-filter filter)
  (lambda ()
    (let loop ()
      (let ((c (read-char)))
        (if (not (eof-object? c))
            (begin (write-char (filter c)) (loop)))))))

(define (make-string-port-filter filter . maybe-buflen)
  (let ((buflen (if (pair? maybe-buflen) (car maybe-buflen) 1024)))
    (if (not (and (exact-integer? buflen) (> buflen 0)))
        (%arg-type-error "make-string-port-filter" 2 "buflen" "a positive exact integer" buflen))
    (lambda ()
      (let ((buf (make-string buflen)))
        (let loop ()
          (let ((n (read-string! buf (current-input-port) 0 buflen)))
            (if n
                (begin (display (filter (if (= n buflen) buf (substring buf 0 n))))
                       (loop)))))))))

;; scsh 0.5's name of make-char-port-filter, which the scsh manual's
;; spell-checking pipeline still uses: ((char-filter char-downcase)) for
;; tr A-Z a-z. (Its string-filter is not defined: that name is SRFI-13's.)
(define (char-filter filter) (make-char-port-filter filter))

(define (with-umask* mask thunk)
  (let ((old (umask)))
    (dynamic-wind (lambda () (set-umask mask))
                  thunk
                  (lambda () (set-umask old)))))

;; Calls thunk and then ends the process (inside a stage: the stage) with
;; status 0; it never returns.
(define (call-terminally thunk)
  (thunk)
  (exit 0))

;; scsh's pipelines of thunks: each thunk but the last is forked with
;; its output into the current input port of the rest; the last is
;; called here, to the end of the process (inside a stage: of the stage).
(define (tail-pipe a b)
  (fork/pipe a)
  (call-terminally b))

(define (tail-pipe+ conns a b)
  (fork/pipe+ conns a)
  (call-terminally b))

(define (pipe* . thunks)
  (if (not (pair? thunks))
      (error "No thunks passed to PIPE*"))
  (let lay ((thunks thunks))
    (if (pair? (cdr thunks))
        (begin (fork/pipe (car thunks))
               (lay (cdr thunks)))
        (call-terminally (car thunks)))))

;;; Scheme48's fluids and thread fluids (popsh has one thread): a fluid
;;; is a parameter holding a box, so let-fluid binds it for the dynamic
;;; extent of a thunk and set-fluid! changes the innermost binding.
(define (make-fluid value) (make-parameter (list value)))
(define (fluid f) (car (f)))
(define (set-fluid! f value) (set-car! (f) value))
(define (let-fluid f value thunk) (parameterize ((f (list value))) (thunk)))
(define (let-fluids . args)
  (if (null? (cdr args))
      ((car args))
      (let-fluid (car args) (cadr args) (lambda () (apply let-fluids (cddr args))))))
(define (make-thread-fluid value) (make-fluid value))
(define (make-preserved-thread-fluid value) (make-fluid value))
(define (thread-fluid f) (fluid f))
(define (set-thread-fluid! f value) (set-fluid! f value))
(define (let-thread-fluid f value thunk) (let-fluid f value thunk))
;;; Scheme48's thread-fluids structure also has fork-thread (and its old
;;; name spoon): spawn a thread that keeps the preserved thread fluids of
;;; its creator. popsh's threads start with their creator's fluids.
(define (fork-thread thunk . name) (apply spawn thunk name))
(define spoon fork-thread)
