package scsh

import (
	"bytes"
	"strings"
	"testing"

	"popsh/interp"
)

// Scheme48's ascii->char / char->ascii and scsh's run/collecting.
func TestAsciiAndRunCollecting(t *testing.T) {
	cases := []struct{ src, want string }{
		{`(list (ascii->char 65) (char->ascii #\a) (char->ascii (ascii->char 233)) (ascii->char 0))`, `(#\A 97 233 #\null)`},
		{`(receive (st out err) (run/collecting (1 2) (sh -c "echo hi; echo oops >&2; exit 3"))
		   (list st (read-line out) (read-line err) (eof-object? (read-line out))))`, `(768 "hi" "oops" #t)`},
		{`(receive (st err out) (run/collecting (2 1) (sh -c "echo o; echo e >&2"))
		   (list st (read-line out) (read-line err)))`, `(0 "o" "e")`},
		{`(receive (st out) (run/collecting (1) (| (echo a b) (tr a-z A-Z))) (list st (read-line out)))`, `(0 "A B")`},
		{`(receive (st out) (run/collecting (1) (cat) (<< "x y")) (list st (read-string 10 out)))`, `(0 "x y")`},
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
	errs := []struct{ src, want string }{
		{`(ascii->char 256)`, "ascii->char: code out of the 8-bit range"},
		{`(ascii->char -1)`, "ascii->char: code out of the 8-bit range"},
		{`(char->ascii #\λ)`, "char->ascii: character out of the 8-bit range"},
		{`(char->ascii 65)`, "expected a character"},
		{`(ascii->char #\a)`, "expected an exact integer"},
		{`(run/collecting (3) (echo a))`, "only file descriptors 1 and 2"},
		{`(run/collecting (1 1) (echo a))`, "listed twice"},
		{`(run/collecting 1 (echo a))`, "a list of file descriptors"},
	}
	for _, c := range errs {
		var out bytes.Buffer
		it := newScshInterp(t, &out)
		_, err := evalScsh(t, it, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want %q", c.src, err, c.want)
		}
	}
}
