;;; scsh.scm -- the Scheme part of popsh's scsh compatibility layer.
;;; Loaded by Install after the Go primitives and macros. A definition
;;; written (define (name ...) ...) is compiled on the first call of name;
;;; the other forms are evaluated by Install, in order.

;;; Conditions (Scheme48's old system).
;;; with-handler pushes a "direct" handler: it runs at the point of the
;;; signal, with the handler list unchanged, and its value becomes the
;;; value of the signalling call. The outermost with-handler also pushes a
;;; last-resort handler below it, which lets non-error conditions proceed
;;; and passes errors on.

(define %scsh-handler-depth (make-parameter 0))

(define (%scsh-last-resort c punt)
  (cond ((or (not (condition? c)) (error? c)) (punt))
        ((%condition-isa? c 'warning) (display-condition c (current-error-port)) (if #f #f))
        (else (if #f #f))))

(define (with-handler handler thunk)
  (let ((depth (%scsh-handler-depth)))
    (if (= depth 0)
        (parameterize ((%scsh-handler-depth 1))
          (%with-direct-handler %scsh-last-resort
            (lambda () (%with-direct-handler handler thunk))))
        (parameterize ((%scsh-handler-depth (+ depth 1)))
          (%with-direct-handler handler thunk)))))

(define (error? c) (%condition-isa? c 'error))
(define call-error? (condition-predicate 'call-error))
(define syscall-error? (condition-predicate 'syscall-error))
(define warning? (condition-predicate 'warning))

(define (syntax-error msg . irritants)
  (apply signal 'syntax-error msg irritants))

(define (ignore-errors thunk)
  (call-with-current-continuation
    (lambda (k)
      (with-handler (lambda (c punt) (if (error? c) (k c) (punt)))
                    thunk))))

(define (display-condition c . maybe-port)
  (let ((port (if (pair? maybe-port) (car maybe-port) (current-output-port))))
    (write-string (%condition->string c) port)))

(define (with-errno-handler* handler thunk)
  (with-handler
    (lambda (c punt)
      (if (syscall-error? c)
          (let ((stuff (condition-stuff c)))
            (handler (car stuff) (cdr stuff))
            (punt))
          (punt)))
    thunk))

(define (errno-error errno . stuff)
  (apply signal 'syscall-error errno stuff))

;;; Ports.

(define (with-current-output-port* port thunk)
  (parameterize ((current-output-port port)) (thunk)))
(define (with-current-input-port* port thunk)
  (parameterize ((current-input-port port)) (thunk)))
(define (with-current-error-port* port thunk)
  (parameterize ((current-error-port port)) (thunk)))
(define with-error-output-port* with-current-error-port*)

(define (call-with-string-output-port proc)
  (let ((port (make-string-output-port)))
    (proc port)
    (string-output-port-output port)))

(define (port->list reader . maybe-port)
  (let ((port (if (pair? maybe-port) (car maybe-port) (current-input-port))))
    (let loop ((acc '()))
      (let ((x (reader port)))
        (if (eof-object? x)
            (reverse acc)
            (loop (cons x acc)))))))

(define (port->sexp-list . maybe-port)
  (apply port->list read maybe-port))

(define (port-fold port reader op . seeds)
  (let loop ((seeds seeds))
    (let ((x (reader port)))
      (if (eof-object? x)
          (apply values seeds)
          (call-with-values (lambda () (apply op x seeds))
            (lambda new-seeds (loop new-seeds)))))))

(define (close-after port proc)
  (call-with-values (lambda () (proc port))
    (lambda results (close port) (apply values results))))

;; Runs a (begin ...) process stage: input is its standard input (#f: the
;; current input port), err its error port (#f: the current one); the
;; value is (status . what it wrote). exec and exit inside the stage end
;; it through %scsh-stage-exit with their status (see stage.go).
(define %scsh-stage-exit (make-parameter #f))
(define (%scsh-run-thunk thunk input err)
  (let* ((out (make-string-output-port))
         (status (call-with-current-continuation
                   (lambda (k)
                     (parameterize ((current-input-port (if input
                                                            (make-string-input-port input)
                                                            (current-input-port)))
                                    (current-output-port out)
                                    (current-error-port (or err (current-error-port)))
                                    (%scsh-stage-exit k))
                       (thunk)
                       0)))))
    (cons status (string-output-port-output out))))

;; The thunk a forked stage's thread runs (see fork.go): thunk with the
;; ports given; exit and exec end it through %scsh-stage-exit, an error
;; ends it with status 1 after its message (scsh's call-terminally).
(define (%scsh-fork-body proc thunk in out err)
  (lambda ()
    (%stage-end proc
      (call-with-current-continuation
        (lambda (k)
          (parameterize ((current-input-port in)
                         (current-output-port out)
                         (current-error-port err)
                         (%scsh-stage-exit k))
            (guard (c (#t (%stage-error proc c) (k 256)))
              (thunk))
            0))))))

;; The thunk of a stage that runs the process form epf: & of a form
;; with a (begin ...) part.
(define (%scsh-epf-thunk epf) (lambda () (%exec-epf epf)))

;;; Command line.

(define (argv n . maybe-default)
  (let ((cl (command-line)))
    (cond ((and (>= n 0) (< n (length cl))) (list-ref cl n))
          ((pair? maybe-default) (car maybe-default))
          (else (error "argument out of bounds" n)))))

(define (arg lst n . maybe-default)
  (cond ((and (>= n 1) (<= n (length lst))) (list-ref lst (- n 1)))
        ((pair? maybe-default) (car maybe-default))
        (else (error "argument out of bounds" n lst))))

(define (arg* lst n . maybe-default-thunk)
  (cond ((and (>= n 1) (<= n (length lst))) (list-ref lst (- n 1)))
        ((pair? maybe-default-thunk) ((car maybe-default-thunk)))
        (else (error "argument out of bounds" n lst))))

;;; Files and misc.

(define (with-cwd* dir thunk)
  (let ((old (cwd)))
    (dynamic-wind (lambda () (chdir dir))
                  thunk
                  (lambda () (chdir old)))))

(define (safe-first l) (and (pair? l) (car l)))
(define (safe-second l) (and (pair? l) (pair? (cdr l)) (cadr l)))

;; Temporary files: (temp-file-iterate maker [template]) calls maker on
;; the names TEMPLATE formats with 0, 1, 2 ... until it returns true
;; values; a name that exists (or may not be used) is passed over.
;; *temp-file-template*, $TMPDIR (else /var/tmp), "/", the process id and
;; "~a", is defined by Install (scsh.go), so that a start compiles nothing.

(define (temp-file-iterate maker . maybe-template)
  (let ((template (if (pair? maybe-template) (car maybe-template) *temp-file-template*)))
    (let loop ((i 0))
      (if (> i 1000)
          (error "temp-file-iterate: can't create temp-file" template))
      (call-with-values
        (lambda ()
          (call-with-current-continuation
            (lambda (k)
              (with-handler
                (lambda (c punt)
                  (if (and (syscall-error? c)
                           (memv (car (condition-stuff c)) (list errno/exist errno/acces)))
                      (k #f)
                      (punt)))
                (lambda () (maker (format #f template (number->string i))))))))
        (lambda results
          (if (and (pair? results) (car results))
              (apply values results)
              (loop (+ i 1))))))))

;; (file-options name ...): the open flags of later scsh releases, as
;; the open/... integer they stand for.
(define (%file-option name)
  (case name
    ((read-only) open/read) ((write-only) open/write) ((read-write) open/read+write)
    ((append) open/append) ((create) open/create) ((truncate) open/truncate)
    ((exclusive) open/exclusive) ((nonblocking) open/non-blocking)
    ((no-controlling-tty) open/no-control-tty) ((sync) open/sync)
    (else (error "file-options: unknown option" name))))

(define-syntax file-options
  (syntax-rules ()
    ((_ name ...) (apply bitwise-ior 0 (map %file-option '(name ...))))))

;; File modes are integers, as in scsh 0.6; later scsh's conversion and
;; comparison procedures work on them.
(define (file-mode? x) (and (exact-integer? x) (<= 0 x #o7777)))
(define (integer->file-mode n) n)
(define (file-mode->integer m) m)
(define (file-mode=? a b) (= a b))
(define (file-mode<=? a b) (= (bitwise-and a b) a))
(define (file-mode>=? a b) (= (bitwise-and a b) b))
(define (file-mode+ . modes) (apply bitwise-ior 0 modes))
(define (file-mode- a b) (bitwise-and a (bitwise-not b)))

;;; Regexp iteration (scsh re.scm).

(define (regexp-fold re kons knil s . opts)
  (let ((finish (if (pair? opts) (car opts) (lambda (i acc) acc)))
        (start (if (and (pair? opts) (pair? (cdr opts))) (cadr opts) 0))
        (len (string-length s)))
    (let loop ((i start) (search-from start) (acc knil))
      (let ((m (and (<= search-from len) (regexp-search re s search-from))))
        (if m
            (let ((end (match:end m)))
              (loop end
                    (if (= end (match:start m)) (+ end 1) end)
                    (kons i m acc)))
            (finish i acc))))))

(define (regexp-for-each re proc s . maybe-start)
  (apply regexp-fold re (lambda (i m acc) (proc m) acc) #f s
         (lambda (i acc) (if #f #f))
         maybe-start))

;; (regexp-fold-right re kons knil s [finish start]): kons gets each
;; match, the index where the next match begins (the length after the last),
;; and the value folded from the right; finish gets the first match's
;; start (or the length) and the result.
(define (regexp-fold-right re kons knil s . opts)
  (let ((finish (if (pair? opts) (car opts) (lambda (i acc) acc)))
        (start (if (and (pair? opts) (pair? (cdr opts))) (cadr opts) 0))
        (len (string-length s)))
    (if (not (<= 0 start len))
        (error "regexp-fold-right: illegal start index" start))
    (let ((ms (reverse (regexp-fold re (lambda (i m acc) (cons m acc)) '() s
                                    (lambda (i acc) acc) start))))
      (if (null? ms)
          (finish len knil)
          (finish (match:start (car ms))
                  (let recur ((ms ms))
                    (if (null? (cdr ms))
                        (kons (car ms) len knil)
                        (kons (car ms) (match:start (cadr ms)) (recur (cdr ms))))))))))

;;; SRFI-13's optional [start end] on procedures R7RS also has: when the
;;; argument after the string is an index, the SRFI-13 reading applies.
;;; The %r7- names keep the interpreter's own procedures.
(define %r7-string-for-each string-for-each)
(define %r7-string-map string-map)
(define %r7-string-upcase string-upcase)
(define %r7-string-downcase string-downcase)

(define (string-for-each proc s . rest)
  (if (and (pair? rest) (exact-integer? (car rest)))
      (%r7-string-for-each proc (apply substring s (car rest)
                                       (if (pair? (cdr rest)) (list (cadr rest)) (list (string-length s)))))
      (apply %r7-string-for-each proc s rest)))

(define (string-map proc s . rest)
  (if (and (pair? rest) (exact-integer? (car rest)))
      (%r7-string-map proc (apply substring s (car rest)
                                  (if (pair? (cdr rest)) (list (cadr rest)) (list (string-length s)))))
      (apply %r7-string-map proc s rest)))

(define (string-upcase s . range)
  (%r7-string-upcase (if (pair? range) (apply substring s range) s)))

(define (string-downcase s . range)
  (%r7-string-downcase (if (pair? range) (apply substring s range) s)))

(define (reverse-list->string chars) (list->string (reverse chars)))

;;; SUnet's CRLF helpers.

(define (read-crlf-line . args)
  (let ((line (apply read-line args)))
    (if (and (string? line)
             (> (string-length line) 0)
             (char=? (string-ref line (- (string-length line) 1)) #\return))
        (substring line 0 (- (string-length line) 1))
        line)))

;;; Environment.

;; The environment as an alist: with-total-env* runs thunk with exactly
;; alist as the process environment (children see it too) and puts the
;; old one back after; with-env* changes only the variables of its delta.
;; A value may be a list of strings, joined with ":".
(define (with-total-env* alist thunk)
  (let ((saved #f))
    (dynamic-wind
      (lambda () (set! saved (env->alist)) (alist->env alist))
      thunk
      (lambda () (alist->env saved)))))

(define (with-env* alist-delta thunk)
  (with-total-env*
    (fold (lambda (kv alist) (alist-update (car kv) (cdr kv) alist))
          (env->alist)
          alist-delta)
    thunk))

(define-syntax with-env
  (syntax-rules ()
    ((_ delta body ...) (with-env* (quasiquote delta) (lambda () body ...)))))

(define-syntax with-total-env
  (syntax-rules ()
    ((_ env body ...) (with-total-env* (quasiquote env) (lambda () body ...)))))

;; (alist-update key val alist): alist with key bound to val, first.
(define (alist-update key val alist)
  (cons (cons key val)
        (let drop ((l alist))
          (cond ((null? l) '())
                ((equal? (caar l) key) (drop (cdr l)))
                (else (cons (car l) (drop (cdr l))))))))

;; (alist-compress alist): only the first binding of each key, in order.
(define (alist-compress alist)
  (let loop ((l alist) (seen '()) (acc '()))
    (cond ((null? l) (reverse acc))
          ((member (caar l) seen) (loop (cdr l) seen acc))
          (else (loop (cdr l) (cons (caar l) seen) (cons (car l) acc))))))

;; (add-before elt before list): elt goes just before the first BEFORE,
;; or at the end when there is none.
(define (add-before elt before lst)
  (let rec ((l lst))
    (cond ((null? l) (list elt))
          ((equal? (car l) before) (cons elt l))
          (else (cons (car l) (rec (cdr l)))))))

;; (add-after elt after list): elt goes just after the last AFTER, or at
;; the front when there is none.
(define (add-after elt after lst)
  (let ((tail (let find ((l lst) (last #f))
                (cond ((null? l) last)
                      ((equal? (car l) after) (find (cdr l) l))
                      (else (find (cdr l) last))))))
    (if (not tail)
        (cons elt lst)
        (let copy ((l lst))
          (if (eq? l tail)
              (cons (car l) (cons elt (cdr l)))
              (cons (car l) (copy (cdr l))))))))

;;; SRFI-13's let-string-start+end: bind start and end (and the rest of
;;; the arguments) from an argument list that may begin with them.
(define-syntax let-string-start+end
  (syntax-rules ()
    ((_ (start end) proc s args body ...)
     (call-with-values (lambda () (string-parse-final-start+end proc s args))
       (lambda (start end) body ...)))
    ((_ (start end rest) proc s args body ...)
     (call-with-values (lambda () (string-parse-start+end proc s args))
       (lambda (rest start end) body ...)))))

;;; scsh regexp binding forms: let-match, if-match, match-cond.
;;; mvars is (whole sub1 sub2 ...); #f skips a position.

(define-syntax %let-match-vars
  (syntax-rules ()
    ((_ m i () body ...) (let () body ...))
    ((_ m i (#f . vars) body ...) (%let-match-vars m (+ i 1) vars body ...))
    ((_ m i (v . vars) body ...)
     (let ((v (match:substring m i))) (%let-match-vars m (+ i 1) vars body ...)))))

(define-syntax let-match
  (syntax-rules ()
    ((_ match-exp mvars body ...)
     (let ((m match-exp))
       (if (not m) (error "let-match: no match" 'match-exp))
       (%let-match-vars m 0 mvars body ...)))))

(define-syntax if-match
  (syntax-rules ()
    ((_ match-exp mvars on-match no-match)
     (let ((m match-exp))
       (if m (%let-match-vars m 0 mvars on-match) no-match)))))

(define-syntax match-cond
  (syntax-rules (else test =>)
    ((_) (if #f #f))
    ((_ (else body ...)) (let () body ...))
    ((_ (test exp => proc) clause ...)
     (let ((t exp)) (if t (proc t) (match-cond clause ...))))
    ((_ (test exp) clause ...)
     (let ((t exp)) (if t t (match-cond clause ...))))
    ((_ (test exp body ...) clause ...)
     (if exp (let () body ...) (match-cond clause ...)))
    ((_ (match-exp mvars body ...) clause ...)
     (let ((m match-exp))
       (if m (%let-match-vars m 0 mvars body ...) (match-cond clause ...))))))

;;; (field-reader [field-parser rec-reader]): a procedure of an optional
;;; port that reads a record and returns it and its list of fields.
(define (field-reader . args)
  (let ((parser (if (and (pair? args) (car args)) (car args) (field-splitter)))
        (reader (if (and (pair? args) (pair? (cdr args))) (cadr args) read-line)))
    (lambda maybe-port
      (let ((rec (apply reader maybe-port)))
        (if (eof-object? rec)
            (values rec '())
            (values rec (parser rec)))))))

(define (call-with-input-string s proc) (proc (open-input-string s)))

;;; (read-string! str [port start end]): fills str[start, end) from port;
;;; returns the number of characters read, or #f at end of file.
(define (read-string! s . args)
  (let* ((port (if (and (pair? args) (car args)) (car args) (current-input-port)))
         (start (if (and (pair? args) (pair? (cdr args))) (cadr args) 0))
         (end (if (and (pair? args) (pair? (cdr args)) (pair? (cddr args)))
                  (caddr args)
                  (string-length s))))
    (if (not (and (exact-integer? start) (exact-integer? end) (<= 0 start end (string-length s))))
        (error "read-string!: bad range" start end))
    (let loop ((i start))
      (if (= i end)
          (- i start)
          (let ((c (read-char port)))
            (cond ((not (eof-object? c)) (string-set! s i c) (loop (+ i 1)))
                  ((= i start) #f)
                  (else (- i start))))))))

;;; Scheme48's queues (structure queues): first in, first out. The
;;; elements are a list after a head pair; tail is the list's last pair.
(define-record-type %queue
  (%make-queue head tail)
  queue?
  (head %queue-head)
  (tail %queue-tail %set-queue-tail!))

(define (make-queue)
  (let ((head (list 'queue)))
    (%make-queue head head)))

(define (list->queue items)
  (let ((q (make-queue)))
    (for-each (lambda (x) (enqueue! q x)) items)
    q))

(define (%check-queue who q)
  (if (not (queue? q)) (%arg-type-error who 1 "queue" "a queue" q)))

(define (queue-empty? q)
  (%check-queue "queue-empty?" q)
  (null? (cdr (%queue-head q))))

(define (enqueue! q x)
  (%check-queue "enqueue!" q)
  (let ((p (list x)))
    (set-cdr! (%queue-tail q) p)
    (%set-queue-tail! q p)))

(define (enqueue-many! q items)
  (for-each (lambda (x) (enqueue! q x)) items))

(define (queue-head q)
  (if (queue-empty? q) (error "queue-head: empty queue" q))
  (cadr (%queue-head q)))

(define (maybe-queue-head q)
  (if (queue-empty? q) #f (cadr (%queue-head q))))

(define (dequeue! q)
  (if (queue-empty? q) (error "dequeue!: empty queue" q))
  (maybe-dequeue! q))

(define (maybe-dequeue! q)
  (if (queue-empty? q)
      #f
      (let* ((head (%queue-head q))
             (first (cadr head)))
        (set-cdr! head (cddr head))
        (if (null? (cdr head)) (%set-queue-tail! q head))
        first)))

(define (empty-queue! q)
  (%check-queue "empty-queue!" q)
  (set-cdr! (%queue-head q) '())
  (%set-queue-tail! q (%queue-head q)))

(define (queue->list q)
  (%check-queue "queue->list" q)
  (list-copy (cdr (%queue-head q))))

(define (queue-length q)
  (%check-queue "queue-length" q)
  (length (cdr (%queue-head q))))

(define (on-queue? q x)
  (%check-queue "on-queue?" q)
  (and (memv x (cdr (%queue-head q))) #t))

;; Removes the first element eqv? to x; whether there was one.
(define (delete-from-queue! q x)
  (%check-queue "delete-from-queue!" q)
  (let loop ((prev (%queue-head q)))
    (cond ((null? (cdr prev)) #f)
          ((eqv? (cadr prev) x)
           (set-cdr! prev (cddr prev))
           (if (null? (cdr prev)) (%set-queue-tail! q prev))
           #t)
          (else (loop (cdr prev))))))
