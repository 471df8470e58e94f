package interp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The start of a source file: a "#!" line without "!#", and a BOM.
func TestSourceFileStart(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"shebang without !#", "#!/usr/bin/env popsh\n(display \"hi\")\n", "hi"},
		{"shebang without !# CRLF", "#!/usr/bin/env popsh\r\n(display \"hi\")\r\n(display 2)", "hi2"},
		{"shebang only", "#!/usr/bin/env popsh", ""},
		{"shebang only with newline", "#!/usr/bin/env popsh\n", ""},
		{"scsh header", "#!/usr/local/bin/scsh -s\n(display \"no\")\n!#\n(display \"yes\")", "yes"},
		{"scsh header CRLF", "#!/usr/local/bin/scsh -s\r\n!#\r\n(display \"yes\")", "yes"},
		{"fold-case directive kept", "#!fold-case\n(DISPLAY 'ABC)", "abc"},
		{"BOM", "\uFEFF(display \"x\")\n", "x"},
		{"BOM then shebang", "\uFEFF#!/usr/bin/env popsh\n(display \"y\")", "y"},
		{"BOM then scsh header", "\uFEFF#!/bin/scsh -s\n!#\n(display \"z\")", "z"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		it := New(WithOutput(&out))
		if _, err := it.EvalString(context.Background(), c.src, "s.scm"); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if out.String() != c.want {
			t.Errorf("%s: printed %q, want %q", c.name, out.String(), c.want)
		}
	}
}

// Positions after a one-line "#!" header still count it as line 1; the
// header rule holds only at the very start of the file.
func TestSourceFileStartPositionsAndLimits(t *testing.T) {
	it := New(WithOutput(&bytes.Buffer{}))
	_, err := it.EvalString(context.Background(), "#!/usr/bin/env popsh\n\n  (car 1)\n", "p.scm")
	var eo *ErrorObject
	if !errors.As(err, &eo) || eo.Pos.Line != 3 || eo.Pos.Col != 3 {
		t.Errorf("error position: got %v, want p.scm:3:3", err)
	}
	// not at position 0: the scsh rule (a missing !# is an error) stands
	for _, src := range []string{" #!/bin/sh\n(display 1)", "(display 1)\n#!/bin/sh\n(display 2)"} {
		_, err = New(WithOutput(&bytes.Buffer{})).EvalString(context.Background(), src, "q.scm")
		if !errors.Is(err, ErrIncomplete) {
			t.Errorf("%q: want an incomplete #! comment, got %v", src, err)
		}
	}
	// a BOM elsewhere is not skipped; read on a port keeps the scsh rule
	if _, err = New(WithOutput(&bytes.Buffer{})).EvalString(context.Background(), "(display 1)\uFEFF", "q.scm"); err == nil {
		t.Errorf("a BOM after the start was accepted")
	}
	_, _, err = ReadAll(strings.NewReader("#!/bin/sh\n(x)"), "r.scm")
	if !errors.Is(err, ErrIncomplete) {
		t.Errorf("ReadAll: want the scsh rule, got %v", err)
	}
}

// load and include apply the same rules to files.
func TestSourceFileStartLoad(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.scm")
	if err := os.WriteFile(inc, []byte("\uFEFF#!/usr/bin/env popsh\n(define inc-val 7)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.scm")
	src := "\uFEFF#!/usr/bin/env popsh\n(include \"inc.scm\")\n(display (+ inc-val 1))\n"
	if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	it := New(WithOutput(&out))
	if _, err := it.EvalFile(context.Background(), main); err != nil {
		t.Fatal(err)
	}
	if out.String() != "8" {
		t.Errorf("printed %q, want 8", out.String())
	}
}

// Bars enclose a symbol of any characters when the closing bar is on the
// same line, before any parenthesis, and followed by a delimiter; otherwise
// | is a symbol character as in scsh; a | or || standing alone is scsh's
// pipe symbol. Every symbol written with write reads back.
func TestReaderBarSymbols(t *testing.T) {
	cases := []struct{ src, want string }{
		{"|'a|", "'a"}, {"|`a|", "`a"}, {"|,a|", ",a"}, {"|,@a|", ",@a"}, {`|"a|`, `"a`},
		{"|'|", "'"}, {`|a\|b|`, "a|b"}, {`|\x41;'|`, "A'"},
		{"| a", "|"}, {"|", "|"}, {"|)", "|"}, {"|;c\n", "|"}, {"||", "||"}, {"|| x", "||"}, {"|\t", "|"},
		{"|foo bar| x", "foo bar"}, {"|a (b|", "|a"}, {"|x|\n", "x"},
		// scsh: with no closing bar on the line, before a parenthesis, or
		// with a symbol character right after it, | is a symbol character.
		{"|+ x)", "|+"}, {"|-test", "|-test"}, {"|-test) (| x)", "|-test"},
		{"|-a '|-b", "|-a"}, {"||x", "||x"}, {"|a|b", "|a|b"}, {"|abc", "|abc"},
		{"|-test\n'|x|", "|-test"},
	}
	for _, c := range cases {
		v, err := NewReader(strings.NewReader(c.src), "b").Read()
		s, ok := v.(*Symbol)
		if err != nil || !ok || s.Name != c.want {
			t.Errorf("%q: got %v (%v), want symbol %q", c.src, v, err, c.want)
		}
	}
	for _, name := range []string{"'a", "`x", ",y", ",@z", `"q`, "a b", "|", "#foo", "1+", "|+", "|-test", "a|b", "|x|", "||x", "|a b"} {
		w := WriteString(Intern(name))
		v, err := NewReader(strings.NewReader(w), "rt").Read()
		if s, ok := v.(*Symbol); err != nil || !ok || s.Name != name {
			t.Errorf("symbol %q written as %s reads back as %v (%v)", name, w, v, err)
		}
	}
}
