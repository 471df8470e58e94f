package repl

import (
	"context"
	"testing"

	"popsh/interp"
)

// TestHistoryLine: the one-line form of a multi-line entry evaluates to the
// same value as the entry itself.
func TestHistoryLine(t *testing.T) {
	cases := []struct{ entry, want string }{
		{"(+ 1\n 2)", "(+ 1  2)"},
		{"\"x\ny\"", `"x\ny"`},
		{"(list 1 ; one\n 2)", "(list 1   2)"},
		{"(string #\\; #\\\" #\\|\n 1)", "(string #\\; #\\\" #\\|  1)"},
		{"\"a\\\n    b\"", `"ab"`},
		{"(quote (|a;b| x\n y))", `(quote (|a;b| x  y))`},
		{"(list '|-a ; a |comment|\n '|+)", `(list '|-a   '|+)`},
		{"(string-length \"a\r\nb\")", `(string-length "a\r\nb")`},
	}
	for _, c := range cases {
		got := HistoryLine(c.entry)
		if got != c.want {
			t.Errorf("HistoryLine(%q) = %q, want %q", c.entry, got, c.want)
			continue
		}
		it := interp.New()
		v1, err1 := it.EvalString(context.Background(), c.entry, "entry")
		v2, err2 := it.EvalString(context.Background(), got, "history")
		if (err1 == nil) != (err2 == nil) || (err1 == nil && interp.WriteString(v1) != interp.WriteString(v2)) {
			t.Errorf("%q evaluates to %v (%v), its history line %q to %v (%v)", c.entry, v1, err1, got, v2, err2)
		}
	}
}
