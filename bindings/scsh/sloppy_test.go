package scsh

import (
	"bytes"
	"testing"

	"popsh/interp"
)

// sloppy-suffix-splitter skips a delimiter at the start (ps(1) pads its
// number columns on the left); suffix-splitter keeps the empty field.
func TestSloppySuffixSplitterSkipsLeadingDelimiter(t *testing.T) {
	cases := []struct{ src, want string }{
		{`((sloppy-suffix-splitter) "   42    7 root  bash")`, `("42" "7" "root" "bash")`},
		{`((sloppy-suffix-splitter) "a b ")`, `("a" "b")`},
		{`((sloppy-suffix-splitter (rx ":")) ":x:y")`, `("x" "y")`},
		{`((sloppy-suffix-splitter (rx ":")) "::x")`, `("" "x")`},
		{`((suffix-splitter) "  a b ")`, `("" "a" "b")`},
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
