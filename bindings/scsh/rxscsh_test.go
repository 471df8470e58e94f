package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// The raw ADT constructors take parts that are not regexps, as scsh's do;
// the smart ones treat such parts as opaque elements; a regexp that such
// parts leave uncompilable is refused when it is searched with.
func TestRegexpRawConstructorsLenient(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((s (make-re-seq '("one" "two")))) (list (re-seq? s) (re-seq:elts s)))`, `(#t ("one" "two"))`, ""},
		{`(let ((c (make-re-choice '("left" "right")))) (list (re-choice? c) (re-choice:elts c)))`, `(#t ("left" "right"))`, ""},
		{`(let ((r (make-re-repeat 2 7 '("x" "y")))) (list (re-repeat? r) (re-repeat:from r) (re-repeat:to r) (re-repeat:body r)))`, `(#t 2 7 ("x" "y"))`, ""},
		{`(list (re-seq? (re-seq '("one" "two"))) (re-choice? (re-choice '("left" "right"))))`, `(#t #t)`, ""},
		{`(re-seq:elts (re-seq (list "kept" re-trivial (make-re-seq (list "inner" "parts")))))`, `("kept" "inner" "parts")`, ""},
		{`(match:substring (regexp-search (make-re-seq (list "ab" (re-string "cd"))) "xxabcdyy"))`, `"abcd"`, ""},
		{`(regexp-search (make-re-seq (list 7 'sym)) "anything")`, "", "not regexps"},
		{`(regexp-search? (make-re-choice (list (list 1 2))) "anything")`, "", "not regexps"},
		{`((infix-splitter (make-re-seq (list 7))) "a b")`, "", "not regexps"},
		{`(regexp-search? (make-re-seq (list '(* "a"))) "aaa")`, "", "not a regexp: (* \"a\")"},
		{`(match:substring (regexp-search (make-re-repeat 2 #f (string->char-set "mn")) "amnmb"))`, `"mnm"`, ""},
		{`(make-re-seq "not a list")`, "", "a list"},
		{`(make-re-repeat 3 -1 re-any)`, "", "argument 2"},
		{`(re-repeat 1 2 '("smart" "checks"))`, "", "a regexp"},
	})
}

// regexp->sre writes repeats with the shortest operator and splices a
// sequence body into the repeat, submatch or dsm form.
func TestRegexpToSREScshForms(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(regexp->sre (re-repeat 0 1 (re-seq (list (re-string "ab") (re-repeat 1 #f (re-string "c")) (re-string "d")))))`, `(? "ab" (+ "c") "d")`, ""},
		{`(regexp->sre (re-repeat 0 #f (re-string "q")))`, `(* "q")`, ""},
		{`(regexp->sre (make-re-repeat 4 4 (re-string "q")))`, `(= 4 "q")`, ""},
		{`(regexp->sre (make-re-repeat 2 #f (re-string "q")))`, `(>= 2 "q")`, ""},
		{`(regexp->sre (make-re-repeat 2 5 (re-string "q")))`, `(** 2 5 "q")`, ""},
		{`(regexp->sre (rx (>= 1 "k") (** 0 #f "m") (submatch (: "n" "o"))))`, `(: (+ "k") (* "m") (submatch "n" "o"))`, ""},
		{`(regexp->sre (rx (** 1 3 (: "p" (>= 0 "r")))))`, `(** 1 3 "p" (* "r"))`, ""},
		{`(regexp->sre (re-dsm (re-seq (list (re-string "s") (re-string "t"))) 1 2))`, `(dsm 1 2 "s" "t")`, ""},
		// the rewriting leaves matching alone
		{`(match:substring (regexp-search (sre->regexp (regexp->sre (re-repeat 0 1 (re-seq (list (re-string "u") (re-repeat 1 #f (re-string "v"))))))) "zuvvz"))`, `""`, ""},
		{`(match:substring (regexp-search (sre->regexp (regexp->sre (re-repeat 1 #f (re-seq (list (re-string "u") (re-repeat 1 #f (re-string "v"))))))) "zuvvuvz"))`, `"uvvuv"`, ""},
	})
}

// A leading part of a sequence that can match only the empty string has
// dead submatches: the sequence reads as a dsm around the rest.
func TestRegexpSimplifyDeadSubmatches(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(let ((r (rx (: (** 0 0 (submatch "gone")) (submatch "here"))))) (list (re-dsm? r) (re-dsm:tsm r) (re-dsm:pre-dsm r) (re-dsm:post-dsm r) (re-submatch? (re-dsm:body r))))`, `(#t 2 1 0 #t)`, ""},
		{`(let ((m (regexp-search (rx (: (= 0 (submatch "gone")) (submatch "here"))) "-here-"))) (list (match:substring m 1) (match:substring m 2)))`, `(#f "here")`, ""},
		{`(let ((r (rx (** 0 0 (submatch "a") (submatch "b"))))) (list (re-dsm? r) (re-dsm:pre-dsm r) (re-trivial? (re-dsm:body r))))`, `(#t 2 #t)`, ""},
		{`(re-trivial? (rx (** 0 0 "nothing")))`, `#t`, ""},
		{`(let ((r (rx (: "w" (** 0 0 (submatch "a")) "z")))) (list (re-dsm? r) (re-dsm:pre-dsm r) (re-seq:elts (re-dsm:body r))))`, `(#t 1 (#{regexp w} #{regexp z}))`, ""},
		{`(re-seq? (rx (: (submatch "live") (** 0 0 (submatch "dead")))))`, `#t`, ""},
		{`(re-seq? (rx (: "a" (submatch "b"))))`, `#t`, ""},
	})
}

// uncase gives both cases to the class as written; w/nocase reads the
// class's characters in both cases before the class algebra runs.
func TestRegexpUncaseVersusNocase(t *testing.T) {
	runScshCases(t, []scshCase{
		{`(map (lambda (s) (regexp-search? (rx (uncase (~ "q"))) s)) '("q" "Q" "r"))`, `(#t #t #t)`, ""},
		{`(map (lambda (s) (regexp-search? (rx (w/nocase (~ "q"))) s)) '("q" "Q" "qQ" "r"))`, `(#f #f #f #t)`, ""},
		{`(map (lambda (s) (regexp-search? (uncase (rx (- alpha "q"))) s)) '("q" "Q" "1"))`, `(#t #t #f)`, ""},
		{`(map (lambda (s) (regexp-search? (rx (w/nocase (- alpha "q"))) s)) '("q" "Q" "r" "R"))`, `(#f #f #t #t)`, ""},
		{`(map (lambda (s) (regexp-search? (rx (uncase (~ ("xy")))) s)) '("x" "X" "y"))`, `(#t #t #t)`, ""},
		{`(map (lambda (s) (regexp-search? (rx (w/nocase "pre" (* "MID" (w/case "Exact")) ("xyz"))) s)) '("PREmidExactmidExactY" "premidEXACTy" "PreX"))`, `(#t #f #t)`, ""},
	})
}

// An error that a procedure given to a primitive raises is the program's
// own: it is not reported as the primitive's (a template expander's
// "Unknown variable" error read "regexp-substitute/global: Unknown ...").
func TestCallbackErrorKeepsItsWho(t *testing.T) {
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, src := range []string{
		`(regexp-substitute/global #f (rx "a") "xa" 'pre (lambda (m) (error "Unknown variable" 'v)) 'post)`,
		`(regexp-fold (rx "a") (lambda (i m acc) (error "Unknown variable" 'v)) '() "a")`,
		`(with-cwd "/" (error "Unknown variable" 'v))`,
	} {
		_, err := evalScsh(t, it, src)
		if err == nil {
			t.Fatalf("%s: no error", src)
		}
		if msg := interp.FormatError(err); !strings.HasPrefix(msg, "Unknown variable v") && !strings.Contains(msg, ": Unknown variable v") || strings.Contains(msg, "regexp-") || strings.Contains(msg, "with-cwd") {
			t.Errorf("%s: error %q, want the program's own", src, msg)
		}
	}
	// a primitive's own error still names it
	_, err := evalScsh(t, it, `(regexp-substitute/global #f 'a "xa")`)
	if err == nil || !strings.Contains(interp.FormatError(err), "regexp-substitute/global") {
		t.Errorf("bad regexp: error %v, want one naming regexp-substitute/global", err)
	}
}
