;;; The rest of SRFI-1, SRFI-13 and SRFI-14 that scsh 0.6 exports and the Go
;;; layer does not define. Installed by Install after scsh.scm.

;;; Helpers.

;; who's argument pos, a char, char-set or predicate, as a predicate.
(define (%criteria->pred who pos c)
  (cond ((char? c) (lambda (x) (char=? x c)))
        ((char-set? c) (lambda (x) (char-set-contains? c x)))
        ((procedure? c) c)
        (else (%arg-type-error who pos "pred" "a char, char-set or predicate" c))))

;; (values start end) from the optional [start end] arguments in rest;
;; s is who's argument pos, named param.
(define (%string-range who pos param s rest)
  (if (not (string? s))
      (%arg-type-error who pos param "a string" s))
  (let* ((len (string-length s))
         (start (if (pair? rest) (car rest) 0))
         (end (if (and (pair? rest) (pair? (cdr rest))) (cadr rest) len)))
    (if (not (and (exact-integer? start) (exact-integer? end) (<= 0 start end len)))
        (error (string-append who ": bad range for a string of length "
                              (number->string len))
               start end))
    (values start end)))

;; Two strings with optional [start1 end1 start2 end2].
(define (%string-ranges2 who s1 s2 rest)
  (receive (start1 end1) (%string-range who 1 "s1" s1 rest)
    (receive (start2 end2) (%string-range who 2 "s2" s2 (if (and (pair? rest) (pair? (cdr rest)))
                                                     (cddr rest)
                                                     '()))
      (values start1 end1 start2 end2))))

;;; SRFI-13.

(define (string-take s n) (substring s 0 n))
(define (string-drop s n) (substring s n (string-length s)))
(define (string-take-right s n)
  (let ((len (string-length s))) (substring s (- len n) len)))
(define (string-drop-right s n)
  (substring s 0 (- (string-length s) n)))

(define (string-every c s . r)
  (let ((p (%criteria->pred "string-every" 1 c)))
    (receive (start end) (%string-range "string-every" 2 "string" s r)
      (let loop ((i start) (last #t))
        (if (= i end)
            last
            (let ((v (p (string-ref s i))))
              (and v (loop (+ i 1) v))))))))

(define (string-any c s . r)
  (let ((p (%criteria->pred "string-any" 1 c)))
    (receive (start end) (%string-range "string-any" 2 "string" s r)
      (let loop ((i start))
        (and (< i end)
             (or (p (string-ref s i)) (loop (+ i 1))))))))

(define (string-tabulate proc len)
  (let ((s (make-string len)))
    (do ((i 0 (+ i 1))) ((= i len) s)
      (string-set! s i (proc i)))))

(define (string-count s c . r)
  (let ((p (%criteria->pred "string-count" 2 c)))
    (receive (start end) (%string-range "string-count" 1 "string" s r)
      (do ((i start (+ i 1))
           (n 0 (if (p (string-ref s i)) (+ n 1) n)))
          ((= i end) n)))))

(define (string-skip s c . r)
  (let ((p (%criteria->pred "string-skip" 2 c)))
    (receive (start end) (%string-range "string-skip" 1 "string" s r)
      (let loop ((i start))
        (cond ((= i end) #f)
              ((p (string-ref s i)) (loop (+ i 1)))
              (else i))))))

(define (string-skip-right s c . r)
  (let ((p (%criteria->pred "string-skip-right" 2 c)))
    (receive (start end) (%string-range "string-skip-right" 1 "string" s r)
      (let loop ((i (- end 1)))
        (cond ((< i start) #f)
              ((p (string-ref s i)) (loop (- i 1)))
              (else i))))))

(define string-rindex string-index-right)

(define (string-fold kons knil s . r)
  (receive (start end) (%string-range "string-fold" 3 "string" s r)
    (let loop ((i start) (acc knil))
      (if (= i end) acc (loop (+ i 1) (kons (string-ref s i) acc))))))

(define (string-fold-right kons knil s . r)
  (receive (start end) (%string-range "string-fold-right" 3 "string" s r)
    (let loop ((i (- end 1)) (acc knil))
      (if (< i start) acc (loop (- i 1) (kons (string-ref s i) acc))))))

(define (reverse-string->list s . r)
  (receive (start end) (%string-range "reverse-string->list" 1 "string" s r)
    (let loop ((i start) (acc '()))
      (if (= i end) acc (loop (+ i 1) (cons (string-ref s i) acc))))))

(define (string-reverse s . r)
  (list->string (apply reverse-string->list s r)))

(define (string-reverse! s . r)
  (receive (start end) (%string-range "string-reverse!" 1 "string" s r)
    (let loop ((i start) (j (- end 1)))
      (if (< i j)
          (let ((c (string-ref s i)))
            (string-set! s i (string-ref s j))
            (string-set! s j c)
            (loop (+ i 1) (- j 1)))))))

(define (string-concatenate-reverse strings . r)
  (let ((final (if (pair? r) (car r) ""))
        (end (if (and (pair? r) (pair? (cdr r))) (cadr r) #f)))
    (string-append (apply string-append (reverse strings))
                   (if end (substring final 0 end) final))))

(define (string-append/shared . strings) (apply string-append strings))
(define (string-concatenate/shared strings) (apply string-append strings))
(define (substring/shared s start . r)
  (substring s start (if (pair? r) (car r) (string-length s))))

(define (string-replace s1 s2 start1 end1 . r)
  (receive (start2 end2) (%string-range "string-replace" 2 "s2" s2 r)
    (string-append (substring s1 0 start1)
                   (substring s2 start2 end2)
                   (substring s1 end1 (string-length s1)))))

;; SRFI-13 puts the string first; its reference implementation (used by
;; scsh) takes the criterion first. Both orders are accepted.
(define (%filter-args who a b)
  (if (and (string? b) (not (string? a))) (values b a) (values a b)))

(define (string-filter a b . r)
  (receive (s c) (%filter-args "string-filter" a b)
    (let ((p (%criteria->pred "string-filter" (if (eq? s a) 2 1) c)))
      (receive (start end) (%string-range "string-filter" (if (eq? s a) 1 2) "string" s r)
        (list->string (filter p (string->list s start end)))))))

(define (string-delete a b . r)
  (receive (s c) (%filter-args "string-delete" a b)
    (let ((p (%criteria->pred "string-delete" (if (eq? s a) 2 1) c)))
      (receive (start end) (%string-range "string-delete" (if (eq? s a) 1 2) "string" s r)
        (list->string (remove p (string->list s start end)))))))

(define (string-contains-ci s1 s2 . r)
  (receive (start1 end1 start2 end2) (%string-ranges2 "string-contains-ci" s1 s2 r)
    (let ((n (- end2 start2)))
      (let loop ((i start1))
        (cond ((> (+ i n) end1) #f)
              ((string-ci=? (substring s1 i (+ i n)) (substring s2 start2 end2)) i)
              (else (loop (+ i 1))))))))

(define (string-titlecase s . r)
  (receive (start end) (%string-range "string-titlecase" 1 "string" s r)
    (let ((out (string-copy s start end)))
      (let loop ((i 0) (in-word #f))
        (if (< i (string-length out))
            (let ((c (string-ref out i)))
              (if (char-alphabetic? c)
                  (begin
                    (string-set! out i (if in-word (char-downcase c) (char-upcase c)))
                    (loop (+ i 1) #t))
                  (loop (+ i 1) #f)))
            out)))))

(define (string-upcase! s . r)
  (receive (start end) (%string-range "string-upcase!" 1 "string" s r)
    (do ((i start (+ i 1))) ((= i end))
      (string-set! s i (char-upcase (string-ref s i))))))

(define (string-downcase! s . r)
  (receive (start end) (%string-range "string-downcase!" 1 "string" s r)
    (do ((i start (+ i 1))) ((= i end))
      (string-set! s i (char-downcase (string-ref s i))))))

(define (string-map! proc s . r)
  (receive (start end) (%string-range "string-map!" 2 "string" s r)
    (do ((i start (+ i 1))) ((= i end))
      (string-set! s i (proc (string-ref s i))))))

(define (xsubstring s from . r)
  (let* ((to (if (pair? r) (car r) #f))
         (rest (if (pair? r) (cdr r) '())))
    (receive (start end) (%string-range "xsubstring" 1 "string" s rest)
      (let* ((len (- end start))
             (to (or to (+ from len))))
        (cond ((= to from) "")
              ((= len 0) (error "xsubstring: empty source string" s))
              (else
               (string-tabulate
                (lambda (i) (string-ref s (+ start (modulo (+ from i) len))))
                (- to from))))))))

(define (string-xcopy! target tstart s from . r)
  (let ((x (apply xsubstring s from r)))
    (string-copy! target tstart x)))

;; Length of the common prefix / suffix.
(define (%prefix-length who char= s1 s2 r)
  (receive (start1 end1 start2 end2) (%string-ranges2 who s1 s2 r)
    (let loop ((i start1) (j start2))
      (if (and (< i end1) (< j end2) (char= (string-ref s1 i) (string-ref s2 j)))
          (loop (+ i 1) (+ j 1))
          (- i start1)))))

(define (%suffix-length who char= s1 s2 r)
  (receive (start1 end1 start2 end2) (%string-ranges2 who s1 s2 r)
    (let loop ((i (- end1 1)) (j (- end2 1)) (n 0))
      (if (and (>= i start1) (>= j start2) (char= (string-ref s1 i) (string-ref s2 j)))
          (loop (- i 1) (- j 1) (+ n 1))
          n))))

(define (string-prefix-length s1 s2 . r) (%prefix-length "string-prefix-length" char=? s1 s2 r))
(define (string-prefix-length-ci s1 s2 . r) (%prefix-length "string-prefix-length-ci" char-ci=? s1 s2 r))
(define (string-suffix-length s1 s2 . r) (%suffix-length "string-suffix-length" char=? s1 s2 r))
(define (string-suffix-length-ci s1 s2 . r) (%suffix-length "string-suffix-length-ci" char-ci=? s1 s2 r))

;; (string-compare s1 s2 proc< proc= proc> [start1 end1 start2 end2]):
;; calls one of the procedures on the index in s1 where they first differ.
(define (%string-compare who char= char< s1 s2 lt eq gt r)
  (receive (start1 end1 start2 end2) (%string-ranges2 who s1 s2 r)
    (let loop ((i start1) (j start2))
      (cond ((and (= i end1) (= j end2)) (eq i))
            ((= i end1) (lt i))
            ((= j end2) (gt i))
            ((char= (string-ref s1 i) (string-ref s2 j)) (loop (+ i 1) (+ j 1)))
            ((char< (string-ref s1 i) (string-ref s2 j)) (lt i))
            (else (gt i))))))

(define (string-compare s1 s2 lt eq gt . r)
  (%string-compare "string-compare" char=? char<? s1 s2 lt eq gt r))
(define (string-compare-ci s1 s2 lt eq gt . r)
  (%string-compare "string-compare-ci" char-ci=? char-ci<? s1 s2 lt eq gt r))

(define (%string-rel who ci? want)
  (lambda (s1 s2 . r)
    (%string-compare who (if ci? char-ci=? char=?) (if ci? char-ci<? char<?) s1 s2
                     (lambda (i) (memq '< want))
                     (lambda (i) (memq '= want))
                     (lambda (i) (memq '> want))
                     r)))

(define (%true-or-false x) (if x #t #f))
(define string= (let ((f (%string-rel "string=" #f '(=)))) (lambda a (%true-or-false (apply f a)))))
(define string<> (let ((f (%string-rel "string<>" #f '(< >)))) (lambda a (%true-or-false (apply f a)))))
(define string< (let ((f (%string-rel "string<" #f '(<)))) (lambda a (%true-or-false (apply f a)))))
(define string> (let ((f (%string-rel "string>" #f '(>)))) (lambda a (%true-or-false (apply f a)))))
(define string<= (let ((f (%string-rel "string<=" #f '(< =)))) (lambda a (%true-or-false (apply f a)))))
(define string>= (let ((f (%string-rel "string>=" #f '(> =)))) (lambda a (%true-or-false (apply f a)))))
(define string-ci= (let ((f (%string-rel "string-ci=" #t '(=)))) (lambda a (%true-or-false (apply f a)))))
(define string-ci<> (let ((f (%string-rel "string-ci<>" #t '(< >)))) (lambda a (%true-or-false (apply f a)))))
(define string-ci< (let ((f (%string-rel "string-ci<" #t '(<)))) (lambda a (%true-or-false (apply f a)))))
(define string-ci> (let ((f (%string-rel "string-ci>" #t '(>)))) (lambda a (%true-or-false (apply f a)))))
(define string-ci<= (let ((f (%string-rel "string-ci<=" #t '(< =)))) (lambda a (%true-or-false (apply f a)))))
(define string-ci>= (let ((f (%string-rel "string-ci>=" #t '(> =)))) (lambda a (%true-or-false (apply f a)))))

(define (string-hash s . r)
  (let ((bound (if (and (pair? r) (car r)) (car r) 4194304)))
    (if (not (and (exact-integer? bound) (> bound 0)))
        (%arg-type-error "string-hash" 2 "bound" "a positive exact integer" bound))
    (receive (start end) (%string-range "string-hash" 1 "string" s (if (pair? r) (cdr r) '()))
      (let loop ((i start) (h 0))
        (if (= i end)
            (modulo h bound)
            (loop (+ i 1) (modulo (+ (* h 31) (char->integer (string-ref s i))) 4294967291)))))))

(define (string-hash-ci s . r)
  (apply string-hash (string-downcase s) r))

(define (string-unfold p f g seed . r)
  (let ((base (if (pair? r) (car r) ""))
        (make-final (if (and (pair? r) (pair? (cdr r))) (cadr r) (lambda (x) ""))))
    (let loop ((seed seed) (acc '()))
      (if (p seed)
          (string-append base (list->string (reverse acc)) (make-final seed))
          (loop (g seed) (cons (f seed) acc))))))

(define (string-unfold-right p f g seed . r)
  (let ((base (if (pair? r) (car r) ""))
        (make-final (if (and (pair? r) (pair? (cdr r))) (cadr r) (lambda (x) ""))))
    (let loop ((seed seed) (acc '()))
      (if (p seed)
          (string-append (make-final seed) (list->string acc) base)
          (loop (g seed) (cons (f seed) acc))))))

;;; SRFI-14 iteration (the set algebra is in Go).

(define (char-set-for-each proc cs) (for-each proc (char-set->list cs)))
(define (char-set-map proc cs) (list->char-set (map proc (char-set->list cs))))
(define (char-set-fold kons knil cs) (fold kons knil (char-set->list cs)))
(define (char-set-filter pred cs . base)
  (list->char-set (filter pred (char-set->list cs))
                  (if (pair? base) (car base) char-set:empty)))
(define (char-set-count pred cs) (count pred (char-set->list cs)))
(define (char-set-every pred cs) (every pred (char-set->list cs)))
(define (char-set-any pred cs) (any pred (char-set->list cs)))

;;; SRFI-1.

(define (xcons a b) (cons b a))
(define (car+cdr p) (values (car p) (cdr p)))
(define (take-right lst k)
  (let loop ((lag lst) (lead (drop lst k)))
    (if (pair? lead) (loop (cdr lag) (cdr lead)) lag)))
(define (drop-right lst k)
  (let loop ((lag lst) (lead (drop lst k)))
    (if (pair? lead) (cons (car lag) (loop (cdr lag) (cdr lead))) '())))
(define (split-at lst k) (values (take lst k) (drop lst k)))
(define take! take)
(define drop-right! drop-right)
(define split-at! split-at)
(define filter! filter)
(define remove! remove)
(define delete! delete)
(define append-map! append-map)
(define map-in-order map)
(define (concatenate lists) (apply append lists))

(define (span pred lst)
  (let loop ((l lst) (acc '()))
    (if (and (pair? l) (pred (car l)))
        (loop (cdr l) (cons (car l) acc))
        (values (reverse acc) l))))
(define (break pred lst) (span (lambda (x) (not (pred x))) lst))
(define span! span)
(define break! break)

(define (unfold p f g seed . tail-gen)
  (let loop ((seed seed) (acc '()))
    (if (p seed)
        (append-reverse acc (if (pair? tail-gen) ((car tail-gen) seed) '()))
        (loop (g seed) (cons (f seed) acc)))))

(define (unfold-right p f g seed . tail)
  (let loop ((seed seed) (acc (if (pair? tail) (car tail) '())))
    (if (p seed) acc (loop (g seed) (cons (f seed) acc)))))

(define (pair-fold kons knil lst)
  (let loop ((l lst) (acc knil))
    (if (pair? l)
        (let ((next (cdr l))) (loop next (kons l acc)))
        acc)))

(define (pair-for-each proc lst)
  (let loop ((l lst))
    (if (pair? l)
        (let ((next (cdr l))) (proc l) (loop next)))))

(define (lset-adjoin = lst . elts)
  (fold (lambda (x acc) (if (member x acc (lambda (a b) (= b a))) acc (cons x acc))) lst elts))

(define (lset-union = . lists)
  (if (null? lists)
      '()
      (fold (lambda (l acc)
              (fold (lambda (x acc) (if (member x acc (lambda (a b) (= b a))) acc (cons x acc))) acc l))
            (car lists) (cdr lists))))

(define (lset-intersection = l1 . lists)
  (filter (lambda (x) (every (lambda (l) (member x l =)) lists)) l1))

(define (lset-difference = l1 . lists)
  (filter (lambda (x) (not (any (lambda (l) (member x l =)) lists))) l1))

(define (lset<= = . lists)
  (or (null? lists)
      (let loop ((a (car lists)) (rest (cdr lists)))
        (or (null? rest)
            (and (every (lambda (x) (member x (car rest) =)) a)
                 (loop (car rest) (cdr rest)))))))

(define (lset= = . lists)
  (or (null? lists)
      (let loop ((a (car lists)) (rest (cdr lists)))
        (or (null? rest)
            (and (every (lambda (x) (member x (car rest) =)) a)
                 (every (lambda (x) (member x a =)) (car rest))
                 (loop (car rest) (cdr rest)))))))

(define (alist-copy alist)
  (map (lambda (p) (if (pair? p) (cons (car p) (cdr p)) p)) alist))

(define (alist-delete key alist . maybe=)
  (let ((= (if (pair? maybe=) (car maybe=) equal?)))
    (remove (lambda (p) (= key (car p))) alist)))
(define alist-delete! alist-delete)

;; Scheme48 big-util.
(define (del-assq key alist) (alist-delete key alist eq?))
(define (del-assv key alist) (alist-delete key alist eqv?))
(define (del-assoc key alist) (alist-delete key alist equal?))
