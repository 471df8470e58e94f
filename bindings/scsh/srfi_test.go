package scsh

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"popsh/interp"
)

// The rest of SRFI-1/13/14 that scsh exports (scm/srfi.scm, scsh_srfi14.go).
func TestScshSRFIExtras(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(list (string-take "hello" 2) (string-drop "hello" 2) (string-take-right "hello" 2) (string-drop-right "hello" 2))`, `("he" "llo" "lo" "hel")`},
		{`(list (string-every char-alphabetic? "abc") (string-every char-alphabetic? "a1") (string-every (lambda (c) (char->integer c)) "ab") (string-every #\a ""))`, `(#t #f 98 #t)`},
		{`(list (string-any #\b "abc") (string-any char-numeric? "abc") (string-any char-numeric? "a1b2" 2))`, `(#t #f #t)`},
		{`(list (string-count "banana" #\a) (string-count "banana" (char-set #\b #\n)) (string-count "banana" #\a 2 4))`, `(3 3 1)`},
		{`(list (string-skip "  x" #\space) (string-skip "   " #\space) (string-skip-right "x  " #\space))`, `(2 #f 0)`},
		{`(list (string-reverse "abc") (string-reverse "abcd" 1 3) (let ((s (string-copy "abcd"))) (string-reverse! s) s))`, `("cba" "cb" "dcba")`},
		{`(list (string-titlecase "hello wORLD 2day") (let ((s (string-copy "ab"))) (string-upcase! s) s) (let ((s (string-copy "AB"))) (string-downcase! s 1) s))`, `("Hello World 2Day" "AB" "Ab")`},
		{`(list (string-filter char-alphabetic? "a1b2") (string-filter "a1b2" char-alphabetic?) (string-delete #\a "banana") (string-delete "banana" #\a))`, `("ab" "ab" "bnn" "bnn")`},
		{`(list (string= "abc" "abc") (string= "abc" "abd") (string< "abc" "abd") (string> "abc" "ab") (string<= "a" "a") (string<> "a" "b") (string-ci= "ABC" "abc") (string-ci< "a" "B"))`, `(#t #f #t #t #t #t #t #t)`},
		{`(list (string-prefix-length "abcd" "abxy") (string-suffix-length "xbcd" "abcd") (string-prefix-length-ci "ABc" "abd"))`, `(2 3 2)`},
		{`(string-compare "abc" "abd" (lambda (i) (list '< i)) (lambda (i) (list '= i)) (lambda (i) (list '> i)))`, `(< 2)`},
		{`(list (xsubstring "abc" 1 5) (xsubstring "abcdef" 2) (string-replace "abcde" "XY" 1 3) (string-contains-ci "Hello" "LL"))`, `("bcab" "cdefab" "aXYde" 2)`},
		{`(list (string-fold cons '() "ab") (string-fold-right cons '() "ab") (reverse-string->list "abc"))`, `((#\b #\a) (#\a #\b) (#\c #\b #\a))`},
		// cond-expand knows the SRFIs of this layer
		{`(list (cond-expand ((and srfi-1 srfi-13 srfi-14 srfi-69) 'yes) (else 'no)) (cond-expand ((library (srfi 1)) 'yes) (else 'no)) (and (memq 'srfi-8 (features)) #t))`, `(yes yes #t)`},
		// the surrogate code points are not characters: no char set holds them
		{`(list (char-set-size char-set:full) (char-set-size (ucs-range->char-set #xD000 #xF000)) (char-set-size (char-set-complement (char-set #\a))) (char-set-contains? (char-set-complement char-set:letter) #\xE000) (re-any? (rx any)))`, `(1112064 6144 1112063 #t #t)`},
		// SRFI-13's [start end] on the padders select the part to pad or cut
		{`(list (string-pad "abcde" 4 #\* 1) (string-pad "abcde" 2 #\* 1 3) (string-pad-right "abcde" 5 #\* 2 4) (string-pad-left "ab" 3 #\- 1) (string-pad "xy" 3))`, `("bcde" "bc" "cd***" "--b" " xy")`},
		{`(let ((acc '())) (string-for-each-index (lambda (i) (set! acc (cons i acc))) "abcd" 1 3) (list acc (let ((n 0)) (string-for-each-index (lambda (i) (set! n (+ n 1))) "xyz") n)))`, `((2 1) 3)`},
		{`(list (string-unfold null? car cdr (list #\a #\b)) (string-unfold-right null? car cdr (list #\a #\b)) (string-tabulate (lambda (i) (integer->char (+ 65 i))) 3))`, `("ab" "ba" "ABC")`},
		{`(list (string-concatenate-reverse (list "c" "b" "a") "xyz" 1) (substring/shared "hello" 1) (string-rindex "a.b.c" #\.))`, `("abcx" "ello" 3)`},
		{`(let ((h (string-hash "abc" 100))) (list (< -1 h 100) (= h (string-hash "abc" 100)) (= (string-hash-ci "ABC" 100) (string-hash-ci "abc" 100))))`, `(#t #t #t)`},
		{`(list (char-set->list (char-set-intersection (string->char-set "abc") (string->char-set "bcd")))
		        (char-set->list (char-set-difference (string->char-set "abc") (char-set #\a)))
		        (char-set->list (char-set-xor (string->char-set "ab") (string->char-set "bc")))
		        (char-set->list (char-set-adjoin (char-set #\a) #\c))
		        (char-set->list (char-set-delete (string->char-set "abc") #\b))
		        (char-set-size char-set:digit)
		        (char-set= (char-set #\a) (list->char-set (list #\a)) (char-set-copy (char-set #\a)))
		        (char-set= (char-set #\a) (char-set #\b))
		        (char-set->list (ucs-range->char-set 65 68)))`, `((#\b #\c) (#\b #\c) (#\a #\c) (#\a #\c) (#\a #\c) 10 #t #f (#\A #\B #\C))`},
		{`(list (char-set-count char-alphabetic? (string->char-set "a1b")) (char-set-every char-numeric? char-set:digit) (char-set-any char-alphabetic? char-set:digit)
		        (char-set->list (char-set-filter char-alphabetic? (string->char-set "a1b")))
		        (char-set->list (char-set-map char-upcase (string->char-set "ab")))
		        (char-set-fold (lambda (c n) (+ n 1)) 0 (string->char-set "xyz")))`, `(2 #t #f (#\a #\b) (#\A #\B) 3)`},
		{`(call-with-values (lambda () (span even? (list 2 4 5 6))) list)`, `((2 4) (5 6))`},
		{`(call-with-values (lambda () (break even? (list 1 3 4 5))) list)`, `((1 3) (4 5))`},
		{`(list (unfold (lambda (x) (> x 3)) (lambda (x) (* x x)) (lambda (x) (+ x 1)) 1) (unfold-right zero? (lambda (x) (* x x)) (lambda (x) (- x 1)) 3))`, `((1 4 9) (1 4 9))`},
		{`(list (lset-union eq? (list 'a 'b) (list 'b 'c)) (lset-intersection = (list 1 2 3) (list 2 3 4)) (lset-difference = (list 1 2 3) (list 2)) (lset-adjoin eq? (list 'a) 'b 'a))`, `((c a b) (2 3) (1 3) (b a))`},
		{`(list (lset= eq? (list 'a 'b) (list 'b 'a)) (lset<= eq? (list 'a) (list 'a 'b)) (lset<= eq? (list 'c) (list 'a 'b)))`, `(#t #t #f)`},
		// = always gets the element of the earlier list first: an = that is
		// not symmetric (a number rounded against an exact one) tells
		{`(let ((near (lambda (x n) (= (exact (round x)) n)))) (list (lset= near (list 1.2 0.1 2.3) (list 2 1 0)) (lset<= near (list 0.9) (list 1)) (lset= near (list 0.9 1.1) (list 1))))`, `(#t #t #t)`},
		// a table's hash function is the procedure given, eqv? to the
		// variable after the procedure's first call (Larceny's SRFI-69 test)
		{`(let ((t (make-hash-table string=? string-hash)) (u (alist->hash-table '(("a" . 1)) string=? string-hash))) (list (eqv? (hash-table-hash-function t) string-hash) (hash-table-ref/default u "a" #f)))`, `(#t 1)`},
		// SRFI-13's low-level procedures: range parsing and Knuth-Morris-Pratt search
		{`(list (make-kmp-restart-vector "aabaaab") (let ((rv (make-kmp-restart-vector "abab"))) (list (string-kmp-partial-search "abab" rv "xxababyy" 0) (string-kmp-partial-search "abab" rv "xxaba" 0))) (let* ((rv (make-kmp-restart-vector "needle")) (i (string-kmp-partial-search "needle" rv "a nee" 0))) (list i (string-kmp-partial-search "needle" rv "dle!" i))))`, `(#(-1 0 1 0 1 2 2) (-6 3) (3 -3))`},
		{`(list (substring-spec-ok? "abc" 1 2) (substring-spec-ok? "abc" 2 5) (call-with-values (lambda () (string-parse-start+end 'f "hello" '(1 3 x))) list) (let-string-start+end (s e) 'f "hello" '(2) (list s e)) (let-string-start+end (s e r) 'f "hello" '() (list s e r)))`, `(#t #f ((x) 1 3) (2 5) (0 5 ()))`},
		{`(let ((s (string-copy "hello big world"))) (string-titlecase! s 6) (list s (string-concatenate-reverse/shared (list "c" "b" "a"))))`, `("hello Big World" "abc")`},
		// the rest of SRFI-14: subsets, hashing, conversion, cursors, unfold, the ! forms
		{`(list (char-set<= (char-set #\a) (string->char-set "ab") char-set:full) (char-set<= (string->char-set "ab") (char-set #\a)) (char-set<=) (= (char-set-hash (string->char-set "abc") 1000) (char-set-hash (list->char-set (list #\c #\b #\a)) 1000)) (< -1 (char-set-hash char-set:full 7) 7))`, `(#t #f #t #t #t)`},
		{`(list (char-set->string (->char-set "hello")) (char-set->list (->char-set #\x)) (eq? (->char-set char-set:digit) char-set:digit) (char-set->string char-set:symbol) (char-set-size char-set:ascii) (char-set-size char-set:title-case))`, `("ehlo" (#\x) #t "$+<=>^` + "`" + `|~" 128 0)`},
		{`(let ((cs (string->char-set "cab"))) (let loop ((c (char-set-cursor cs)) (acc '())) (if (end-of-char-set? c) (reverse acc) (loop (char-set-cursor-next cs c) (cons (char-set-ref cs c) acc)))))`, `(#\a #\b #\c)`},
		{`(list (char-set->string (char-set-unfold null? car cdr (string->list "zyx"))) (char-set->string (char-set-unfold! null? car cdr (string->list "y") (char-set #\a))) (call-with-values (lambda () (char-set-diff+intersection (string->char-set "abcd") (string->char-set "ab") (char-set #\d))) (lambda (d i) (list (char-set->string d) (char-set->string i)))))`, `("xyz" "ay" ("c" "abd"))`},
		{`(map char-set->string (list (string->char-set! "ab" (char-set #\z)) (char-set-filter! char-alphabetic? (string->char-set "a1") (char-set #\z)) (list->char-set! (list #\q) (char-set #\r)) (char-set-union! (char-set #\a) (char-set #\b)) (char-set-xor! (string->char-set "ab") (char-set #\b))))`, `("abz" "az" "qr" "ab" "a")`},
		// the rest of SRFI-1: predicates that stop on circular lists, selectors, zip/unzip, sets
		{`(let ((c (circular-list 1 2 3))) (list (proper-list? (list 1 2)) (proper-list? c) (proper-list? (cons 1 2)) (circular-list? c) (circular-list? (list 1)) (dotted-list? (cons 1 2)) (dotted-list? 5) (dotted-list? c) (dotted-list? (list 1)) (length+ c) (length+ (list 1 2 3)) (eq? (cdddr c) c)))`, `(#t #f #f #t #f #t #t #f #f #f 3 #t)`},
		{`(list (list= eq?) (list= = (list 1 2) (list 1 2) (list 1 2)) (list= = (list 1 2) (list 1)) (list= = (list 1 2) (list 1 3)) (not-pair? 1) (null-list? (list)) (null-list? (list 1)))`, `(#t #t #f #f #t #t #f)`},
		{`(let ((l (iota 10 1))) (list (sixth l) (seventh l) (eighth l) (ninth l) (tenth l)))`, `(6 7 8 9 10)`},
		{`(list (zip (list 1 2 3) (list 'a 'b 'c)) (unzip1 (list (list 1) (list 2))) (call-with-values (lambda () (unzip2 (list (list 1 'a) (list 2 'b)))) list) (call-with-values (lambda () (unzip3 (list (list 1 2 3)))) list) (alist-cons 'k 1 (list (cons 'a 2))))`, `(((1 a) (2 b) (3 c)) (1 2) ((1 2) (a b)) ((1) (2) (3)) ((k . 1) (a . 2)))`},
		{`(list (pair-fold-right cons '() (list 'a 'b 'c)) (pair-fold-right (lambda (a b acc) (cons (list (car a) (car b)) acc)) '() (list 1 2 3) (list 'x 'y)))`, `(((a b c) (b c) (c)) ((1 x) (2 y)))`},
		{`(list (lset-xor eq? (list 'a 'b 'c) (list 'a 'd)) (lset-xor eq?) (call-with-values (lambda () (lset-diff+intersection eq? (list 'a 'b 'c 'd) (list 'a 'e) (list 'b))) list) (map! - (list 1 2)) (delete-duplicates! (list 1 1 2)))`, `((b c d) () ((c d) (a b)) (-1 -2) (1 2))`},
		{`(list (del-assq 'a (list (cons 'a 1) (cons 'b 2))) (del-assoc "b" (list (cons "a" 1) (cons "b" 2))) (alist-delete 1 (list (cons 1 2) (cons 3 4)) =) (alist-copy (list (cons 1 2))))`, `(((b . 2)) (("a" . 1)) ((3 . 4)) ((1 . 2)))`},
		{`(list (take-right (list 1 2 3) 2) (drop-right (list 1 2 3) 2) (call-with-values (lambda () (split-at (list 1 2 3) 1)) list) (xcons 1 2) (concatenate (list (list 1) (list 2 3))))`, `((2 3) (1) ((1) (2 3)) (2 . 1) (1 2 3))`},
		{`(list (pair-fold cons '() (list 1 2)) (let ((n 0)) (pair-for-each (lambda (p) (set! n (+ n (car p)))) (list 1 2 3)) n) (call-with-values (lambda () (car+cdr (cons 1 2))) list))`, `(((2) (1 2)) 6 (1 2))`},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		v, err := evalScsh(t, it, c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := interp.WriteString(v); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	errs := []struct{ src, want string }{
		{`(string-every 1 "abc")`, "string-every: argument 1 (pred): expected a char, char-set or predicate, got 1"},
		{`(string-count "abc" #\a 2 9)`, "string-count: bad range"},
		{`(string-skip 'x #\a)`, "string-skip: argument 1 (string): expected a string, got x"},
		{`(char-set-intersection (char-set #\a) "a")`, "char-set-intersection: argument 2 (cset): expected a char-set, got \"a\""},
		{`(char-set-adjoin (char-set #\a) "b")`, "char-set-adjoin: argument 2 (char): expected a char, got \"b\""},
		{`(list->char-set (list 1))`, "list->char-set: argument 1 (chars): expected a list of chars, got (1)"},
		{`(ucs-range->char-set 5 2)`, "ucs-range->char-set"},
		{`(xsubstring "" 0 3)`, "xsubstring: empty source string"},
		{`(string-hash "a" 0)`, "string-hash: argument 2 (bound): expected a positive exact integer, got 0"},
	}
	for _, c := range errs {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		_, err := evalScsh(t, it, c.src)
		if err == nil || !strings.Contains(interp.FormatError(err)+err.Error(), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}

// file-info, glob, create-symlink, read-symlink.
func TestScshFileInfoGlob(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.scm", "b.go", ".hidden.scm", "sub/c.scm"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("12345"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	src := `(list (glob "D/*.scm") (glob "D/*.{scm,go}") (glob "D/.*.scm") (glob "D/*/*.scm") (glob "D/none*")
	  (begin (create-symlink "D/a.scm" "D/ln") (read-symlink "D/ln"))
	  (file-info:type (file-info "D/ln" #f)) (file-info:type (file-info "D/ln")) (file-info:type (file-info "D"))
	  (file-info:size (file-info "D/a.scm")) (file-info:mode (file-info "D/a.scm")) (file-info? (file-info "D"))
	  (= (file-info:mtime (file-info "D/a.scm")) (file-last-mod "D/a.scm")))`
	src = strings.ReplaceAll(src, "D/", dir+"/")
	src = strings.ReplaceAll(src, `"D"`, `"`+dir+`"`)
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	v, err := evalScsh(t, it, src)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(interp.WriteString(v), dir, "D")
	want := `(("D/a.scm") ("D/a.scm" "D/b.go") ("D/.hidden.scm") ("D/sub/c.scm") () "D/a.scm" symlink regular directory 5 416 #t #t)`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, c := range []struct{ src, want string }{
		{`(file-info "D/nonexistent")`, "no such file"},
		{`(create-symlink "D/a.scm" "D/ln")`, "file exists"},
		{`(read-symlink "D/a.scm")`, "invalid argument"},
		{`(glob 1)`, "glob: argument 1 (pattern): expected a string, got 1"},
		{`(glob "D/[")`, "bad pattern"},
	} {
		_, err := evalScsh(t, it, strings.ReplaceAll(c.src, "D/", dir+"/"))
		if err == nil || !strings.Contains(interp.FormatError(err)+err.Error(), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}
