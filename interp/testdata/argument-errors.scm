;; The wording of argument errors: a procedure of one argument says
;; "expected X, got V"; one of several names the argument by its position
;; and its parameter in the procedure's doc line.
(test-error "^testdata/argument-errors.scm:[0-9]+:[0-9]+: car: expected a pair, got 5$" (car 5))
(test-error "thread-name: expected a thread, got 5$" (thread-name 5))
(test-error "seconds->time: expected a real number, got x$" (seconds->time 'x))
(test-error "make-channel: expected an exact integer, got x$" (make-channel 'x))
(test-error "string-length: expected a string, got 1$" (string-length 1))
(test-error "string=\\?: argument 1 \\(string1\\): expected a string, got 1$" (string=? 1 "a"))
(test-error "string=\\?: argument 3 \\(string2\\): expected a string, got 1$" (string=? "a" "a" 1))
(test-error "symbol=\\?: argument 2 \\(symbol2\\): expected a symbol, got 1$" (symbol=? 'a 1))
(test-error "boolean=\\?: argument 2 \\(bool2\\): expected a boolean, got 1$" (boolean=? #t 1))
(test-error "string-append: argument 2 \\(string\\): expected a string, got x$" (string-append "a" 'x))
(test-error "vector-copy!: argument 2 \\(at\\): cannot copy 3 elements to index 1 of a vector of length 3$"
            (vector-copy! (make-vector 3) 1 #(1 2 3)) 15)
(test-error "vector-ref: argument 1 \\(vector\\): expected a vector, got \\(1\\)$" (vector-ref '(1) 0))
(test-error "vector-ref: argument 2 \\(k\\): expected an exact integer, got x$" (vector-ref #(1) 'x))
(test-error "assq: argument 2 \\(alist\\): expected an association list \\(a list of pairs\\), got \\(2\\)$" (assq 1 '(2)))
(test-error "memv: argument 2 \\(list\\): expected a proper list, got 5$" (memv 1 5))
(test-error "append: argument 1 \\(list\\): expected a proper list, got 5$" (append 5 '(1)))
(test-error "list-tail: argument 2 \\(k\\): expected a non-negative exact integer, got -1$" (list-tail '(1) -1))
(test-error "read-line: argument 2 \\(mode\\): expected one of the symbols trim, concat, peek, split, got bad$"
            (read-line (open-input-string "x") 'bad) 23)
(test-error "write-char: argument 2 \\(port\\): expected an output port, got 5$" (write-char #\a 5))
(test-error "display: argument 2 \\(port\\): expected an output port, got 5$" (display 1 5))
(test-error "string-copy: argument 2 \\(start\\): expected an exact integer, got x$" (string-copy "abc" 'x))
(test-error "thread-join!: argument 1 \\(thread\\): expected a thread, got 5$" (thread-join! 5))
(test-error "thread-join!: argument 2 \\(timeout\\): expected a number of seconds, a time or #f, got x$"
            (thread-join! (current-thread) 'x) 29)
(test-error "mutex-lock!: argument 1 \\(mutex\\): expected a mutex, got 5$" (mutex-lock! 5))
(test-error "mutex-unlock!: argument 2 \\(condvar\\): expected a condition variable, got 5$"
            (let ((m (make-mutex))) (mutex-lock! m) (mutex-unlock! m 5)) 32)
(test-error "make-thread: argument 1 \\(thunk\\): expected a procedure, got 5$" (make-thread 5))
(test-error "/: argument 2 \\(z2\\): expected a number, got x$" (/ 1 'x))
(test-error "expt: argument 2 \\(z2\\): expected a number, got x$" (expt 2 'x))
(test-error "atan: argument 2 \\(x\\): expected a (real )?number, got x$" (atan 1 'x))
(test-error "gcd: argument 2 \\(n\\): expected an integer, got x$|gcd: argument 2 \\(n\\): expected an exact integer, got x$" (gcd 4 'x))
(test-error "load: argument 1 \\(filename\\): expected a file name string, got 5$" (load 5))
(test-error "floor/: argument 2 \\(n2\\): expected an integer, got x$" (floor/ 7 'x))
