package scsh

import (
	"os"
	"testing"
)

// Environment alists: scsh's list helpers and the with-env forms, whose
// environment is the process's (children see it) only inside the body.
func TestEnvironmentAlists(t *testing.T) {
	t.Setenv("POPSH_ENV_T", "outer")
	runScshCases(t, []scshCase{
		{`(add-before 'x 'b '(a b c b))`, `(a x b c b)`, ""},
		{`(add-before 'x 'z '(a b))`, `(a b x)`, ""},
		{`(add-after 'x 'b '(a b c b d))`, `(a b c b x d)`, ""},
		{`(add-after 'x 'z '(a b))`, `(x a b)`, ""},
		{`(alist-update "k" 2 '(("a" . 1) ("k" . 0) ("k" . 9)))`, `(("k" . 2) ("a" . 1))`, ""},
		{`(alist-compress '(("a" . 1) ("k" . 0) ("a" . 9)))`, `(("a" . 1) ("k" . 0))`, ""},
		{`(with-env (("POPSH_ENV_T" . "inner") ("POPSH_ENV_P" . ("/x" "/y"))) (list (getenv "POPSH_ENV_T") (getenv "POPSH_ENV_P") (run/string (/bin/sh -c "echo $POPSH_ENV_T"))))`, `("inner" "/x:/y" "inner\n")`, ""},
		{`(list (getenv "POPSH_ENV_T") (getenv "POPSH_ENV_P"))`, `("outer" #f)`, ""},
		{`(let ((v "computed")) (with-env (("POPSH_ENV_T" . ,v)) (getenv "POPSH_ENV_T")))`, `"computed"`, ""},
		{`(with-total-env (("ONLY" . "1")) (env->alist))`, `(("ONLY" . "1"))`, ""},
		{`(with-total-env* '(("ONLY" . "1")) (lambda () (getenv "POPSH_ENV_T")))`, `#f`, ""},
		{`(getenv "POPSH_ENV_T")`, `"outer"`, ""},
		{`(call/cc (lambda (k) (with-env* '(("POPSH_ENV_T" . "esc")) (lambda () (k 1)))))`, `1`, ""},
		{`(getenv "POPSH_ENV_T")`, `"outer"`, ""},
		{`(begin (setenv "POPSH_ENV_P" '("a" "b")) (getenv "POPSH_ENV_P"))`, `"a:b"`, ""},
		{`(alist->env '(("X" . 1)))`, "", "a string or a list of strings"},
		{`(alist->env '((x . "1")))`, "", `alist->env: expected an alist of (name . value) with string names, got (x . "1")`},
		{`(getenv "POPSH_ENV_T")`, `"outer"`, ""},
		{`(with-total-env* '(("A" . "1") ("B" . "2") ("A" . "3")) (lambda () (list (env->alist) (getenv "A"))))`, `((("A" . "1") ("B" . "2") ("A" . "3")) "1")`, ""},
		{`(with-total-env* '(("A" . "1") ("B" . "2") ("A" . "3")) (lambda () (setenv "A" "9") (setenv "B" #f) (list (env->alist) (getenv "A") (getenv "B"))))`, `((("A" . "9")) "9" #f)`, ""},
		{`(getenv "POPSH_ENV_T")`, `"outer"`, ""},
	})
	os.Unsetenv("POPSH_ENV_P")
}
