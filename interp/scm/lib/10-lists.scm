;;; 10-lists.scm -- list procedures written in Scheme.
;;; The fast cases are Go primitives (member and assoc without a predicate,
;;; %cars, %cdrs, append-reverse); what calls a user procedure is here, so that
;;; call/cc, errors and tail calls behave as in any Scheme code.
;;; Results are built without mutating visible structure: re-entering a
;;; continuation captured inside f never corrupts an earlier result.

(define (%member/compare x lst same?)
  (let loop ((l lst))
    (cond ((pair? l) (if (same? x (car l)) l (loop (cdr l))))
          ((null? l) #f)
          (else (error "member: expected a proper list, got" lst)))))

(define (%assoc/compare x alist same?)
  (let loop ((l alist))
    (cond ((pair? l)
           (if (not (pair? (car l)))
               (error "assoc: expected an association list (a list of pairs), got" alist))
           (if (same? x (car (car l))) (car l) (loop (cdr l))))
          ((null? l) #f)
          (else (error "assoc: expected a proper list, got" alist)))))

;; One list: the first elements by recursion, which makes the result's
;; pairs only (the frames cost less than a second list), and past a depth
;; the rest into a list reversed at the end, so that a long list does not
;; take one frame per element.
(define (map f l . ls)
  (if (null? ls)
      (let rec ((l l) (k 0))
        (cond ((not (pair? l)) '())
              ((< k 64) (let ((v (f (car l)))) (cons v (rec (cdr l) (+ k 1)))))
              (else (let loop ((l l) (acc '()))
                      (if (pair? l)
                          (loop (cdr l) (cons (f (car l)) acc))
                          (reverse acc))))))
      (let loop ((ls (cons l ls)) (acc '()))
        (let ((cars (%cars ls)))
          (if cars
              (loop (%cdrs ls) (cons (apply f cars) acc))
              (reverse acc))))))

(define (for-each f l . ls)
  (if (null? ls)
      (let loop ((l l))
        (if (pair? l)
            (begin (f (car l)) (loop (cdr l)))))
      (let loop ((ls (cons l ls)))
        (let ((cars (%cars ls)))
          (if cars
              (begin (apply f cars) (loop (%cdrs ls))))))))

(define (append-map f l . ls)
  (apply append (apply map f l ls)))

(define (filter-map f l . ls)
  (let loop ((ls (cons l ls)) (acc '()))
    (let ((cars (%cars ls)))
      (if cars
          (let ((v (apply f cars)))
            (loop (%cdrs ls) (if v (cons v acc) acc)))
          (reverse acc)))))

;; Library procedures call each other through %-names, so that a script
;; defining its own filter (say) does not change remove or delete.
(define (%filter who keep? lst)
  (let loop ((l lst) (acc '()))
    (cond ((pair? l) (loop (cdr l) (if (keep? (car l)) (cons (car l) acc) acc)))
          ((null? l) (reverse acc))
          (else (error (string-append who ": expected a proper list, got") lst)))))

(define (filter pred lst) (%filter "filter" pred lst))

(define (remove pred lst)
  (%filter "remove" (lambda (x) (not (pred x))) lst))

(define (partition pred lst)
  (let loop ((l lst) (in '()) (out '()))
    (cond ((pair? l)
           (if (pred (car l))
               (loop (cdr l) (cons (car l) in) out)
               (loop (cdr l) in (cons (car l) out))))
          ((null? l) (values (reverse in) (reverse out)))
          (else (error "partition: expected a proper list, got" lst)))))

(define (delete x lst . compare)
  (let ((same? (if (pair? compare) (car compare) equal?)))
    (%filter "delete" (lambda (y) (not (same? x y))) lst)))

(define (delete-duplicates lst . compare)
  (let ((same? (if (pair? compare) (car compare) equal?)))
    (let loop ((l lst) (acc '()))
      (cond ((pair? l)
             (loop (cdr l)
                   (if (let seen ((a acc))
                         (and (pair? a) (or (same? (car a) (car l)) (seen (cdr a)))))
                       acc
                       (cons (car l) acc))))
            ((null? l) (reverse acc))
            (else (error "delete-duplicates: expected a proper list, got" lst))))))

;; SRFI-1 fold: (kons elem ... acc), left to right.
(define (fold kons knil l . ls)
  (if (null? ls)
      (let loop ((l l) (acc knil))
        (if (pair? l) (loop (cdr l) (kons (car l) acc)) acc))
      (let loop ((ls (cons l ls)) (acc knil))
        (let ((cars (%cars ls)))
          (if cars
              (loop (%cdrs ls) (apply kons (append cars (list acc))))
              acc)))))

;; (f acc elem ...), left to right (R6RS fold-left).
(define (fold-left f init l . ls)
  (if (null? ls)
      (let loop ((l l) (acc init))
        (if (pair? l) (loop (cdr l) (f acc (car l))) acc))
      (let loop ((ls (cons l ls)) (acc init))
        (let ((cars (%cars ls)))
          (if cars
              (loop (%cdrs ls) (apply f acc cars))
              acc)))))

;; (kons elem ... acc), right to left (SRFI-1 and R6RS fold-right).
(define (fold-right kons knil l . ls)
  (if (null? ls)
      (let loop ((l (reverse l)) (acc knil))
        (if (pair? l) (loop (cdr l) (kons (car l) acc)) acc))
      (let loop ((rows (reverse (apply map list l ls))) (acc knil))
        (if (pair? rows)
            (loop (cdr rows) (apply kons (append (car rows) (list acc))))
            acc))))

(define (reduce f ridentity lst)
  (if (null? lst)
      ridentity
      (let loop ((l (cdr lst)) (acc (car lst)))
        (if (pair? l) (loop (cdr l) (f (car l) acc)) acc))))

(define (reduce-right f ridentity lst)
  (if (null? lst)
      ridentity
      (let ((r (reverse lst)))
        (let loop ((l (cdr r)) (acc (car r)))
          (if (pair? l) (loop (cdr l) (f (car l) acc)) acc)))))

(define (any pred l . ls)
  (if (null? ls)
      (let loop ((l l))
        (cond ((not (pair? l)) #f)
              ((null? (cdr l)) (pred (car l)))
              ((pred (car l)) => (lambda (v) v))
              (else (loop (cdr l)))))
      (let loop ((ls (cons l ls)))
        (let ((cars (%cars ls)))
          (cond ((not cars) #f)
                ((apply pred cars) => (lambda (v) v))
                (else (loop (%cdrs ls))))))))

(define (every pred l . ls)
  (if (null? ls)
      (let loop ((l l))
        (cond ((not (pair? l)) #t)
              ((null? (cdr l)) (pred (car l)))
              ((pred (car l)) (loop (cdr l)))
              (else #f)))
      (let loop ((ls (cons l ls)) (last #t))
        (let ((cars (%cars ls)))
          (if (not cars)
              last
              (let ((v (apply pred cars)))
                (if v (loop (%cdrs ls) v) #f)))))))

(define (find pred lst)
  (let loop ((l lst))
    (cond ((pair? l) (if (pred (car l)) (car l) (loop (cdr l))))
          (else #f))))

(define (find-tail pred lst)
  (let loop ((l lst))
    (cond ((pair? l) (if (pred (car l)) l (loop (cdr l))))
          (else #f))))

(define (count pred l . ls)
  (if (null? ls)
      (let loop ((l l) (n 0))
        (if (pair? l) (loop (cdr l) (if (pred (car l)) (+ n 1) n)) n))
      (let loop ((ls (cons l ls)) (n 0))
        (let ((cars (%cars ls)))
          (if cars
              (loop (%cdrs ls) (if (apply pred cars) (+ n 1) n))
              n)))))

(define (list-index pred l . ls)
  (let loop ((ls (cons l ls)) (i 0))
    (let ((cars (%cars ls)))
      (cond ((not cars) #f)
            ((apply pred cars) i)
            (else (loop (%cdrs ls) (+ i 1)))))))

;; iota and list-tabulate refuse counts beyond make-list's limit (2^25), so
;; that a typo is an error rather than an out-of-memory crash.
(define (iota count . rest)
  (if (and (exact-integer? count) (> count 33554432))
      (error "iota: count is too large (at most 33554432):" count))
  (let ((start (if (pair? rest) (car rest) 0))
        (step (if (and (pair? rest) (pair? (cdr rest))) (cadr rest) 1)))
    (let loop ((i (- count 1)) (acc '()))
      (if (< i 0)
          acc
          (loop (- i 1) (cons (+ start (* i step)) acc))))))

(define (list-tabulate n f)
  (if (and (exact-integer? n) (> n 33554432))
      (error "list-tabulate: count is too large (at most 33554432):" n))
  (let loop ((i (- n 1)) (acc '()))
    (if (< i 0) acc (loop (- i 1) (cons (f i) acc)))))

(define (take lst k)
  (let loop ((l lst) (k k) (acc '()))
    (cond ((= k 0) (reverse acc))
          ((pair? l) (loop (cdr l) (- k 1) (cons (car l) acc)))
          (else (error "take: list too short:" lst)))))

(define (drop lst k) (list-tail lst k))

(define (take-while pred lst)
  (let loop ((l lst) (acc '()))
    (if (and (pair? l) (pred (car l)))
        (loop (cdr l) (cons (car l) acc))
        (reverse acc))))

(define (drop-while pred lst)
  (let loop ((l lst))
    (if (and (pair? l) (pred (car l))) (loop (cdr l)) l)))

(define (last lst)
  (if (pair? lst)
      (car (last-pair lst))
      (error "last: expected a pair, got" lst)))

(define (first l) (car l))
(define (second l) (cadr l))
(define (third l) (caddr l))
(define (fourth l) (cadddr l))
(define (fifth l) (car (cddddr l)))

;;; Sorting: stable merge sort. (sort seq less?) as in Scheme48 and many
;;; Schemes, (list-sort less? list) and (vector-sort less? vector) as in
;;; SRFI-132; each also accepts the other argument order.

(define (%merge a b less?)
  (let loop ((a a) (b b) (acc '()))
    (cond ((null? a) (append-reverse acc b))
          ((null? b) (append-reverse acc a))
          ((less? (car b) (car a)) (loop a (cdr b) (cons (car b) acc)))
          (else (loop (cdr a) b (cons (car a) acc))))))

(define (%sort-list lst less?)
  (cond ((null? lst) '())
        ((null? (cdr lst)) (list (car lst)))
        (else
         ;; split in the middle (slow/fast pointers), sort the halves, merge
         (let loop ((slow lst) (fast (cdr lst)) (front '()))
           (if (and (pair? fast) (pair? (cdr fast)))
               (loop (cdr slow) (cddr fast) (cons (car slow) front))
               (%merge (%sort-list (reverse (cons (car slow) front)) less?)
                       (%sort-list (cdr slow) less?)
                       less?))))))

(define (%sort who a b)
  (let ((seq (if (procedure? a) b a))
        (less? (if (procedure? a) a b)))
    (if (not (procedure? less?))
        (error (string-append who ": expected a procedure, got") less?))
    (cond ((vector? seq) (list->vector (%sort-list (vector->list seq) less?)))
          ((list? seq) (%sort-list seq less?))
          (else (error (string-append who ": expected a list or a vector, got") seq)))))

(define (sort seq less?) (%sort "sort" seq less?))
(define (list-sort less? seq) (%sort "list-sort" less? seq))
(define (vector-sort less? seq) (%sort "vector-sort" less? seq))
(define (merge a b less?) (%merge a b less?))

(define (vector-sort! v less?)
  (let ((sorted (%sort "vector-sort!" v less?)))
    (vector-copy! (if (vector? v) v less?) 0 sorted)))
