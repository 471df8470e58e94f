;;; scsh's general utilities (its scsh-utilities structure): vector
;;; helpers, argument checks, deprecation wrappers and the thread helpers.
;;; Only procedure definitions: each is compiled on first use.

(define (mapv f v)
  (let* ((n (vector-length v))
         (out (make-vector n)))
    (let loop ((i 0))
      (if (< i n)
          (begin (vector-set! out i (f (vector-ref v i)))
                 (loop (+ i 1)))
          out))))

(define (mapv! f v)
  (let ((n (vector-length v)))
    (let loop ((i 0))
      (if (< i n)
          (begin (vector-set! v i (f (vector-ref v i)))
                 (loop (+ i 1)))
          v))))

(define (vector-every? pred v)
  ;; Tested from the last element down; #t for an empty vector.
  (let loop ((i (- (vector-length v) 1)))
    (cond ((< i 0) #t)
          ((pred (vector-ref v i)) (loop (- i 1)))
          (else #f))))

(define (copy-vector v)
  (vector-copy v))

(define (initialize-vector n init)
  (let ((v (make-vector n)))
    (let loop ((i (- n 1)))
      (if (< i 0)
          v
          (begin (vector-set! v i (init i))
                 (loop (- i 1)))))))

(define (vfold kons knil v)
  (let ((n (vector-length v)))
    (let loop ((i 0) (acc knil))
      (if (< i n)
          (loop (+ i 1) (kons (vector-ref v i) acc))
          acc))))

(define (vfold-right kons knil v)
  (let loop ((i (- (vector-length v) 1)) (acc knil))
    (if (< i 0)
        acc
        (loop (- i 1) (kons (vector-ref v i) acc)))))

(define (check-arg pred val caller)
  ;; A handler that returns from the error supplies a new value, which is
  ;; checked again.
  (let loop ((v val))
    (if (pred v)
        v
        (loop (error "Bad argument" v pred caller)))))

(define (deprecated-proc proc name . preferred)
  (let ((warned? #f))
    (lambda args
      (if (not warned?)
          (begin
            (set! warned? #t)
            (apply warn "Deprecated procedure (may not be supported in a future release)"
                   name preferred)))
      (apply proc args))))

(define (real->exact-integer x)
  (exact (round x)))

(define (run-as-long-as thunk1 thunk2 spawn-thread . name)
  ;; thunk1 runs in a thread made by spawn-thread while thunk2 runs here;
  ;; when thunk2 returns or escapes, that thread is stopped.
  (let ((th (make-placeholder)))
    (apply spawn-thread
           (lambda ()
             (placeholder-set! th (current-thread))
             (thunk1))
           name)
    (dynamic-wind
     (lambda () #f)
     thunk2
     (lambda () (thread-terminate! (placeholder-value th))))))

(define (obtain-all-or-none . locks)
  ;; Take every lock without holding some while waiting for another: when
  ;; one is busy, release those taken, wait for the busy one, and start
  ;; over with it held.
  (let loop ((held '()) (todo locks))
    (if (pair? todo)
        (let ((lock (car todo)))
          (if (maybe-obtain-lock lock)
              (loop (cons lock held) (cdr todo))
              (begin
                (for-each release-lock held)
                (obtain-lock lock)
                (loop (list lock)
                      (let remove ((ls locks))
                        (cond ((null? ls) '())
                              ((eq? (car ls) lock) (remove (cdr ls)))
                              (else (cons (car ls) (remove (cdr ls)))))))))))))
