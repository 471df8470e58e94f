package scsh

import "testing"

// Regexps as data: the ADT constructors, predicates and accessors, over
// regexps made by rx and by the constructors alike.
func TestRegexpData(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((a (re-string "ab")) (b (re-char-set (string->char-set "xy")))) (let ((s (make-re-seq (list a b)))) (list (re-seq? s) (eq? (car (re-seq:elts s)) a) (regexp-search? s "zabyz") (regexp-search? s "zab"))))`, `(#t #t #t #f)`, ""},
		{`(re-seq? (re-seq (list (re-string "only"))))`, `#f`, ""},
		{`(re-trivial? (re-seq '()))`, `#t`, ""},
		{`(length (re-seq:elts (re-seq (list (re-string "a") (re-seq (list (re-string "b") (re-string "c")))))))`, `3`, ""},
		{`(list (re-choice? (re-choice '())) (re-empty? (re-choice '())) (re-choice? (make-re-choice (list re-bos re-eos))))`, `(#f #t #t)`, ""},
		{`(let ((r (make-re-repeat 2 3 (re-string "ab")))) (list (re-repeat:from r) (re-repeat:to r) (re-string:chars (re-repeat:body r)) (match:substring (regexp-search r "xabababab"))))`, `(2 3 "ab" "ababab")`, ""},
		{`(list (re-repeat? (re-repeat 3 1 re-any)) (regexp-search? (re-repeat 3 1 re-any) "aaaa"))`, `(#f #f)`, ""},
		{`(let ((s (re-submatch (re-string "b") 1 2))) (list (re-submatch:pre-dsm s) (re-submatch:post-dsm s) (re-tsm s)))`, `(1 2 4)`, ""},
		{`(let ((m (regexp-search (make-re-seq (list (re-dsm (re-submatch (re-string "x")) 2 0) (re-submatch (re-string "y")))) "xy"))) (list (match:substring m 1) (match:substring m 3) (match:substring m 4)))`, `(#f "x" "y")`, ""},
		{`(re-dsm? (re-dsm re-any 0 0))`, `#f`, ""},
		{`(list (re-bos? re-bos) (re-eol? re-bos) (re-any? re-any) (re-any? re-nonl) (re-char-set? re-nonl) (re-string? "str"))`, `(#t #f #t #f #t #f)`, ""},
		{`(re-seq:elts (re-string "x"))`, "", "a re-seq regexp"},
		{`(re-seq:elts (make-re-seq (list "not a regexp")))`, `("not a regexp")`, ""},
		{`(make-re-repeat -1 2 re-any)`, "", "make-re-repeat: argument 1 (from): expected a non-negative exact integer, got -1"},
		// rx regexps read as data
		{`(let ((r (rx (: "a" (* digit) (submatch "b"))))) (list (re-seq? r) (length (re-seq:elts r)) (re-repeat? (cadr (re-seq:elts r))) (re-tsm r)))`, `(#t 3 #t 1)`, ""},
		{`(re-string:chars (rx "lit"))`, `"lit"`, ""},
		{`(regexp->sre (rx (: (submatch "a") (or "b" "c"))))`, `(: (submatch "a") (or "b" "c"))`, ""},
		{`(let ((inner (rx (submatch "x")))) (regexp->sre (rx (: "a" ,@inner))))`, `(: "a" (submatch "x"))`, ""},
		{`(regexp-search? (sre->regexp '(: bos (+ ("ab")) eos)) "abba")`, `#t`, ""},
		{`(sre->regexp '(bogus-op "x"))`, "", "unknown SRE operator"},
		// flushing and case
		{`(match:substring (regexp-search (flush-submatches (rx (: (submatch "a") "b"))) "ab") 1)`, `#f`, ""},
		{`(match:substring (regexp-search (uncase (rx "Hello")) "say hELLO"))`, `"hELLO"`, ""},
		{`(match:substring (regexp-search (uncase-string "abc") "xAbC"))`, `"AbC"`, ""},
		{`(regexp-search? (uncase-char-set (string->char-set "q")) "Q")`, `#t`, ""},
		// rx forms
		{`(regexp-search? (rx (** 2 1 any)) "anything")`, `#f`, ""},
		{`(match:substring (regexp-search (rx (or (** 3 2 (submatch "z")) (submatch "a"))) "a") 2)`, `"a"`, ""},
		{`(let ((m (regexp-search (rx (: (dsm 2 1 (submatch "q")) (submatch "r"))) "qr"))) (list (match:substring m 1) (match:substring m 3) (match:substring m 5)))`, `(#f "q" "r")`, ""},
		{`(let* ((r (rx (submatch "b"))) (m (regexp-search (rx (: (submatch "a") ,r (submatch "c"))) "abc"))) (match:substring m 2))`, `"c"`, ""},
		{`(let* ((r (rx (submatch "b"))) (m (regexp-search (rx (: (submatch "a") ,@r (submatch "c"))) "abc"))) (list (match:substring m 2) (match:substring m 3)))`, `("b" "c")`, ""},
		{`(list (regexp-search? (rx (w/nocase (~ "a"))) "A") (regexp-search? (rx (w/nocase (~ "a"))) "b") (regexp-search? (rx (w/nocase (- alpha "q"))) "Q"))`, `(#f #t #f)`, ""},
		{`(match:start (regexp-search (rx "a") "a") 7)`, `#f`, ""},
		{`(match:start (regexp-search (rx "a") "a") -1)`, "", "argument 2"},
		// regexp->posix-string
		{`(call-with-values (lambda () (regexp->posix-string (rx (: "g" (or "ee" "oo") "se")))) list)`, `("g(ee|oo)se" 2 1 #())`, ""},
		{`(call-with-values (lambda () (regexp->posix-string (rx (: (submatch "a") (* "bc") ".")))) list)`, `("(a)(bc)*\\." 2 2 #(1))`, ""},
		{`(call-with-values (lambda () (regexp->posix-string (rx (: (dsm 1 0 (submatch "x")) bos)))) list)`, `("(x)^" 2 1 #(#f 1))`, ""},
		{`(call-with-values (lambda () (regexp->posix-string (rx (or)))) list)`, `(#f 0 0 #())`, ""},
		{`(call-with-values (lambda () (regexp->posix-string (rx (~ "]^-")))) (lambda (s . _) s))`, `"[^]^-]"`, ""},
		// regexp-fold-right
		{`(regexp-fold-right (rx (+ digit)) (lambda (m i acc) (cons (list (match:substring m) i) acc)) '() "a1b22c333d")`, `(("1" 3) ("22" 6) ("333" 10))`, ""},
		{`(regexp-fold-right (rx "x") (lambda (m i acc) (+ acc 1)) 0 "none" (lambda (i acc) (list i acc)))`, `(4 0)`, ""},
		{`(regexp-fold-right (rx "b") (lambda (m i acc) (cons i acc)) '() "abab" (lambda (i acc) (cons i acc)))`, `(1 3 4)`, ""},
	})
}
