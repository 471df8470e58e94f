;; Named let and internal defines that call themselves in tail position
;; (the compiler turns such a call into a jump to the procedure's start).
;; each iteration binds fresh variables: closures made in different
;; iterations see different values, also when the variable is assigned
(test (0 1 2)
      (let loop ((i 0) (acc '()))
        (if (= i 3)
            (map (lambda (f) (f)) (reverse acc))
            (begin (set! i i) (loop (+ i 1) (cons (lambda () i) acc))))))
;; a loop variable assigned with set! is called through, not jumped to
(test replaced
      (let loop ((n 0))
        (if (< n 3)
            (begin (set! loop (lambda (n) 'replaced)) (loop (+ n 1)))
            'end)))
;; a long loop runs in constant space, with an internal define
(test 500000500000
      (let ()
        (define (sum i acc) (if (> i 1000000) acc (sum (+ i 1) (+ acc i))))
        (sum 0 0)))
;; the self call with the wrong number of arguments is still an error
(test-error "expected 2 arguments, got 1" (let loop ((a 1) (b 2)) (if (> a 0) (loop 0) b)))
;; a procedure with a rest argument is called normally
(test (1 2 3)
      (letrec ((f (lambda (n . acc) (if (= n 0) acc (apply f (- n 1) n acc)))))
        (f 3)))
(test (0 1 2)
      (letrec ((g (lambda (n . acc) (if (= n 0) (cons 0 (car acc)) (g (- n 1) (cons n (if (null? acc) '() (car acc))))))))
        (g 2)))
