;;; The scsh port, lock and file-matching procedures written in Scheme over
;;; the primitives of fdprims.go, reclock.go and portmisc.go. Compiled one
;;; definition at a time, on first use.

;; (y-or-n? question [eof-value]): asks on the current output port and
;; reads lines from the current input port until one starts with y or n.
;; At end of input it asks again *y-or-n-eof-count* times, then returns
;; eof-value or signals an error.
(define (y-or-n? question . maybe-eof-value)
  (define (ask) (display question) (display " (y/n)? "))
  (let again ((left *y-or-n-eof-count*))
    (ask)
    (let ((answer (read-line)))
      (if (eof-object? answer)
          (begin
            (newline)
            (cond ((> left 0)
                   (display "I'll only ask another ")
                   (write left)
                   (display " times.")
                   (newline)
                   (again (- left 1)))
                  ((pair? maybe-eof-value) (car maybe-eof-value))
                  (else (error "EOF in y-or-n?"))))
          (let ((c (and (> (string-length answer) 0) (string-ref answer 0))))
            (case c
              ((#\y) #t)
              ((#\n) #f)
              (else (again left))))))))

;; (reduce-port port reader op seed ...): the old name of port-fold.
(define (reduce-port port reader op . seeds)
  (apply port-fold port reader op seeds))

;; The standard descriptors' ports as the current ports.
(define (stdio->stdports)
  (set-current-input-port! (fdes->inport 0))
  (set-current-output-port! (fdes->outport 1))
  (set-current-error-port! (fdes->outport 2)))

(define (with-stdio-ports* thunk)
  (parameterize ((current-input-port (fdes->inport 0))
                 (current-output-port (fdes->outport 1))
                 (current-error-port (fdes->outport 2)))
    (thunk)))

;; (with-dot-lock* file thunk): thunk's values, holding file's dot lock
;; while it runs; leaving it (a return, an error, an escape) releases the
;; lock, and coming back in takes it again.
(define (with-dot-lock* file thunk)
  (dynamic-wind (lambda () (obtain-dot-lock file))
                thunk
                (lambda () (release-dot-lock file))))

;; (with-region-lock* fdes lock thunk): thunk's values with the record
;; lock held; leaving releases it; coming back in is an error.
(define (with-region-lock* fdes lock thunk)
  (let ((left #f))
    (dynamic-wind (lambda ()
                    (if left
                        (error "with-region-lock*: cannot re-enter the extent of a released lock" lock))
                    (lock-region fdes lock))
                  thunk
                  (lambda ()
                    (set! left #t)
                    (unlock-region fdes lock)))))

;; (record-reader [delims elide? handle-delim]): a procedure (reader
;; [port]) reading one record ended by a character of delims (default: a
;; newline); with elide?, a run of delimiters ends it. handle-delim is
;; trim, concat or split, as for read-delimited.
(define (record-reader . args)
  (let* ((arg (lambda (i default)
                (if (> (length args) i) (list-ref args i) default)))
         (delims (->char-set (arg 0 (char-set #\newline))))
         (elide? (arg 1 #f))
         (mode (arg 2 'trim))
         (others (char-set-complement delims))
         (port-of (lambda (maybe) (if (pair? maybe) (car maybe) (current-input-port)))))
    (case mode
      ((trim)
       (lambda maybe-port
         (let* ((p (port-of maybe-port))
                (rec (read-delimited delims p)))
           (if (and elide? (not (eof-object? rec)))
               (skip-char-set delims p))
           rec)))
      ((concat)
       (lambda maybe-port
         (let* ((p (port-of maybe-port))
                (rec (read-delimited delims p 'concat)))
           (if (or (not elide?) (eof-object? rec))
               rec
               (let ((more (read-delimited others p 'peek)))
                 (if (eof-object? more) rec (string-append rec more)))))))
      ((split)
       (lambda maybe-port
         (let ((p (port-of maybe-port)))
           (call-with-values (lambda () (read-delimited delims p 'split))
             (lambda (rec delim)
               (cond ((eof-object? rec) (values rec rec))
                     ((or (not elide?) (eof-object? delim)) (values rec delim))
                     (else
                      (let ((more (read-delimited others p 'peek)))
                        (values rec (if (eof-object? more)
                                        (string delim)
                                        (string-append (string delim) more)))))))))))
      (else (error "record-reader: handle-delim must be trim, concat or split" mode)))))

;; (file-match root dot-files? pattern ...): the files under root whose
;; path matches the patterns, one directory level per pattern: a string
;; (a POSIX regexp; "/" in it separates levels), a regexp, or a predicate
;; on the file's name (one that signals an error does not match).
(define (file-match root dot-files? . patterns)
  (define (split-levels pat)
    (let loop ((end (string-length pat)) (i (- (string-length pat) 1)) (acc '()))
      (cond ((< i 0) (cons (substring pat 0 end) acc))
            ((char=? (string-ref pat i) #\/)
             (loop i (- i 1) (cons (substring pat (+ i 1) end) acc)))
            (else (loop end (- i 1) acc)))))
  (define (matcher pat dir)
    (if (regexp? pat)
        (lambda (name) (regexp-search? pat name))
        (lambda (name)
          (guard (c ((error? c) #f))
            (pat (string-append dir name))))))
  (define (listing dir)
    (guard (c ((error? c) '()))
      (directory-files (if (string=? dir "") "." dir) dot-files?)))
  (let ((levels
         (apply append
                (map (lambda (p)
                       (cond ((string? p) (map posix-string->regexp (split-levels p)))
                             ((or (regexp? p) (procedure? p)) (list p))
                             (else (error "file-match: a pattern must be a string, a regexp or a procedure" p))))
                     patterns))))
    (let walk ((root root) (levels levels))
      (if (null? levels)
          (list root)
          (let* ((dir (file-name-as-directory root))
                 (ok? (matcher (car levels) dir)))
            (apply append
                   (map (lambda (name) (walk (string-append dir name) (cdr levels)))
                        (filter ok? (listing root)))))))))
