package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// scsh's awk loop and field-reader.
func TestScshAwk(t *testing.T) {
	const text = `"alpha 1\nbeta 2\n# comment\ngamma 3\nSTART\nx\ny\nEND\nz\n"`
	cases := []struct{ src, want string }{
		{`(awk (read-line p) (line) ((n 0)) (#t (+ n 1)))`, `9`},
		{`(awk (read-line p) (line) c ((acc '()))
		   ((: bos "#") acc)
		   (2 (cons (list c line) acc))
		   ("a" (cons line acc))
		   (else (cons 'other acc)))`, `(other other other other other "gamma 3" "beta 2" (2 "beta 2") "alpha 1")`},
		{`(awk (read-line p) (line) ((r '())) (range "START" "END" (cons line r)))`, `("y" "x")`},
		{`(awk (read-line p) (line) ((r '())) (:range "START" "END" (cons line r)))`, `("y" "x" "START")`},
		{`(awk (read-line p) (line) ((r '())) (range: "START" "END" (cons line r)))`, `("END" "y" "x")`},
		{`(awk (read-line p) (line) ((r '())) (:range: "START" "END" (cons line r)))`, `("END" "y" "x" "START")`},
		{`(awk (read-line p) (line) ((s 0) (k 0))
		   ((submatch digit) => (lambda (m) (values (+ s (string->number (match:substring m 1))) (+ k 1))))
		   (after (list s k)))`, `(6 3)`},
		{`(call-with-values (lambda () (awk (read-line p) (line) ((s 0) (k 0)) (digit (values (+ s 1) k)) (else (values s (+ k 1))))) list)`, `(3 6)`},
		{`(let ((out '())) (awk (read-line p) (line) () ((: bos (+ (/ "az")) " " digit) (set! out (cons line out)))) out)`, `("gamma 3" "beta 2" "alpha 1")`},
		{`(awk ((field-reader) p) (rec fields) ((r '())) ((= (length fields) 2) (cons (cadr fields) r)))`, `("3" "comment" "2" "1")`},
		{`(awk ((field-reader (infix-splitter (rx " ")) read-line) p) (rec fields) ((r '())) (1 fields) (after r))`, `("alpha" "1")`},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		v, err := evalScsh(t, it, `(let ((p (open-input-string `+text+`))) `+c.src+`)`)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := interp.WriteString(v); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.src, got, c.want)
		}
	}
	for _, c := range []struct{ src, want string }{
		{`(awk (read-line) (line) x)`, "missing state-variable declarations"},
		{`(awk (read-line) (line) ((n 0)) k (#t 1))`, "a continue variable is not supported"},
		{`(awk (read-line) () ((n 0)))`, "expected a list of record and field variables"},
		{`(awk (read-line) (l) ((n)))`, "bad state-variable declaration"},
		{`(awk (read-line) (l) () (after 1) (#t 2))`, "after clause must be last"},
		{`(awk (read-line) (l) () (range "a" 1))`, "range clause needs"},
		{`(awk (read-line) (l) () (#t))`, "clause needs a body"},
	} {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		_, err := evalScsh(t, it, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}

// The kinds of awk tests scsh has: SREs search the record, (when expr)
// fires when expr is true, and other expressions are tests as they are.
func TestAwkTestKinds(t *testing.T) {
	const in = `p`
	runScshCases(t, []scshCase{
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ((when (string=? l "c3")) (cons l r))))`, `("c3")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ((when #f) (cons l r))))`, `()`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ((+ "3") (cons l r))))`, `("c3" "b33")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ((: "3" "3") (cons l r))))`, `("b33")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ("1" (cons l r))))`, `("a1")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) (digit (cons l r))))`, `("c3" "b33" "a1")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ("." (cons l r))))`, `()`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ((= (string-length l) 2) (cons l r))))`, `("c3" "a1")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) ((r '())) ((: (submatch alpha) (submatch (+ digit))) ==> (#f letter num) (cons (list letter num) r))))`, `(("c" "3") ("b" "33") ("a" "1"))`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (#f) ((n 0)) (#t (+ n 1))))`, `4`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk/posix-string (read-line ` + in + `) (l) ((r '())) ("^[ab][0-9]+$" (cons l r))))`, `("b33" "a1")`, ""},
		{`(let ((p (open-input-string "a1\nb33\nc3\nd\n"))) ` + `(awk (read-line ` + in + `) (l) () ((when 1 2) 'x)))`, "", "(when expr) takes one expression"},
	})
}
