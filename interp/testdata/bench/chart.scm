;; Chart parsing: a CYK recogniser for a small grammar in Chomsky normal
;; form (balanced brackets: S -> S S | L R | L X, X -> S R, L -> "(",
;; R -> ")"), over strings of growing length. The chart is a vector of
;; vectors of symbol lists; each cell is built with cons and memq.
;; Prints how many of the strings are sentences, and the number of chart
;; entries made.
(define rules '((S S S) (S L R) (S L X) (X S R)))
(define entries 0)
(define (parse str)
  (let* ((n (string-length str))
         (chart (make-vector (+ n 1))))
    (do ((i 0 (+ i 1))) ((> i n))
      (vector-set! chart i (make-vector (+ n 1) '())))
    (define (cell i j) (vector-ref (vector-ref chart i) j))
    (define (add! i j sym)
      (if (not (memq sym (cell i j)))
          (begin (set! entries (+ entries 1))
                 (vector-set! (vector-ref chart i) j (cons sym (cell i j))))))
    (do ((i 0 (+ i 1))) ((= i n))
      (add! i (+ i 1) (if (char=? (string-ref str i) #\() 'L 'R)))
    (do ((len 2 (+ len 1))) ((> len n))
      (do ((i 0 (+ i 1))) ((> (+ i len) n))
        (let ((j (+ i len)))
          (do ((k (+ i 1) (+ k 1))) ((= k j))
            (for-each (lambda (rule)
                        (if (and (memq (cadr rule) (cell i k))
                                 (memq (caddr rule) (cell k j)))
                            (add! i j (car rule))))
                      rules)))))
    (if (memq 'S (cell 0 n)) #t #f)))
;; strings from a counter: bit k of i chooses the bracket at position k
(define (word i len)
  (let ((s (make-string len #\()))
    (do ((k 0 (+ k 1))) ((= k len) s)
      (if (odd? (quotient i (expt 2 k))) (string-set! s k #\))))))
(let loop ((i 0) (yes 0))
  (if (= i 300)
      (begin (display yes) (newline) (display entries) (newline))
      (loop (+ i 1) (if (parse (word (* i 7919) 16)) (+ yes 1) yes))))
