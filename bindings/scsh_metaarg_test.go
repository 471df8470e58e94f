package bindings

import (
	"reflect"
	"testing"
)

func TestParseMetaArgLine(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{"-e main -s", []string{"-e", "main", "-s"}, false},
		{"-e main -s\n", []string{"-e", "main", "-s"}, false},
		{"a  b", []string{"a", "", "b"}, false},
		{"a ", []string{"a", ""}, false},
		{"", []string{""}, false},
		{`a\ b`, []string{"a b"}, false},
		{`x\n\t\101`, []string{"x\n\tA"}, false},
		{`a\\b`, []string{`a\b`}, false},
		{`a\377`, []string{"a\xff"}, false},
		{`a\400`, nil, true},
		{"\xff x", []string{"\xff", "x"}, false},
		{"a\tb", nil, true},
		{`a\q`, nil, true},
		{`a\12`, nil, true},
		{`a\`, nil, true},
		// an escaped newline continues the arguments (from-shell.md)
		{"-e main\\\nx -s\n(code)", []string{"-e", "main\nx", "-s"}, false},
		{"a \\\n\nrest", []string{"a", "\n"}, false},
		{"a\\\n", []string{"a\n"}, false},
		{"a b\n!#\n", []string{"a", "b"}, false},
		{"-lm modules.scm -dm -o test -e run-tests -s", []string{"-lm", "modules.scm", "-dm", "-o", "test", "-e", "run-tests", "-s"}, false},
	}
	for _, c := range cases {
		got, err := ParseMetaArgLine(c.in)
		if (err != nil) != c.err {
			t.Errorf("ParseMetaArgLine(%q) error = %v, want error %v", c.in, err, c.err)
			continue
		}
		if !c.err && !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseMetaArgLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
