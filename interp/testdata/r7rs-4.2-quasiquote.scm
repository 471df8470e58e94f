;; R7RS 4.2.8 quasiquote, with unquote and unquote-splicing of several
;; operands in a list (as R6RS has them) and nested levels
(test (q q q) (let ((v 'q)) `((unquote v v v))))
(test (1 2 1 2) (let ((v '(1 2))) `((unquote-splicing v v))))
(test (start end) `(start (unquote) end))
(test (0 1 2 9) (let ((v '(1 2))) `(0 (unquote-splicing v) 9)))
;; one level down, ,@ splices the operands of an unquote
(test (quasiquote (f (unquote (g a) (h b))))
      (let ((ops '((g a) (h b)))) ``(f ,,@ops)))
(test (quasiquote (f (unquote (g a))))
      (let ((op '(g a))) ``(f ,,op)))
(test (1 (quasiquote (2 (unquote (+ 1 5)))) 4) `(1 `(2 ,(+ 1 ,(+ 2 3))) 4))
(test (a (quasiquote (b (unquote-splicing (list 1 2)))))
      (let ((x '(1 2))) `(a `(b ,@(list ,@x)))))
(test #(1 2 3 4) `#(1 ,@(list 2 3) 4))
;; a dotted pair at the head of a quasiquoted list is data, whatever its
;; first element names (an alist of settings, as scsh scripts build)
(test ((version . "2.7") (else . 1)) `((version . "2.7") (else . 1)))
(test ((a . 1) (b . 2)) (let ((x 2)) `((a . 1) (b . ,x))))
(test ((define b . 1)) `((define b . 1)))
;; unquote, unquote-splicing and quasiquote are keywords only where they are
;; not bound locally: a local binding makes them data
(test ((unquote foo)) (let ((unquote 1)) `(,foo)))
(test ((unquote-splicing foo)) (let ((unquote-splicing 1)) `(,@foo)))
(test (got 3) (let-syntax ((m (syntax-rules () ((_ e) `(got ,e))))) (let ((unquote 1)) (m 3))))
