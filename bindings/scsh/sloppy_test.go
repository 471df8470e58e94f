package scsh

import (
	"bytes"
	"testing"
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
	var out bytes.Buffer
	it := newScshInterp(t, &out)
	for _, c := range cases {
		expectValue(t, it, c.src, c.want)
	}
}
