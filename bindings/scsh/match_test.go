package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// scsh's let-match, if-match and match-cond.
func TestScshMatchForms(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(let-match (regexp-search (rx (submatch (+ digit)) "-" (submatch (+ alpha))) "ab12-xy") (m d #f) (list m d))`, `("12-xy" "12")`},
		{`(let-match (regexp-search (rx (submatch "a") (? (submatch "q"))) "a") (#f a q) (list a q))`, `("a" #f)`},
		{`(list (if-match (regexp-search (rx (submatch (+ digit))) "ab12") (m d) d 'no)
		        (if-match (regexp-search (rx (submatch (+ digit))) "ab") (m d) d 'no))`, `("12" no)`},
		{`(match-cond ((regexp-search (rx (submatch (+ digit))) "ab") (m d) d)
		             (test (+ 1 1) => (lambda (x) (* x 10)))
		             (else 'no))`, `20`},
		{`(match-cond ((regexp-search (rx (submatch (+ digit))) "a7") (#f d) (string->number d)) (else 'no))`, `7`},
		{`(match-cond ((regexp-search (rx "z") "a") (m) m) (test #f 1) (test 5) (else 'no))`, `5`},
		{`(match-cond ((regexp-search (rx "z") "a") (m) m) (test (> 1 2) 1) (else 'no))`, `no`},
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
			t.Errorf("%s: got %s, want %s", c.src, got, c.want)
		}
	}
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	_, err := evalScsh(t, it, `(let-match (regexp-search (rx "z") "a") (m) m)`)
	if err == nil || !strings.Contains(err.Error(), "let-match: no match") {
		t.Errorf("let-match on #f: got %v", err)
	}
}

// call-with-input-string and read-string!.
func TestScshStringPortExtras(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(call-with-input-string "(1 2) x" read)`, `(1 2)`},
		{`(let ((s (make-string 4 #\-)) (p (open-input-string "abcdef"))) (list (read-string! s p) s (read-string! s p 1 3) s (read-string! s p) (read-string! s p)))`, `(4 "aefd" 2 "aefd" #f #f)`},
		{`(let ((s (make-string 2 #\-))) (list (read-string! s (open-input-string "xyz") 0 0) s))`, `(0 "--")`},
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
			t.Errorf("%s: got %s, want %s", c.src, got, c.want)
		}
	}
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	if _, err := evalScsh(t, it, `(read-string! (make-string 2) (open-input-string "a") 1 5)`); err == nil || !strings.Contains(err.Error(), "read-string!: bad range") {
		t.Errorf("read-string! bad range: got %v", err)
	}
}

// An SRE list of strings, ("abc" "xyz"), is the class of the characters in
// any of them, in rx and as an awk test.
func TestSREStringListCharClass(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(match:substring (regexp-search (rx (+ ("ab" "z"))) "xxzabay"))`, `"zaba"`},
		{`(regexp-search? (rx ("sre" "zu")) "qqq")`, `#f`},
		{`(let ((hits '()) (in (open-input-string "nothing\nhere zu\n")))
		    (awk (read-line in) (line) ()
		      (("sre" "zu") (set! hits (cons line hits))))
		    hits)`, `("here zu")`},
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
			t.Errorf("%s: got %s, want %s", c.src, got, c.want)
		}
	}
}
