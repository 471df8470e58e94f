;; R7RS 2 lexical conventions: |symbols|, comments, and what read leaves in its port

;; a |symbol| may hold brackets and semicolons; one may start with a semicolon
(test "a[b]c" (symbol->string '|a[b]c|))
(test ";x; y" (symbol->string '|;x; y|))
(test (|;one| two) (list '|;one| 'two))
;; after "| " a semicolon still starts a comment (scsh's pipe symbol)
(test (| x) (let ((p (open-input-string "(| ;not a symbol\n x)"))) (read p)))

;; a comment ends at any line ending: LF, CR LF or a lone CR
(test (a b c) (let ((p (open-input-string (string #\a #\; #\x #\return #\b #\; #\y #\return #\newline #\c))))
                (let loop ((acc '()))
                  (let ((x (read p)))
                    (if (eof-object? x) (reverse acc) (loop (cons x acc)))))))

;; read takes from a port only the datum's own text: what follows it on the
;; line stays for the next read, after a |symbol|, a |+ symbol or a directive
(define (read-all s)
  (let ((p (open-input-string s)))
    (let loop ((acc '()))
      (let ((x (read p)))
        (if (eof-object? x) (reverse acc) (loop (cons x acc)))))))
(test ("one" "two" "three") (map symbol->string (read-all "|one| |two| three")))
(test ("|+" "a" "b") (map symbol->string (read-all "|+ a b")))
(test (abc def) (read-all "#!fold-case ABC DEF"))
(test (x 1) (let ((p (open-input-string "|x| 1"))) (let* ((a (read p)) (b (read p))) (list a b))))
(test #\space (let ((p (open-input-string "|x| 1"))) (read p) (read-char p)))

;; write gives text that read gives back, for symbols with delimiters in them
(define (round-trip sym)
  (let ((p (open-output-string)))
    (write sym p)
    (eq? sym (read (open-input-string (get-output-string p))))))
(test #t (round-trip (string->symbol "a(b")))
(test #t (round-trip (string->symbol "a)b")))
(test #t (round-trip (string->symbol "[x]")))
(test #t (round-trip (string->symbol "a;b c")))
(test #t (round-trip (string->symbol "x|y z")))
(test #t (round-trip (string->symbol " x")))
(test #t (round-trip (string->symbol "(")))
(test-output "|a\\x28;b|" (write (string->symbol "a(b")))

;; #!r7rs and #!r6rs, the flags other implementations' files start with,
;; are directives with no effect
#!r7rs
(test (a b) (read-all "#!r7rs a #!r6rs b"))
(test ((x)) (read-all "(x #!r7rs)"))
